// ForecastPlot: a forecast against the series — each target column's values over the rows of the file and the
// predicted continuation from the row it starts after, and for a quantile model the band between the lowest and
// highest quantile — drawn with ScottPlot and written as a PNG atomically.
using Recurrent.Serialization;
using ScottPlot;

namespace Recurrent.Cli.Reporting;

internal static class ForecastPlot
{
    private const int Width = 900, Height = 520;

    /// <summary>
    /// truth: (rows, C) row-major; predictions: (steps, C) for rows from+1..from+steps (1-based); band: the lower
    /// and upper quantiles, each (steps, C), and their name, or null; dates: the date of every row 0..max(rows,
    /// from+steps)−1 for a date axis, or null for row numbers.
    /// </summary>
    public static void Write(string path, string[] columns, double[] truth, int rows, double[] predictions, int from, int steps, string? title = null,
        (double[] Low, double[] High, string Name)? band = null, IReadOnlyList<DateTime>? dates = null)
    {
        int c = columns.Length;
        var plot = new Plot();
        // x of the 1-based row r: its date, or r.
        double X(int r) => dates is null ? r : dates[r - 1].ToOADate();
        for (int k = 0; k < c; k++)
        {
            var xs = Enumerable.Range(1, rows).Select(X).ToArray();
            var ys = Enumerable.Range(0, rows).Select(r => truth[r * c + k]).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = $"{columns[k]} (data)";
            line.MarkerSize = 0;
            line.LineWidth = 1.5f;
            var px = Enumerable.Range(from + 1, steps).Select(X).ToArray();
            if (band is var (low, high, name))
            {
                var fill = plot.Add.FillY(px, Enumerable.Range(0, steps).Select(s => low[s * c + k]).ToArray(), Enumerable.Range(0, steps).Select(s => high[s * c + k]).ToArray());
                fill.LegendText = $"{columns[k]} ({name})";
                fill.FillColor = fill.FillColor.WithAlpha(0.25);
                fill.LineWidth = 0;
            }
            var py = Enumerable.Range(0, steps).Select(s => predictions[s * c + k]).ToArray();
            var pred = plot.Add.Scatter(px, py);
            pred.LegendText = $"{columns[k]} (prediction)";
            pred.MarkerSize = steps == 1 ? 6 : 0;
            pred.LineWidth = 2;
            pred.LinePattern = LinePattern.Dashed;
        }
        var start = plot.Add.VerticalLine(dates is null ? from + 0.5 : (X(from) + X(from + 1)) / 2);
        start.LineWidth = 1;
        start.LinePattern = LinePattern.Dotted;
        plot.Title(title ?? $"Forecast after row {from}");
        if (dates is not null) plot.Axes.DateTimeTicksBottom();
        plot.XLabel(dates is null ? "row (time step)" : "date");
        plot.YLabel("value");
        plot.ShowLegend(Alignment.UpperLeft);
        byte[] png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        ModelFile.WriteAtomically(path, s => s.Write(png));
    }
}
