// RunFeed: everything the dashboard shows of one run directory, as server-sent events, read from the run's own files
// (the same files `rnn report` reads): metrics.jsonl lines as they are appended; stats.jsonl, as each line's
// update:parameter ratios (a point per tensor per line, for the ratio chart) and the latest whole line (for the
// histograms); the latest samples (samples.txt); the latest evaluation's predictions (predictions.json); the
// configuration from the checkpoint when it changes; an lr-find sweep (lr_find.csv and lr_find.json); and whether an
// `rnn inspect` page (inspect.html) is there. One feed per page connection, so a new page starts from the beginning.
// Every event's data is one JSON object with the run's index ("run"); text from the files is only ever JSON-encoded.
using System.Globalization;
using System.Text;
using System.Text.Json;
using Recurrent.Cli.Reporting;
using Recurrent.Training;

namespace Recurrent.Cli.Dashboard;

/// <summary>One server-sent event: its name and its JSON data.</summary>
internal readonly record struct DashboardEvent(string Name, string Json);

internal sealed class RunFeed
{
    public const string StatsFile = "stats.jsonl", PredictionsFile = "predictions.json", InspectFile = "inspect.html";
    public const string LrFindCsv = "lr_find.csv", LrFindJson = "lr_find.json";
    private const int SamplesShown = 5;
    private static readonly TimeSpan ConfigInterval = TimeSpan.FromSeconds(5);

    private readonly int _index;
    private readonly RunDirectory _run;
    private readonly TailReader _metrics, _stats;
    private readonly Dictionary<string, (long Length, DateTime Written)> _seen = new(StringComparer.Ordinal);
    private DateTime _configReadAt = DateTime.MinValue;
    private bool? _inspect;

    public RunFeed(int index, RunDirectory run)
    {
        _index = index;
        _run = run;
        _metrics = new TailReader(run.Metrics);
        _stats = new TailReader(run.File(StatsFile));
    }

    /// <summary>The events for what changed in the run directory since the last call (everything, the first time).</summary>
    public List<DashboardEvent> Poll()
    {
        var events = new List<DashboardEvent>();
        PollMetrics(events);
        PollStats(events);
        if (Changed(_run.Samples)) events.Add(Samples());
        if (Changed(_run.File(PredictionsFile)) && ReadJson(_run.File(PredictionsFile)) is JsonElement predictions)
            events.Add(Event("predictions", w => { w.WritePropertyName("predictions"); predictions.WriteTo(w); }));
        if ((Changed(_run.File(LrFindCsv)) | Changed(_run.File(LrFindJson))) && File.Exists(_run.File(LrFindCsv))) events.Add(LrFind());
        PollConfig(events);
        bool inspect = File.Exists(_run.File(InspectFile));
        if (inspect != _inspect)
        {
            _inspect = inspect;
            events.Add(Event("inspect", w => w.WriteBoolean("available", inspect)));
        }
        return events;
    }

    private void PollMetrics(List<DashboardEvent> events)
    {
        var (lines, restarted) = _metrics.Poll();
        var records = lines.Where(l => MetricsLog.TryParse(l, out _)).ToList();
        if (records.Count == 0 && !restarted) return;
        events.Add(Event("metrics", w =>
        {
            w.WriteBoolean("reset", restarted);
            w.WriteStartArray("lines");
            foreach (string line in records) w.WriteRawValue(line);
            w.WriteEndArray();
        }));
    }

