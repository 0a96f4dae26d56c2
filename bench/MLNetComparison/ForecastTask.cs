// Task (c), forecasting: two monthly series R's datasets package ships (AirPassengers, 144 months; co2, 468 months),
// written to a temporary CSV by Rscript at run time. The first 80% of the months train; every month of the last 20%
// is forecast one step ahead from the true months before it (as `rnn eval --from K` does in
// tests/forecast-real-data.sh), and the MAE of those forecasts is reported for: the seasonal-naive forecast (the
// value 12 months earlier), the naive forecast (last value), ML.NET's LightGbm regression on lag features (the last
// 12 values and the month of the year), once on the raw values and once relative to the last value (a tree cannot
// predict outside the values it was trained on, and both series trend upwards), and Recurrent's core forecaster
// (Recurrent.Forecasting.Forecaster, the engine of `rnn train --task forecast`, window 24, its defaults otherwise).
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.Forecasting;

namespace MLNetComparison;

/// <summary>One LightGbm training row: the lag features and the value to predict.</summary>
public sealed class LagRow
{
    /// <summary>Lags 1..12 (most recent first) and the month of the year (1–12).</summary>
    [VectorType(ForecastTask.Lags + 1)]
    public float[] Features { get; set; } = [];
    /// <summary>The value (raw) or its change from the last value (relative).</summary>
    public float Label { get; set; }
}

/// <summary>A forecasting result: MAE of the one-step forecasts of the test months.</summary>
public sealed record ForecastRow(string Series, string Model, double Mae, double? Seconds);

internal static class ForecastTask
{
    public const int Lags = 12;

    public static List<ForecastRow>? Run(ulong seed)
    {
        string dir = Directory.CreateTempSubdirectory("mlbench-forecast-").FullName;
        try
        {
            var rows = new List<ForecastRow>();
            foreach (var (name, start) in new[] { ("AirPassengers", "1949-01-01"), ("co2", "1959-01-01") })
            {
                string csv = Path.Combine(dir, name + ".csv");
                if (!WriteSeries(name, start, csv)) return null;
                rows.AddRange(RunSeries(name, csv, dir, seed));
            }
            return rows;
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static bool WriteSeries(string name, string start, string csv)
    {
        string script = $"x <- {name}; d <- data.frame(month=format(seq(as.Date('{start}'), by='month', length.out=length(x)), '%Y-%m'), value=as.numeric(x)); " +
            $"write.csv(d, '{csv}', row.names=FALSE, quote=FALSE)";
        try
        {
            using var process = Process.Start(new ProcessStartInfo("Rscript", ["-e", script]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            process.WaitForExit();
            return process.ExitCode == 0 && File.Exists(csv);
        }
        catch (System.ComponentModel.Win32Exception) { return false; }   // no Rscript
    }

    private static IEnumerable<ForecastRow> RunSeries(string name, string csv, string dir, ulong seed)
    {
        string[] lines = File.ReadAllLines(csv);
        int n = lines.Length - 1, k = (n * 8 + 5) / 10;   // the first 80%, rounded, as tests/forecast-real-data.sh
        var months = lines.Skip(1).Select(l => int.Parse(l.Split(',')[0][5..], CultureInfo.InvariantCulture)).ToArray();
        var y = lines.Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Console.WriteLine($"forecast {name}: {n} months; training months 1..{k}, one-step forecasts of months {k + 1}..{n}");
        double Mae(Func<int, double> forecast) => Enumerable.Range(k, n - k).Average(t => Math.Abs(forecast(t) - y[t]));

        var results = new List<ForecastRow>
        {
            new(name, "seasonal naive (12 months earlier)", Mae(t => y[t - 12]), null),
            new(name, "naive (last value)", Mae(t => y[t - 1]), null),
        };

        var ml = new MLContext(seed: (int)seed);
        foreach (bool relative in new[] { false, true })
        {
            float[] Features(int t) =>
                [.. Enumerable.Range(1, Lags).Select(l => (float)(relative ? y[t - l] - y[t - 1] : y[t - l])), months[t]];
            var train = Enumerable.Range(Lags, k - Lags).Select(t => new LagRow { Features = Features(t), Label = (float)(relative ? y[t] - y[t - 1] : y[t]) }).ToList();
            var trainer = ml.Regression.Trainers.LightGbm(new Microsoft.ML.Trainers.LightGbm.LightGbmRegressionTrainer.Options
            {
                NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 5, LearningRate = 0.05, NumberOfIterations = 300, Seed = (int)seed,
            });
            string model = relative ? "LightGbm on lags relative to the last value + month" : "LightGbm on raw lags + month";
            Console.WriteLine($"forecast {name}: fitting {model} ...");
            var clock = Stopwatch.StartNew();
            var fitted = trainer.Fit(ml.Data.LoadFromEnumerable(train));
            double seconds = clock.Elapsed.TotalSeconds;
            var engine = ml.Model.CreatePredictionEngine<LagRow, RegressionPrediction>(fitted);
            double mae = Mae(t => engine.Predict(new LagRow { Features = Features(t) }).Score + (relative ? y[t - 1] : 0));
            Console.WriteLine($"forecast {name}: {model}: MAE {mae:F3}, fit {seconds:F1} s");
            results.Add(new ForecastRow(name, model, mae, seconds));
        }

        // Recurrent: the training months only go into the series the forecaster is fitted on.
        string trainCsv = Path.Combine(dir, name + "-train.csv");
        File.WriteAllLines(trainCsv, lines.Take(k + 1));
        var options = new ForecastOptions { Window = 24, Seed = seed };
        {
            Console.WriteLine($"forecast {name}: fitting Recurrent LSTM forecaster ...");
            var clock = Stopwatch.StartNew();
            var series = ForecastSeries.FromTable(TimeSeriesTable.Read(trainCsv), inputs: ["value"], targets: ["value"], options);
            var (forecaster, _) = Forecaster.Train(series, new ForecastModelSettings(), options);
            double seconds = clock.Elapsed.TotalSeconds;
            int l = forecaster.Spec.HistoryRows, batch = n - k;
            var windows = new double[batch * l];
            for (int b = 0; b < batch; b++) y.AsSpan(k + b - l, l).CopyTo(windows.AsSpan(b * l, l));
            double[] predicted = forecaster.PredictWindows(windows, batch);
            double mae = Enumerable.Range(0, batch).Average(b => Math.Abs(predicted[b] - y[k + b]));
            Console.WriteLine($"forecast {name}: Recurrent LSTM forecaster: MAE {mae:F3}, fit {seconds:F1} s");
            results.Add(new ForecastRow(name, "Recurrent LSTM forecaster (window 24, hidden 32)", mae, seconds));
        }
        return results;
    }

    /// <summary>The regression score column.</summary>
    public sealed class RegressionPrediction
    {
        /// <summary>The predicted label.</summary>
        public float Score { get; set; }
    }
}
