// PredictionsSection: the report's "Predictions at the latest evaluation" section, from the run directory's
// predictions.json (written by the library's PredictionsWriter for classifiers, taggers, forecasters and seq2seq
// models; language models have none, and then there is no section). A confusion matrix becomes an HTML table whose
// cells are shaded by their count (rows = true label, columns = predicted), with the example predictions below it;
// forecasts become one small SvgLineChart each (history, actual, predicted — counted by the page's status script
// like every chart); sequences become a table of source, target and output. A file that cannot be read gives a note,
// never a failed report.
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Recurrent.Training;

namespace Recurrent.Cli.Reporting;

internal static class PredictionsSection
{
    /// <summary>Appends the section for <paramref name="run"/>'s predictions.json; nothing when there is none.</summary>
    public static void Append(StringBuilder h, RunDirectory run)
    {
        if (!File.Exists(run.Predictions)) return;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(run.Predictions));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            h.Append(CultureInfo.InvariantCulture, $"<section><h2>Predictions</h2><p class=\"note\">{Esc(RunDirectory.PredictionsFile)} could not be read: {Esc(e.Message)}</p></section>\n");
            return;
        }
        using (document)
        {
            var root = document.RootElement;
            string step = root.TryGetProperty("step", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64().ToString(CultureInfo.InvariantCulture) : "?";
            h.Append(CultureInfo.InvariantCulture, $"<section><h2>Predictions at the latest evaluation <span class=\"note\">(step {step}, {Esc(RunDirectory.PredictionsFile)})</span></h2>\n");
            try
            {
                switch (Text(root, "kind"))
                {
                    case "confusion": Confusion(h, root); break;
                    case "forecast": Forecasts(h, root); break;
                    case "sequences": Sequences(h, root); break;
                    default: h.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">Predictions of a kind this report does not show ({Esc(Text(root, "kind"))}).</p>\n"); break;
                }
            }
            catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException or IndexOutOfRangeException)
            {
                h.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{Esc(RunDirectory.PredictionsFile)} is not in the expected shape: {Esc(e.Message)}</p>\n");
            }
            h.Append("</section>\n");
        }
    }

    // {"labels": [C], "matrix": [C][C] (rows = true), "examples": [...]}: a classifier's or a tagger's.
    private static void Confusion(StringBuilder h, JsonElement root)
    {
        string[] labels = root.GetProperty("labels").EnumerateArray().Select(l => l.GetString() ?? "").ToArray();
        long[][] m = root.GetProperty("matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt64()).ToArray()).ToArray();
        long total = m.Sum(r => r.Sum()), right = Enumerable.Range(0, Math.Min(m.Length, labels.Length)).Sum(i => i < m[i].Length ? m[i][i] : 0);
        long max = Math.Max(1, m.SelectMany(r => r).DefaultIfEmpty(0).Max());
        h.Append(CultureInfo.InvariantCulture,
            $"<p>Confusion matrix: rows are the true labels, columns the predicted ones; {right:N0} of {total:N0} right ({(total == 0 ? 0 : 100.0 * right / total):F1}%).</p>\n");
        h.Append("<table class=\"confusion\"><tr><th>true \\ predicted</th>");
        foreach (string l in labels) h.Append("<th>").Append(Esc(l)).Append("</th>");
        h.Append("</tr>\n");
        for (int a = 0; a < m.Length; a++)
        {
            h.Append("<tr><th>").Append(Esc(a < labels.Length ? labels[a] : "?")).Append("</th>");
            for (int p = 0; p < m[a].Length; p++)
            {
                double shade = (double)m[a][p] / max; // 0..1 of the largest cell
                string colour = a == p ? "31, 119, 180" : "214, 39, 40";
                h.Append(CultureInfo.InvariantCulture,
                    $"<td style=\"background: rgba({colour}, {shade * 0.75:0.###})\"{(shade > 0.55 ? " class=\"dark\"" : "")}>{m[a][p]:N0}</td>");
            }
            h.Append("</tr>\n");
        }
        h.Append("</table>\n");

        var examples = root.TryGetProperty("examples", out var ex) ? ex.EnumerateArray().ToList() : [];
        if (examples.Count == 0) return;
        h.Append("<h3>Examples (the first validation items)</h3>\n");
        if (examples[0].TryGetProperty("tokens", out _))
        {
            // A tagger's sentences: each token with its true tag, and the predicted tag where it differs.
            h.Append("<table class=\"examples\"><tr><th>sentence: token/true tag (predicted tag where wrong)</th><th>right</th></tr>\n");
            foreach (var e in examples)
            {
                string[] tokens = Strings(e, "tokens"), target = Strings(e, "target"), predicted = Strings(e, "predicted");
                var line = new StringBuilder();
                int ok = 0;
                for (int t = 0; t < tokens.Length; t++)
                {
                    string y = t < target.Length ? target[t] : "", p = t < predicted.Length ? predicted[t] : "";
                    line.Append(Esc(tokens[t])).Append("<span class=\"tag\">/").Append(Esc(y)).Append("</span>");
                    if (p == y) ok++;
                    else line.Append("<span class=\"wrong\">(").Append(Esc(p)).Append(")</span>");
                    line.Append(' ');
                }
                h.Append(CultureInfo.InvariantCulture, $"<tr><td>{line}</td><td>{ok}/{tokens.Length}</td></tr>\n");
            }
        }
        else
        {
            h.Append("<table class=\"examples\"><tr><th>input</th><th>true</th><th>predicted</th><th>confidence</th></tr>\n");
            foreach (var e in examples)
            {
                string y = Text(e, "target"), p = Text(e, "predicted");
                string confidence = e.TryGetProperty("confidence", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDouble().ToString("0.000", CultureInfo.InvariantCulture) : "";
                h.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{Esc(Text(e, "input"))}</td><td>{Esc(y)}</td><td{(p == y ? "" : " class=\"wrong\"")}>{Esc(p)}</td><td>{confidence}</td></tr>\n");
            }
        }
        h.Append("</table>\n");
    }

    // {"examples": [{history, actual, predicted}]}: one chart per window; the forecast starts after the history's last value.
    private static void Forecasts(StringBuilder h, JsonElement root)
    {
        h.Append("<p>Validation windows spread over the held-out rows: the last values before each forecast, what followed, and the forecast.</p>\n<div class=\"charts\">\n");
        int i = 0;
        foreach (var e in root.GetProperty("examples").EnumerateArray())
        {
            double[] history = Numbers(e, "history"), actual = Numbers(e, "actual"), predicted = Numbers(e, "predicted");
            // x: history at -n+1..0, the forecast rows at 1..H; both forecast lines start from the last known value.
            var past = history.Select((v, k) => ((double)(k - history.Length + 1), v)).ToList();
            List<(double, double)> Ahead(double[] values)
            {
                var points = new List<(double, double)>();
                if (history.Length > 0) points.Add((0, history[^1]));
                for (int k = 0; k < values.Length; k++) points.Add((k + 1, values[k]));
                return points;
            }
            string title = "Forecast " + (++i).ToString(CultureInfo.InvariantCulture) +
                (e.TryGetProperty("series", out var s) ? " — series " + s.GetString() : "") + (e.TryGetProperty("column", out var c) ? " — " + c.GetString() : "");
            h.Append("<figure>").Append(SvgLineChart.Render("chart-forecast-" + i.ToString(CultureInfo.InvariantCulture), title, "rows from the forecast's start", "value",
                [new ChartSeries("history", past, "#7f7f7f"), new ChartSeries("actual", Ahead(actual), "#1f77b4"), new ChartSeries("predicted", Ahead(predicted), "#d62728")]))
                .Append("</figure>\n");
        }
        h.Append("</div>\n");
    }

    // {"count", "correct", "examples": [{source, target, predicted, correct}]}: a seq2seq model's greedy outputs.
    private static void Sequences(StringBuilder h, JsonElement root)
    {
        if (root.TryGetProperty("count", out var n) && root.TryGetProperty("correct", out var k) && n.GetInt64() > 0)
            h.Append(CultureInfo.InvariantCulture, $"<p>{k.GetInt64():N0} of {n.GetInt64():N0} outputs equal their targets ({100.0 * k.GetInt64() / n.GetInt64():F1}%).</p>\n");
        h.Append("<h3>Examples (the first validation pairs)</h3>\n<table class=\"examples\"><tr><th>source</th><th>target</th><th>output</th><th>exact</th></tr>\n");
        foreach (var e in root.GetProperty("examples").EnumerateArray())
        {
            bool correct = e.TryGetProperty("correct", out var c) && c.ValueKind == JsonValueKind.True;
            h.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Esc(Text(e, "source"))}</td><td>{Esc(Text(e, "target"))}</td><td{(correct ? "" : " class=\"wrong\"")}>{Esc(Text(e, "predicted"))}</td><td>{(correct ? "yes" : "no")}</td></tr>\n");
        }
        h.Append("</table>\n");
    }

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static string[] Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(s => s.GetString() ?? "").ToArray() : [];

    // Numbers of an array; null (a value that was not finite) becomes NaN, which the chart leaves out.
    private static double[] Numbers(JsonElement e, string name) =>
        e.GetProperty(name).EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN).ToArray();

    private static string Esc(string text) => WebUtility.HtmlEncode(text);
}
