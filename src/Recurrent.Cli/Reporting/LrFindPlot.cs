// LrFindPlot: the learning-rate range test's picture — raw and smoothed loss against the learning rate on a log axis,
// with the suggested rate (and the other rule's rate) marked — drawn with ScottPlot as lr_find.png and lr_find.svg,
// the curve itself as lr_find.csv (lr, loss, smoothed), and the suggestion with its rule as lr_find.json (for the
// dashboard). Files are written atomically.
using System.Globalization;
using System.Text;
using System.Text.Json;
using Recurrent.Serialization;
using Recurrent.Training;
using ScottPlot;

namespace Recurrent.Cli.Reporting;

internal static class LrFindPlot
{
    public const string CsvFile = "lr_find.csv", PngFile = "lr_find.png", SvgFile = "lr_find.svg", JsonFile = "lr_find.json";
    private const int Width = 900, Height = 520;

    /// <summary>Writes the three files into <paramref name="directory"/> (which must exist); returns their paths.</summary>
    public static string[] Write(string directory, LearningRateFinderResult result, string title)
    {
        var csv = new StringBuilder("step,lr,loss,smoothed\n");
        foreach (var p in result.Points)
            csv.Append(CultureInfo.InvariantCulture, $"{p.Step},{p.LearningRate:R},{p.Loss:R},{p.SmoothedLoss:R}\n");

        var finite = result.Points.Where(p => double.IsFinite(p.Loss) && double.IsFinite(p.SmoothedLoss) && p.LearningRate > 0).ToList();
        var plot = new Plot();
        // The x axis is log10(lr), labelled with the rates themselves (ScottPlot draws log axes this way).
        double[] x = finite.Select(p => Math.Log10(p.LearningRate)).ToArray();
        if (finite.Count > 0)
        {
            var raw = plot.Add.Scatter(x, finite.Select(p => p.Loss).ToArray());
            raw.LegendText = "loss";
            raw.LineWidth = 1;
            raw.MarkerSize = 0;
            raw.Color = Colors.Gray.WithAlpha(0.6);
            var smooth = plot.Add.Scatter(x, finite.Select(p => p.SmoothedLoss).ToArray());
            smooth.LegendText = "smoothed loss";
            smooth.LineWidth = 2;
            smooth.MarkerSize = finite.Count == 1 ? 6 : 0;
            // Diverging losses would flatten the curve: show up to a little above the first smoothed loss.
            double top = Math.Max(finite[0].SmoothedLoss, finite.Min(p => p.SmoothedLoss)) * 1.25;
            double bottom = finite.Min(p => Math.Min(p.Loss, p.SmoothedLoss));
            plot.Axes.SetLimitsY(bottom - 0.05 * Math.Abs(top - bottom), Math.Max(top, bottom + 1e-6));
        }
        Mark(plot, result.Steepest, "steepest", result.Suggested == result.Steepest, Colors.Red);
        Mark(plot, result.MinimumOverTen, "minimum/10", result.Suggested == result.MinimumOverTen && result.Suggested != result.Steepest, Colors.Green);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => Math.Pow(10, v).ToString("0.##E+0", CultureInfo.InvariantCulture),
        };
        plot.Title(title);
        plot.XLabel("learning rate (log scale)");
        plot.YLabel("training loss");
        plot.ShowLegend(Alignment.UpperLeft);

        byte[] png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        byte[] svg = Encoding.UTF8.GetBytes(plot.GetSvgXml(Width, Height));
        string csvPath = Path.Combine(directory, CsvFile), pngPath = Path.Combine(directory, PngFile), svgPath = Path.Combine(directory, SvgFile);
        byte[] csvBytes = Encoding.UTF8.GetBytes(csv.ToString());
        ModelFile.WriteAtomically(csvPath, s => s.Write(csvBytes));
        ModelFile.WriteAtomically(pngPath, s => s.Write(png));
        ModelFile.WriteAtomically(svgPath, s => s.Write(svg));
        // The suggestion and how it was chosen, for the dashboard (`rnn ui DIR` draws the sweep with them).
        string jsonPath = Path.Combine(directory, JsonFile);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["suggested"] = result.Suggested, ["rule"] = result.Rule, ["steepest"] = result.Steepest,
            ["minimum_over_ten"] = result.MinimumOverTen, ["stop"] = result.Stop.ToString(), ["title"] = title,
        });
        ModelFile.WriteAtomically(jsonPath, s => s.Write(json));
        return [csvPath, pngPath, svgPath, jsonPath];
    }

    private static void Mark(Plot plot, double? lr, string rule, bool suggested, Color color)
    {
        if (lr is not double v || !(v > 0)) return;
        var line = plot.Add.VerticalLine(Math.Log10(v));
        line.Color = color;
        line.LineWidth = suggested ? 2 : 1;
        line.LinePattern = suggested ? LinePattern.Solid : LinePattern.Dashed;
        line.LegendText = $"{rule}: {v.ToString("G3", CultureInfo.InvariantCulture)}{(suggested ? " (suggested)" : "")}";
    }
}
