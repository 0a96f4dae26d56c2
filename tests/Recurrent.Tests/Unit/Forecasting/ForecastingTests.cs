// Forecasting from the library: CSV reading (header detection, column choice, errors naming line and column),
// standardisation fitted on the training rows only, learning a sine wave far below the naive error on the fit loop
// (Forecaster.Train; its val_mse and val_mae recomputed here from the restored best weights), the autoregressive
// continuation against a hand-rolled loop of one-block predictions, and the model file round trip.
using System.Globalization;
using Recurrent.Forecasting;
using Recurrent.Training;
using Recurrent.Training.Callbacks;
using Xunit.Abstractions;

namespace Recurrent.Tests.Forecasting;

public sealed class ForecastingTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("forecast-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static double Wave(int t) => Math.Sin(0.3 * t) + 0.5 * Math.Cos(0.11 * t) + 2;

    private string WaveCsv(int rows) => Write("wave.csv", "date,value,noise\n" + string.Concat(Enumerable.Range(0, rows).Select(t =>
        string.Create(CultureInfo.InvariantCulture, $"2024-01-{t % 28 + 1:00},{Wave(t):R},{t % 5}\n"))));

    [Fact]
    public void CsvHeaderColumnsAndErrors()
    {
        var table = TimeSeriesTable.Read(WaveCsv(10));
        Assert.Equal(["date", "value", "noise"], table.Header);
        Assert.Equal(10, table.Rows);
        Assert.Equal(1, table.ColumnIndex("value"));
        Assert.Equal(2, table.ColumnIndex("3"));
        Assert.Equal(Wave(4), table.Values([1])[4]);
        var e = Assert.Throws<ArgumentException>(() => table.ColumnIndex("price"));
        Assert.Contains("no column 'price'; use 'date', 'value', 'noise' or numbers 1..3", e.Message);
        var bad = Assert.Throws<InvalidDataException>(() => table.Values([0]));
        Assert.Contains("line 2, column 'date': \"2024-01-01\" is not a number", bad.Message);

        var plain = TimeSeriesTable.Read(Write("plain.csv", "1.5,2\n2.5,3\n"));
        Assert.Null(plain.Header);
        Assert.Equal([1.5, 2, 2.5, 3], plain.Values([0, 1]));
        var ragged = Assert.Throws<InvalidDataException>(() => TimeSeriesTable.Read(Write("ragged.csv", "1,2\n3\n")));
        Assert.Contains("line 2: 1 fields where the first line has 2", ragged.Message);
    }

    [Fact]
    public void LearnsASeriesAndContinuesItFromItsOwnPredictions()
    {
        const int Rows = 300;
        var table = TimeSeriesTable.Read(WaveCsv(Rows));
        var options = new ForecastOptions
        {
            Window = 16, Horizon = 2, ValidationFraction = 0.25, Normalize = ForecastNormalization.Global,
            Optimization = new ForecastOptions().Optimization with { LearningRate = 0.01 },
            Fit = new FitOptions { Epochs = 25 },
        };
        var series = ForecastSeries.FromTable(table, ["value"], ["value"], options);
        Evaluation? best = null;
        var follow = new LambdaCallback
        {
            Evaluated = e =>
            {
                log.WriteLine($"step {e.Step}: {string.Join(", ", e.Evaluation.Metrics.Select(m => $"{m.Key} {m.Value:G4}"))}");
                if (e.Improved) best = e.Evaluation;
            },
        };
        var (forecaster, outcome) = Forecaster.Train(series, new ForecastModelSettings { HiddenSize = 24 }, options, [follow]);
        Assert.Equal(StopReason.Epochs, outcome.Reason);
        Assert.NotNull(best);
        var spec = forecaster.Spec;

        // Standardisation from the training rows only (the first 75%).
        int split = (int)Math.Round(Rows * 0.75);
        double mean = Enumerable.Range(0, split).Average(Wave);
        double std = Math.Sqrt(Enumerable.Range(0, split).Average(t => (Wave(t) - mean) * (Wave(t) - mean)));
        Assert.Equal(mean, spec.Targets[0].Mean, 12);
        Assert.Equal(std, spec.Targets[0].Std, 12);
        Assert.Equal("value", spec.Inputs[0].Name);

        // The best evaluation's errors in original units, recomputed from the restored best weights: the model's
        // predictions of every validation window against the series. The naive forecast (repeat the last value) on
        // the same windows is the yardstick.
        double naive = 0, sq = 0, abs = 0, z = 0;
        int n = 0;
        for (int i = 0; i <= Rows - 16 - 2; i++)
            if (i + 16 >= split)
            {
                double[] p = forecaster.PredictWindows(Enumerable.Range(i, 16).Select(Wave).ToArray(), 1);
                for (int k = 0; k < 2; k++)
                {
                    double truth = Wave(i + 16 + k), d = p[k] - truth;
                    naive += (truth - Wave(i + 15)) * (truth - Wave(i + 15));
                    sq += d * d;
                    abs += Math.Abs(d);
                    z += d / std * (d / std);
                    n++;
                }
            }
        Assert.Equal(series.Validation.Count * 2, n);
        Assert.Equal(sq / n, best!["val_mse"]!.Value, 1e-4);
        Assert.Equal(abs / n, best["val_mae"]!.Value, 1e-4);
        Assert.Equal(z / n, best.Score, 1e-4); // val_loss: the MSE of the standardised values
        Assert.Equal(outcome.BestScore, best.Score);
        naive /= n;
        log.WriteLine($"validation MSE {sq / n:G4} vs naive {naive:G4}");
        Assert.True(sq / n < naive / 5, $"validation MSE {sq / n} is not far below the naive {naive}");

        // Continuation = the loop of block predictions, each window ending with the previous predictions.
        double[] history = Enumerable.Range(0, 200).Select(Wave).ToArray();
        double[] cont = forecaster.Continue(history, 200, 7);
        var extended = history.ToList();
        var expected = new List<double>();
        while (expected.Count < 7)
        {
            double[] block = forecaster.PredictWindows(extended.GetRange(extended.Count - 16, 16).ToArray(), 1);
            expected.AddRange(block);
            extended.AddRange(block);
        }
        Assert.Equal(expected.Take(7), cont);
        double mae = Enumerable.Range(0, 7).Average(k => Math.Abs(cont[k] - Wave(200 + k)));
        log.WriteLine($"continuation MAE over 7 steps {mae:F4}");
        Assert.True(mae < 0.15, $"continuation MAE {mae}");

        string path = Path.Combine(_dir, "model.safetensors");
        ForecastFile.Save(path, forecaster);
        var loaded = ForecastFile.Load(path);
        Assert.Equal(spec.Targets[0], loaded.Spec.Targets[0]);
        Assert.Equal(cont, loaded.Continue(history, 200, 7));
    }

    [Fact]
    public void ContinuingNeedsEveryInputAmongTheTargets()
    {
        var table = TimeSeriesTable.Read(WaveCsv(80));
        var options = new ForecastOptions { Window = 8, Fit = new FitOptions { Epochs = 1 } };
        var (forecaster, _) = Forecaster.Train(ForecastSeries.FromTable(table, ["value", "noise"], ["value"], options), new ForecastModelSettings { HiddenSize = 4 }, options);
        var e = Assert.Throws<ArgumentException>(() => forecaster.Continue(new double[16], 8, 3));
        Assert.Contains("the input column 'noise' is not predicted", e.Message);
        var tooShort = Assert.Throws<ArgumentException>(() => ForecastSeries.FromTable(table, ["value"], ["value"], new ForecastOptions { Window = 70 }));
        Assert.Contains("use a longer series", tooShort.Message);
        var twice = Assert.Throws<ArgumentException>(() => ForecastSeries.FromTable(table, ["value", "2"], ["value"], options));
        Assert.Contains("named twice", twice.Message);
    }
}
