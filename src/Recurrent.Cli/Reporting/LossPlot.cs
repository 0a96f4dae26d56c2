// LossPlot: the loss curve of a run — training and validation loss (LossAxis says which) against the update step — drawn
// with ScottPlot from metrics.jsonl and written as loss.png and loss.svg in the run directory (atomically, so
// an interrupted write never leaves half a picture).
using Recurrent.Training;
using Recurrent.LanguageModels;
using Recurrent.Serialization;
using ScottPlot;

namespace Recurrent.Cli.Reporting;

internal static class LossPlot
{
    public const string PngFile = "loss.png";
    public const string SvgFile = "loss.svg";
    private const int Width = 900, Height = 520;

    /// <summary>Writes loss.png and loss.svg for the run in <paramref name="runDirectory"/>; returns their paths.</summary>
    public static (string Png, string Svg) Write(string runDirectory)
    {
        var run = new RunDirectory(runDirectory);
        if (!Directory.Exists(run.Path))
            throw new IOException($"The run directory '{run.Path}' does not exist.");
        if (!File.Exists(run.Metrics))
            throw new IOException($"'{run.Path}' has no {RunDirectory.MetricsFile}, so there is nothing to plot; give the directory of an `rnn train` run.");
        var records = MetricsLog.Read(run.Metrics);
        var train = records.Where(r => r.TrainLoss is double v && double.IsFinite(v)).ToList();
        var validation = records.Where(r => r.ValidationLoss is double v && double.IsFinite(v)).ToList();
        if (train.Count == 0 && validation.Count == 0)
            throw new IOException($"'{run.Metrics}' has no loss values yet; plot again once the run has logged some.");

        var plot = new Plot();
        if (train.Count > 0)
        {
            var line = plot.Add.Scatter(train.Select(r => (double)r.Step).ToArray(), train.Select(r => r.TrainLoss!.Value).ToArray());
            line.LegendText = "train";
            line.MarkerSize = train.Count == 1 ? 6 : 0;
            line.LineWidth = 1.5f;
        }
        if (validation.Count > 0)
        {
            var line = plot.Add.Scatter(validation.Select(r => (double)r.Step).ToArray(), validation.Select(r => r.ValidationLoss!.Value).ToArray());
            line.LegendText = "validation";
            line.MarkerSize = 6;
            line.LineWidth = 2;
        }
        plot.Title($"Loss — {Path.GetFileName(run.Path)}");
        plot.XLabel("step");
        plot.YLabel(LossAxis.Label(run));
        plot.ShowLegend(Alignment.UpperRight);

        byte[] png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        byte[] svg = System.Text.Encoding.UTF8.GetBytes(plot.GetSvgXml(Width, Height));
        string pngPath = run.File(PngFile), svgPath = run.File(SvgFile);
        ModelFile.WriteAtomically(pngPath, s => s.Write(png));
        ModelFile.WriteAtomically(svgPath, s => s.Write(svg));
        return (pngPath, svgPath);
    }
}
