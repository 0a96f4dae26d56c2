// ForecastSegment: one series of a forecasting data set, in its own units — the rows of its input, target and
// known-ahead columns, the dates of its time column (when the model has calendar features), its id (many-series
// files), and where its history ends: the rows before Split are the training rows (or, when evaluating, the
// history before the first forecast), whose seasonal-naive error is the scale of MASE (ScaleRows: all rows when a
// whole file is scored without a split).
// Shapes: Inputs (Rows, C_in), Targets (Rows, C_target), Known (Rows, C_known), row-major; Dates (Rows) or null.
namespace Recurrent.Forecasting;

/// <summary>One series: its values and where its history ends.</summary>
public sealed class ForecastSegment
{
    internal ForecastSegment(string? id, int[] sourceRows, double[] inputs, double[] targets, double[] known, DateTime[]? dates, int split, int? scaleRows = null)
    {
        Id = id;
        Rows = sourceRows.Length;
        SourceRows = sourceRows;
        Inputs = inputs;
        Targets = targets;
        Known = known;
        Dates = dates;
        Split = split;
        ScaleRows = scaleRows ?? split;
    }

    /// <summary>The series id (the series column's value), or null for a one-series file.</summary>
    public string? Id { get; }
    /// <summary>Rows (time steps).</summary>
    public int Rows { get; }
    /// <summary>The 0-based row of the file each of its rows came from.</summary>
    public IReadOnlyList<int> SourceRows { get; }
    /// <summary>Input columns, (Rows, C_in) in original units.</summary>
    public double[] Inputs { get; }
    /// <summary>Target columns, (Rows, C_target) in original units.</summary>
    public double[] Targets { get; }
    /// <summary>Known-ahead columns, (Rows, C_known) in original units (empty without).</summary>
    public double[] Known { get; }
    /// <summary>The time column's dates, or null when the model has no calendar features.</summary>
    public DateTime[]? Dates { get; }
    /// <summary>The first row after the history (training rows, or the rows before the first forecast).</summary>
    public int Split { get; }
    /// <summary>
    /// The rows whose seasonal-naive error scales MASE: the history (Split) when there is one; when a whole file is
    /// evaluated without a split, all its rows.
    /// </summary>
    public int ScaleRows { get; }

    /// <summary>This series with MASE scaled by its first <paramref name="rows"/> rows.</summary>
    internal ForecastSegment WithScaleRows(int rows) => new(Id, (int[])SourceRows, Inputs, Targets, Known, Dates, Split, rows);

    /// <summary>How the series is named to a user: its id, or "the series".</summary>
    public string Label => Id is null ? "the series" : $"series '{Id}'";
}