    // Each stats line gives one point per tensor of the ratio chart; only the newest whole line is sent (histograms).
    private void PollStats(List<DashboardEvent> events)
    {
        var (lines, restarted) = _stats.Poll();
        var points = new List<(long Step, List<(string Name, double? Ratio)> Ratios)>();
        string? latest = null;
        foreach (string line in lines)
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("step", out var step) || !step.TryGetInt64(out long s)) continue;
                var ratios = new List<(string, double?)>();
                if (root.TryGetProperty("tensors", out var tensors) && tensors.ValueKind == JsonValueKind.Array)
                    foreach (var t in tensors.EnumerateArray())
                        if (t.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                            ratios.Add((name.GetString()!, t.TryGetProperty("ratio_log10", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetDouble() : null));
                points.Add((s, ratios));
                latest = line;
            }
            catch (JsonException) { } // a line cut short by a crash
        }
        if (points.Count == 0 && !restarted) return;
        events.Add(Event("ratios", w =>
        {
            w.WriteBoolean("reset", restarted);
            w.WriteStartArray("points");
            foreach (var (step, ratios) in points)
            {
                w.WriteStartObject();
                w.WriteNumber("step", step);
                w.WriteStartObject("ratios");
                foreach (var (name, ratio) in ratios)
                    if (ratio is double v && double.IsFinite(v)) w.WriteNumber(name, v); else w.WriteNull(name);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }));
        if (latest is not null) events.Add(Event("stats", w => { w.WritePropertyName("stats"); w.WriteRawValue(latest); }));
    }

    private DashboardEvent Samples()
    {
        List<(long Step, string Text)> samples;
        try { samples = HtmlReport.ReadSamples(File.ReadAllText(_run.Samples, Encoding.UTF8)); }
        catch (IOException) { samples = []; }
        return Event("samples", w =>
        {
            w.WriteStartArray("samples");
            foreach (var (step, text) in samples.TakeLast(SamplesShown).Reverse())
            {
                w.WriteStartObject();
                w.WriteNumber("step", step);
                w.WriteString("text", text);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private DashboardEvent LrFind()
    {
        var points = new List<double[]>();
        try
        {
            foreach (string line in File.ReadLines(_run.File(LrFindCsv)).Skip(1))
            {
                string[] cells = line.Split(',');
                if (cells.Length < 4) continue;
                var values = cells[1..4].Select(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN).ToArray();
                if (values.All(double.IsFinite)) points.Add(values);
            }
        }
        catch (IOException) { }
        JsonElement? summary = ReadJson(_run.File(LrFindJson));
        return Event("lrfind", w =>
        {
            w.WriteStartArray("points"); // [lr, loss, smoothed]
            foreach (var p in points)
            {
                w.WriteStartArray();
                foreach (double v in p) w.WriteNumberValue(v);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            if (summary is JsonElement s) { w.WritePropertyName("summary"); s.WriteTo(w); }
        });
    }

    // The checkpoint is rewritten at every evaluation; it is read again when it changed, at most every few seconds.
    private void PollConfig(List<DashboardEvent> events)
    {
        string path = File.Exists(_run.Last) ? _run.Last : _run.Best;
        if (DateTime.UtcNow - _configReadAt < ConfigInterval || !Changed(path)) return;
        _configReadAt = DateTime.UtcNow;
        var (content, from, error) = RunConfiguration.ReadCheckpoint(_run);
        if (content is null && error is null) return;
        events.Add(Event("config", w =>
        {
            if (error is not null) w.WriteString("error", error);
            if (from is not null) w.WriteString("file", Path.GetFileName(from));
            if (content?.Training is string training && RunConfiguration.RunKind(training) is string kind) w.WriteString("kind", kind);
            if (content is not null)
                w.WriteNumber("parameters", content.Parameters.Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b)));
            w.WriteStartArray("tables");
            foreach (var table in content is null ? [] : RunConfiguration.Tables(content))
            {
                w.WriteStartObject();
                w.WriteString("title", table.Title);
                w.WriteStartArray("rows");
                foreach (var (key, value) in table.Rows)
                {
                    w.WriteStartArray();
                    w.WriteStringValue(key);
                    w.WriteStringValue(value);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }));
    }

    // True (once) when the file appeared or its length or write time changed since the last look.
    private bool Changed(string path)
    {
        var info = new FileInfo(path);
        var now = info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1L, DateTime.MinValue);
        if (_seen.TryGetValue(path, out var before) && before == now) return false;
        _seen[path] = now;
        return info.Exists;
    }

    // A whole small JSON file (written again on one line when sent: an event's data has no line breaks), or null
    // when missing or not (yet) valid JSON.
    private static JsonElement? ReadJson(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path, Encoding.UTF8));
            return doc.RootElement.Clone();
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException) { return null; }
    }

    private DashboardEvent Event(string name, Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("run", _index);
            body(w);
            w.WriteEndObject();
        }
        return new DashboardEvent(name, Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
