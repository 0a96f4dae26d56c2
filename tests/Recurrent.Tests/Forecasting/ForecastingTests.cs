// Forecasting from the library: CSV reading (header detection, column choice, errors naming line and column),
// standardisation fitted on the training rows only, learning a sine wave far below the naive error, the
// autoregressive continuation against a hand-rolled loop of one-block predictions, and the model file round trip.
using System.Globalization;
using Recurrent.Forecasting;
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
        var options = new ForecastOptions { Window = 16, Horizon = 2, HiddenSize = 24, Epochs = 25, Patience = 0, ValidationFraction = 0.25, LearningRate = 0.01 };
        var result = ForecastTraining.Run(table, ["value"], ["value"], options, e => log.WriteLine($"epoch {e.Epoch}: train {e.TrainMse:F5} validation {e.ValidationMse:F5} MAE {e.Validation.Mae:F4}"));
        var spec = result.Forecaster.Spec;

        // Standardisation from the training rows only (the first 75%).
        int split = (int)Math.Round(Rows * 0.75);
        double mean = Enumerable.Range(0, split).Average(Wave);
        double std = Math.Sqrt(Enumerable.Range(0, split).Average(t => (Wave(t) - mean) * (Wave(t) - mean)));
        Assert.Equal(mean, spec.Targets[0].Mean, 12);
        Assert.Equal(std, spec.Targets[0].Std, 12);
        Assert.Equal("value", spec.Inputs[0].Name);

        // Naive forecast (repeat the last value) on the same validation windows, as a yardstick.
        double naive = 0;
        int n = 0;
        for (int i = 0; i <= Rows - 16 - 2; i++)
            if (i + 16 >= split)
                for (int k = 0; k < 2; k++) { double d = Wave(i + 16 + k) - Wave(i + 15); naive += d * d; n++; }
        naive /= n;
        log.WriteLine($"validation MSE {result.Best.Validation.Mse:G4} vs naive {naive:G4}");
        Assert.Equal(n, result.Best.Validation.Count);
        Assert.True(result.Best.Validation.Mse < naive / 5, $"validation MSE {result.Best.Validation.Mse} is not far below the naive {naive}");

        // Continuation = the loop of block predictions, each window ending with the previous predictions.
        double[] history = Enumerable.Range(0, 200).Select(Wave).ToArray();
        double[] cont = result.Forecaster.Continue(history, 200, 7);
        var series = history.ToList();
        var expected = new List<double>();
        while (expected.Count < 7)
        {
            double[] block = result.Forecaster.PredictWindows(series.GetRange(series.Count - 16, 16).ToArray(), 1);
            expected.AddRange(block);
            series.AddRange(block);
        }
        Assert.Equal(expected.Take(7), cont);
        double mae = Enumerable.Range(0, 7).Average(k => Math.Abs(cont[k] - Wave(200 + k)));
        log.WriteLine($"continuation MAE over 7 steps {mae:F4}");
        Assert.True(mae < 0.15, $"continuation MAE {mae}");

        string path = Path.Combine(_dir, "model.safetensors");
        ForecastFile.Save(path, result.Forecaster);
        var loaded = ForecastFile.Load(path);
        Assert.Equal(spec.Targets[0], loaded.Spec.Targets[0]);
        Assert.Equal(cont, loaded.Continue(history, 200, 7));
    }

    [Fact]
    public void ContinuingNeedsEveryInputAmongTheTargets()
    {
        var table = TimeSeriesTable.Read(WaveCsv(80));
        var result = ForecastTraining.Run(table, ["value", "noise"], ["value"], new ForecastOptions { Window = 8, Epochs = 1, HiddenSize = 4 });
        var e = Assert.Throws<ArgumentException>(() => result.Forecaster.Continue(new double[16], 8, 3));
        Assert.Contains("the input column 'noise' is not predicted", e.Message);
        var tooShort = Assert.Throws<ArgumentException>(() => ForecastTraining.Run(table, ["value"], ["value"], new ForecastOptions { Window = 70 }));
        Assert.Contains("use a longer series", tooShort.Message);
    }
}
