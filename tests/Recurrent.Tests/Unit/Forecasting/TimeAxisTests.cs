// TimeAxisTests: the time column of a series continues with the step of its last rows (months, days, times of
// day, numbers) in the column's own format, and irregular or non-time columns have no axis.
using Recurrent.Forecasting;

namespace Recurrent.Tests.Forecasting;

public sealed class TimeAxisTests
{
    [Theory]
    [InlineData(new[] { "1949-10", "1949-11", "1949-12" }, new[] { "1950-01", "1950-02", "1950-03" }, "1 month")]
    [InlineData(new[] { "2023-11-30", "2023-12-31", "2024-01-31" }, new[] { "2024-02-29", "2024-03-31" }, "1 month")]   // month ends
    [InlineData(new[] { "2024-01-31", "2024-02-29", "2024-03-30" }, new string[0], null)]                              // neither
    [InlineData(new[] { "2019-01-15", "2019-04-15", "2019-07-15", "2019-10-15" }, new[] { "2020-01-15", "2020-04-15" }, "3 months")]
    [InlineData(new[] { "2001-01-01", "2002-01-01", "2003-01-01" }, new[] { "2004-01-01" }, "12 months")]
    [InlineData(new[] { "2021-12-29", "2021-12-30", "2021-12-31" }, new[] { "2022-01-01", "2022-01-02" }, "1 day")]
    [InlineData(new[] { "2024-02-15", "2024-02-22" }, new[] { "2024-02-29", "2024-03-07" }, "7 days")]
    [InlineData(new[] { "2024-03-01 22:00", "2024-03-01 23:00" }, new[] { "2024-03-02 00:00", "2024-03-02 01:00" }, "01:00:00")]
    [InlineData(new[] { "2024-03-01T10:00:00", "2024-03-01T10:00:30" }, new[] { "2024-03-01T10:01:00" }, "00:00:30")]
    [InlineData(new[] { "09:00", "09:15", "09:30" }, new[] { "09:45", "10:00" }, "00:15:00")]
    [InlineData(new[] { "01.12.2023", "02.12.2023" }, new[] { "03.12.2023" }, "1 day")]
    [InlineData(new[] { "1998", "1999" }, new[] { "2000", "2001" }, "+1")]
    [InlineData(new[] { "0", "1", "2", "3" }, new[] { "4" }, "+1")]
    [InlineData(new[] { "0.5", "1.0", "1.5" }, new[] { "2.0", "2.5" }, "+0.5")]
    [InlineData(new[] { "10", "7.5", "5" }, new[] { "2.5", "0.0" }, "-2.5")]
    public void ContinuesWithTheStepOfTheLastRows(string[] values, string[] next, string? step)
    {
        TimeAxis? axis = TimeAxis.Infer(values);
        if (step is null) { Assert.Null(axis); return; }
        Assert.NotNull(axis);
        Assert.Equal(step, axis.Step);
        Assert.Equal(next, Enumerable.Range(1, next.Length).Select(axis.After));
    }

    [Theory]
    [InlineData("2024-01-05", "2024-01-08", "2024-01-09", "2024-01-10")]   // business days skip weekends
    [InlineData("3", "5", "6")]                                             // uneven numbers
    [InlineData("7", "7", "7")]                                             // no step
    [InlineData("north", "south", "east")]                                  // not time
    [InlineData("1949-01", "1949-02-01")]                                   // two layouts
    [InlineData("1e3", "2e3")]                                              // exponents: no format to keep
    [InlineData("1949-01")]                                                 // one row: no step
    public void IrregularOrNonTimeColumns_HaveNoAxis(params string[] values) => Assert.Null(TimeAxis.Infer(values));

    [Fact]
    public void OnlyTheLastRowsDecide()
    {
        // An early gap does not matter once the last RowsChecked rows are regular.
        string[] days = ["2024-01-01", "2024-01-05", .. Enumerable.Range(10, TimeAxis.RowsChecked).Select(d => $"2024-01-{d}")];
        Assert.Equal("2024-01-16", TimeAxis.Infer(days)!.After(1));
        Assert.Throws<ArgumentException>(() => TimeAxis.Infer(days)!.After(0));
    }

    [Fact]
    public void AFileWithoutHeader_MayStartWithADate()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "1950-01,101.5\n1950-02,99\n1950-03,104\n");
            var table = TimeSeriesTable.Read(path);
            Assert.Null(table.Header);
            Assert.Equal(3, table.Rows);
            Assert.Equal(["1950-01", "1950-02", "1950-03"], table.Texts(0));
            File.WriteAllText(path, "month,passengers\n1950-01,101.5\n");
            Assert.Equal(["month", "passengers"], TimeSeriesTable.Read(path).Header);
        }
        finally { File.Delete(path); }
    }
}
