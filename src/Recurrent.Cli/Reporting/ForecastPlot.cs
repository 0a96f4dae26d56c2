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
    /// and upper quantiles, each (steps, C), and their name, or null.
    /// </summary>
    public static void Write(string path, string[] columns, double[] truth, int rows, double[] predictions, int from, int steps, string? title = null,
        (double[] Low, double[] High, string Name)? band = null)
    {
        int c = columns.Length;
        var plot = new Plot();
        for (int k = 0; k < c; k++)
        {
            var xs = Enumerable.Range(1, rows).Select(r => (double)r).ToArray();
            var ys = Enumerable.Range(0, rows).Select(r => truth[r * c + k]).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = $"{columns[k]} (data)";
            line.MarkerSize = 0;
            line.LineWidth = 1.5f;
            var px = Enumerable.Range(from + 1, steps).Select(r => (double)r).ToArray();
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
        var start = plot.Add.VerticalLine(from + 0.5);
        start.LineWidth = 1;
        start.LinePattern = LinePattern.Dotted;
        plot.Title(title ?? $"Forecast after row {from}");
        plot.XLabel("row (time step)");
        plot.YLabel("value");
        plot.ShowLegend(Alignment.UpperLeft);
        byte[] png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        ModelFile.WriteAtomically(path, s => s.Write(png));
    }
}
