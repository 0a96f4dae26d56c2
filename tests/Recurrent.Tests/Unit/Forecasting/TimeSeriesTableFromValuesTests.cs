// TimeSeriesTableFromValuesTests: a table made from values in memory (what the ML.NET forecaster builds from a column)
// holds every value with its exact bits, names its columns by header, and makes the same ForecastSeries as the CSV
// file of the same values; values that are not whole rows are refused naming the counts.
using System.Globalization;
using Recurrent.Forecasting;

namespace Recurrent.Tests.Forecasting;

public sealed class TimeSeriesTableFromValuesTests
{
    [Fact]
    public void Values_keep_their_bits_and_columns_their_names()
    {
        double[] values = [0.1f, 1e-30, -0.0, 123456.789, double.Epsilon, 1.0 / 3, 2, 3];
        var table = TimeSeriesTable.FromValues("the series column 'Value'", ["Value", "Other"], values);
        Assert.Equal(4, table.Rows);
        Assert.Equal(2, table.Columns);
        Assert.Equal(1, table.ColumnIndex("Other"));
        Assert.Equal("the series column 'Value'", table.Path);
        double[] back = table.Values([0, 1]);
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), back.Select(BitConverter.DoubleToInt64Bits));
        var e = Assert.Throws<ArgumentException>(() => TimeSeriesTable.FromValues("x", ["A", "B"], [1, 2, 3]));
        Assert.Contains("whole rows of 2 values, got 3", e.Message);
    }

    [Fact]
    public void It_makes_the_same_series_as_the_CSV_file_of_the_same_values()
    {
        var rng = new Random(3);
        double[] values = Enumerable.Range(0, 120).Select(t => (double)(float)(5 + Math.Sin(t / 3.0) + rng.NextDouble())).ToArray();
        string path = Path.Combine(Path.GetTempPath(), $"recurrent-fromvalues-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path, ["Value", .. values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))]);
        try
        {
            var options = new ForecastOptions { Window = 12, Horizon = 2 };
            var fromFile = ForecastSeries.FromTable(TimeSeriesTable.Read(path), ["Value"], ["Value"], options);
            var fromValues = ForecastSeries.FromTable(TimeSeriesTable.FromValues("memory", ["Value"], values), ["Value"], ["Value"], options);
            Assert.Equal(fromFile.Spec.ToJson(), fromValues.Spec.ToJson());
            Assert.Equal(fromFile.Train, fromValues.Train);
            Assert.Equal(fromFile.Validation, fromValues.Validation);
        }
        finally { File.Delete(path); }
    }
}
