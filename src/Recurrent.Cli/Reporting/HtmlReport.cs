// HtmlReport: `rnn report`'s page — one self-contained HTML file for a run directory: a summary, inline SVG
// charts (SvgLineChart) of training and validation loss, learning rate, gradient norm and tokens/s from
// metrics.jsonl, the update:parameter ratio per tensor from stats.jsonl, what the latest evaluation predicted (predictions.json: PredictionsSection;
// for a caption run, validation pictures with their generated captions and attention strips: CaptionSection), the samples printed
// during training (samples.txt), and the configuration stored in the run's checkpoint (model architecture, training
// options, data). No network: CSS and the one small script are
// inline, nothing is fetched. The script marks the page (<html data-report="ok">) once every chart with data
// has a drawn series and no error was raised or logged, so a headless browser can check the page
// (tests/report-screenshot.sh).
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Recurrent.Training;
using Recurrent.LanguageModels;
using Recurrent.Serialization;

namespace Recurrent.Cli.Reporting;

internal static partial class HtmlReport
{
    public const string DefaultFile = "report.html";
    private const int MaxSamples = 100;

    /// <summary>Writes the report of the run in <paramref name="runDirectory"/> to <paramref name="output"/> (atomically); returns the path.</summary>
    public static string Write(string runDirectory, string? output)
    {
        var run = new RunDirectory(runDirectory);
        if (!Directory.Exists(run.Path))
            throw new IOException($"The run directory '{run.Path}' does not exist; give the directory of an `rnn train` run.");
        if (!File.Exists(run.Metrics))
            throw new IOException($"'{run.Path}' has no {RunDirectory.MetricsFile}, so there is nothing to report; give the directory of an `rnn train` run.");
        string path = Path.GetFullPath(output ?? run.File(DefaultFile));
        if (Directory.Exists(path))
            throw new IOException($"--out '{path}' is a directory; give a file name such as {Path.Combine(path, DefaultFile)}.");
        string html = Build(run);
        string? parent = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(parent) && !Directory.Exists(parent))
            throw new IOException($"The folder of --out '{path}' does not exist; create it first or choose another path.");
        byte[] bytes = new UTF8Encoding(false).GetBytes(html);
        ModelFile.WriteAtomically(path, s => s.Write(bytes));
        return path;
    }

    /// <summary>The HTML of the report.</summary>
    public static string Build(RunDirectory run)
    {
        var records = MetricsLog.Read(run.Metrics);
        var samples = File.Exists(run.Samples) ? ReadSamples(File.ReadAllText(run.Samples)) : [];
        string name = Path.GetFileName(run.Path.TrimEnd(Path.DirectorySeparatorChar));
        var (checkpoint, checkpointPath, checkpointError) = RunConfiguration.ReadCheckpoint(run);

        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\" data-report=\"pending\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        h.Append(CultureInfo.InvariantCulture, $"<title>rnn report — {Esc(name)}</title>\n");
        h.Append("<script>\n").Append(PageErrors.Script).Append(StatusScript).Append("</script>\n");
        h.Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        h.Append(CultureInfo.InvariantCulture, $"<header><h1>Training report <span class=\"run\">{Esc(name)}</span></h1><p class=\"path\">{Esc(run.Path)}</p></header>\n");

        AppendSummary(h, records, checkpoint, samples.Count);

        h.Append("<section><h2>Curves</h2><div class=\"charts\">\n");
        var trainLoss = records.Where(r => r.TrainLoss is not null).Select(r => ((double)r.Step, r.TrainLoss!.Value)).ToList();
        var valLoss = records.Where(r => r.ValidationLoss is not null).Select(r => ((double)r.Step, r.ValidationLoss!.Value)).ToList();
        string? kind = checkpoint?.Training is string state ? RunConfiguration.RunKind(state) : null;
        h.Append(Figure(SvgLineChart.Render("chart-loss", "Loss", "step", LossAxis.Label(run),
            [new ChartSeries("train", trainLoss, "#1f77b4"), new ChartSeries("validation", valLoss, "#d62728")])));
        h.Append(Figure(SvgLineChart.Render("chart-lr", "Learning rate", "step", "learning rate",
            [new ChartSeries("lr", records.Select(r => ((double)r.Step, r.LearningRate)).ToList(), "#2ca02c")])));
        h.Append(Figure(SvgLineChart.Render("chart-grad", "Gradient norm (before clipping)", "step", "global L2 norm",
            [new ChartSeries("|g|", records.Select(r => ((double)r.Step, r.GradientNorm)).ToList(), "#9467bd")])));
        h.Append(Figure(SvgLineChart.Render("chart-speed", "Training speed", "step", "tokens / s",
            [new ChartSeries("tokens/s", records.Where(r => r.TokensPerSecond > 0).Select(r => ((double)r.Step, r.TokensPerSecond)).ToList(), "#ff7f0e")])));
        // The other validation metrics of this kind of model (val_accuracy, val_entity_f1, val_mae, ...), one chart each.
        foreach (string metric in ValidationMetricNames(records))
        {
            var points = records.SelectMany(r => r.Validation ?? []).Where(v => v.Key == metric).Zip(
                records.Where(r => r.Validation?.Any(v => v.Key == metric) == true), (v, r) => ((double)r.Step, v.Value)).ToList();
            h.Append(Figure(SvgLineChart.Render("chart-" + metric.Replace('_', '-'), metric, "step", metric, [new ChartSeries(metric, points, "#17becf")])));
        }
        // DL4J's update:parameter ratio per tensor, from stats.jsonl — the same file the dashboard draws it from.
        if (File.Exists(run.Stats) && RatioSeries(TrainingStatistics.Read(run.Stats)) is { Count: > 0 } ratios)
            h.Append(Figure(SvgLineChart.Render("chart-ratios", "Update : parameter ratio (log10; about −3 is healthy)", "step", "log10(mean |Δθ| / mean |θ|)", ratios)));
        h.Append("</div></section>\n");

        PredictionsSection.Append(h, run);
        if (kind == Recurrent.Captioning.CaptionRunSpec.RunKind && checkpoint?.Training is string captionState)
            CaptionSection.Append(h, run, Recurrent.Captioning.CaptionRunSpec.FromJsonNode(FitState.FromJson(captionState, checkpointPath!).Run, checkpointPath!),
                File.Exists(run.Best) ? run.Best : checkpointPath!);

        // Only language models print samples; for other kinds an empty section would only puzzle.
        bool languageModel = kind is null or "lm";
        if (samples.Count > 0 || languageModel) h.Append(CultureInfo.InvariantCulture, $"<section><h2>Samples printed during training</h2>\n");
        if (samples.Count == 0)
        {
            if (languageModel) h.Append("<p class=\"note\">No samples in this run (samples.txt is missing or empty; see --sample-every).</p>\n");
        }
        else
        {
            if (samples.Count > MaxSamples)
                h.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">The last {MaxSamples} of {samples.Count} samples.</p>\n");
            foreach (var (step, text) in samples.TakeLast(MaxSamples))
                h.Append(CultureInfo.InvariantCulture, $"<div class=\"sample\"><h3>step {step}</h3><pre>{Esc(text)}</pre></div>\n");
        }
        if (samples.Count > 0 || languageModel) h.Append("</section>\n");

        h.Append("<section><h2>Configuration</h2>\n");
        if (checkpoint is null)
            h.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{Esc(checkpointError ?? "No checkpoint in this run, so its configuration is unknown.")}</p>\n");
        else
            AppendConfiguration(h, checkpoint, checkpointPath!);
        h.Append("</section>\n");
        h.Append("<footer>Written by <code>rnn report</code>. Self-contained: no scripts, fonts or images are loaded from anywhere.</footer>\n");
        h.Append("</body>\n</html>\n");
        return h.ToString();
    }

    private static string Figure(string svg) => $"<figure>{svg}</figure>\n";

    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];

    // One series per parameter tensor: its log10 update ratio at every stats line that has one.
    private static List<ChartSeries> RatioSeries(List<StatisticsRecord> records)
    {
        var names = records.SelectMany(r => r.Tensors.Select(t => t.Name)).Distinct(StringComparer.Ordinal).ToList();
        return names.Select((name, i) => new ChartSeries(name,
                records.SelectMany(r => r.Tensors.Where(t => t.Name == name && t.RatioLog10 is double v && double.IsFinite(v))
                    .Select(t => ((double)r.Step, t.RatioLog10!.Value))).ToList(), Palette[i % Palette.Length]))
            .Where(series => series.Points.Count > 0).ToList();
    }

    private static List<string> ValidationMetricNames(List<MetricsRecord> records) =>
        records.SelectMany(r => r.Validation ?? []).Select(v => v.Key).Distinct(StringComparer.Ordinal).ToList();

    private static void AppendSummary(StringBuilder h, List<MetricsRecord> records, ModelFileContent? checkpoint, int samples)
    {
        var last = records.Count > 0 ? records[^1] : null;
        var lastTrain = records.LastOrDefault(r => r.TrainLoss is not null);
        var bestVal = records.Where(r => r.ValidationLoss is double v && double.IsFinite(v)).MinBy(r => r.ValidationLoss!.Value);
        // Bits per token and tokens only mean something for a language model; other kinds read time steps.
        bool languageModel = checkpoint?.Training is not string training || RunConfiguration.RunKind(training) is null or "lm";
        var speeds = records.Where(r => r.TokensPerSecond > 0).Select(r => r.TokensPerSecond).Order().ToList();
        List<(string, string)> rows =
        [
            ("updates", last is null ? "-" : last.Step.ToString("N0", CultureInfo.InvariantCulture)),
            ("epochs", last is null ? "-" : last.Epoch.ToString("F2", CultureInfo.InvariantCulture)),
            ("wall-clock time", last is null ? "-" : Format.Duration(last.ElapsedSeconds)),
            ("last training loss", Format.Loss(lastTrain?.TrainLoss) + (lastTrain is null ? "" : $" (step {lastTrain.Step})")),
            ("best validation loss", bestVal is null ? "-" : $"{Format.Loss(bestVal.ValidationLoss)} (step {bestVal.Step}" +
                (languageModel ? $", {Format.Number(bestVal.ValidationLoss!.Value / Math.Log(2), "F3")} bits/token)" : ")")),
            ("median speed", speeds.Count == 0 ? "-" : $"{speeds[speeds.Count / 2].ToString("N0", CultureInfo.InvariantCulture)} {(languageModel ? "tokens" : "time steps")}/s"),
            .. ValidationMetricNames(records).Select(name =>
            {
                var at = records.LastOrDefault(r => r.Validation?.Any(v => v.Key == name) == true);
                return ($"last {name}", at is null ? "-" : $"{Format.Metric(at.Validation!.First(v => v.Key == name).Value)} (step {at.Step})");
            }),
            ("metrics lines", records.Count.ToString(CultureInfo.InvariantCulture)),
            ("samples", samples.ToString(CultureInfo.InvariantCulture)),
        ];
        if (checkpoint is not null)
            rows.Insert(0, ("parameters", checkpoint.Parameters.Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b)).ToString("N0", CultureInfo.InvariantCulture)));
        h.Append("<section><h2>Summary</h2>\n");
        Table(h, "summary", rows);
        h.Append("</section>\n");
    }

    private static void AppendConfiguration(StringBuilder h, ModelFileContent content, string path)
    {
        h.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">From <code>{Esc(Path.GetFileName(path))}</code>.</p>\n<div class=\"config\">\n");
        // Consecutive tables with the same title (the model and its tokenizer) share one block.
        string? open = null;
        foreach (var table in RunConfiguration.Tables(content))
        {
            if (table.Title != open)
            {
                if (open is not null) h.Append("</div>\n");
                h.Append(CultureInfo.InvariantCulture, $"<div><h3>{Esc(table.Title)}</h3>\n");
                open = table.Title;
            }
            Table(h, table.Class, table.Rows);
        }
        if (open is not null) h.Append("</div>\n");
        h.Append("</div>\n");
    }

    private static void Table(StringBuilder h, string cls, IEnumerable<(string Key, string Value)> rows)
    {
        h.Append(CultureInfo.InvariantCulture, $"<table class=\"{cls}\">");
        foreach (var (key, value) in rows)
            h.Append(CultureInfo.InvariantCulture, $"<tr><th>{Esc(key)}</th><td>{Esc(value)}</td></tr>");
        h.Append("</table>\n");
    }

    /// <summary>The samples of samples.txt ("---- step N ----" then the text), in file order.</summary>
    internal static List<(long Step, string Text)> ReadSamples(string text)
    {
        var result = new List<(long, string)>();
        var matches = SampleHeader().Matches(text);
        for (int i = 0; i < matches.Count; i++)
        {
            int start = matches[i].Index + matches[i].Length;
            int end = i + 1 < matches.Count ? matches[i + 1].Index : text.Length;
            string body = text[start..end];
            if (body.StartsWith('\n')) body = body[1..];
            if (body.EndsWith('\n')) body = body[..^1];
            result.Add((long.Parse(matches[i].Groups[1].Value, CultureInfo.InvariantCulture), body));
        }
        return result;
    }

    [GeneratedRegex(@"^---- step (\d+) ----$", RegexOptions.Multiline)]
    private static partial Regex SampleHeader();

    private static string Esc(string text) => WebUtility.HtmlEncode(text);

    // Runs right after PageErrors.Script (which records every error): after load it checks that every chart with data
    // drew a visible series, and sets <html data-report> to "ok" or "error: ...".
    private const string StatusScript = """
(function () {
  var problems = window.rnnPageProblems; // PageErrors.Script, which runs first, fills it
  window.addEventListener('load', function () {
    var charts = document.querySelectorAll('svg.chart');
    var drawn = 0;
    for (var i = 0; i < charts.length; i++) {
      if (charts[i].classList.contains('empty')) continue;
      var paths = charts[i].querySelectorAll('g.series path');
      if (paths.length === 0) { problems.push('chart ' + charts[i].id + ' has no series'); continue; }
      for (var j = 0; j < paths.length; j++) {
        var box = paths[j].getBBox();
        if (!(box.width > 0 || box.height > 0) && paths[j].parentNode.querySelectorAll('circle').length === 0)
          problems.push('chart ' + charts[i].id + ': series ' + j + ' is not drawn');
      }
      drawn++;
    }
    if (drawn === 0) problems.push('no chart has data');
    document.documentElement.setAttribute('data-report', problems.length === 0 ? 'ok' : 'error: ' + problems.join(' | '));
    document.documentElement.setAttribute('data-charts', String(drawn));
  });
})();

""";

    private const string Css = """
:root { color-scheme: light; --ink: #1d2330; --muted: #5d6575; --line: #d9dde5; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1400px; padding: 24px 32px 48px; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
h1 { font-size: 26px; margin: 0 0 4px; } h1 .run { color: var(--muted); font-weight: 500; }
h2 { font-size: 19px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 12px 0 6px; }
.path, .note, footer { color: var(--muted); font-size: 13px; }
footer { margin-top: 36px; }
table { border-collapse: collapse; background: #fff; border: 1px solid var(--line); font-size: 14px; }
th, td { text-align: left; padding: 4px 12px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 500; white-space: nowrap; }
td { font-variant-numeric: tabular-nums; word-break: break-all; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px; }
svg.chart { width: 100%; height: auto; display: block; font-size: 12px; fill: var(--ink); }
svg.chart .title { font-size: 15px; font-weight: 600; }
svg.chart .grid line { stroke: #eceef2; }
svg.chart .axis rect { stroke: #9aa1ad; }
svg.chart .note { fill: var(--muted); font-size: 14px; }
.sample { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 4px 12px; margin-bottom: 10px; }
.sample h3 { color: var(--muted); font-weight: 500; font-size: 13px; }
pre { margin: 0 0 8px; white-space: pre-wrap; font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
table.confusion td { text-align: right; min-width: 48px; } table.confusion td.dark { color: #fff; }
table.examples td { word-break: normal; } .wrong { color: #b5181b; font-weight: 600; } .tag { color: var(--muted); font-size: 12px; }
.config { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.captions { display: flex; flex-direction: column; gap: 10px; } figure.caption img { display: block; max-width: 100%; }
figure.caption ul { margin: 4px 0 0; padding-left: 20px; color: var(--muted); font-size: 13px; }

""";
}
