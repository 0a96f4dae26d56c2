// AttentionMapPlot: a seq2seq model's attention weights for one decoded source (Seq2Seq/AttentionMap) as a heat
// map — one row per output step (top to bottom, labelled with the character it emitted), one column per source
// position (labelled with the character the encoder read there) — drawn with ScottPlot and written as a PNG
// atomically. For reversal the bright cells run along the anti-diagonal.
using Recurrent.Cli.Commands;
using Recurrent.Serialization;
using Recurrent.Seq2Seq;
using ScottPlot;

namespace Recurrent.Cli.Reporting;

internal static class AttentionMapPlot
{
    private const int Cell = 18, Margin = 140;

    public static void Write(string path, AttentionMap map, string title)
    {
        int rows = map.Output.Length, cols = map.Source.Length;
        if (rows == 0 || cols == 0) throw new UserFacingException("the decoded line has no output or no source characters, so there is no attention map to draw.");
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(map.Weights);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap);
        // Heatmap cell [r, c] is centred at x = c and y = rows − 1 − r (row 0 at the top).
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, cols).Select(c => (double)c).ToArray(), map.Source.Select(Visible).ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, rows).Select(r => (double)(rows - 1 - r)).ToArray(), map.Output.Select(Visible).ToArray());
        plot.Axes.Margins(0, 0);
        plot.Title(title);
        plot.XLabel("source position (as the encoder read it)");
        plot.YLabel("output step");
        byte[] png = plot.GetImageBytes(Math.Max(480, cols * Cell + Margin + 80), Math.Max(360, rows * Cell + Margin), ImageFormat.Png);
        ModelFile.WriteAtomically(path, s => s.Write(png));
    }

    private static string Visible(string s) => s == " " ? "␠" : s;
}
