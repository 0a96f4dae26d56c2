// TrainingStatistics: stats.jsonl, the run's per-tensor training statistics — one JSON object per logged update
// (StatisticsRecord), appended by StatisticsWriter, read back for tests and reports, and cut back to a checkpoint's
// step when a run resumes. Lines a crash cut short are skipped when reading. The field names are a contract with the
// dashboard that draws them:
//   {"step":120,"epoch":0.49,"tensors":[{"name","shape","count","mean_abs","update_mean_abs","ratio_log10",
//    "weights":{"min","max","counts":[20],("nonfinite")},"gradients":{...},"updates":{...}|null}],
//    "activations":[{"name":"layer0.h","min","max","counts":[20],("nonfinite"),"saturated"}]}
using System.Text;
using System.Text.Json;

namespace Recurrent.Training;

/// <summary>Reads and writes stats.jsonl.</summary>
public static class TrainingStatistics
{
    /// <summary>Appends one record as a JSON line.</summary>
    public static void Append(string path, StatisticsRecord record) =>
        System.IO.File.AppendAllText(path, Format(record) + "\n", MetricsLog.Utf8);

    /// <summary>The JSON line of a record (no line break).</summary>
    public static string Format(StatisticsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("step", record.Step);
            w.WriteNumber("epoch", Math.Round(record.Epoch, 4));
            w.WriteStartArray("tensors");
            foreach (var t in record.Tensors)
            {
                w.WriteStartObject();
                w.WriteString("name", t.Name);
                w.WriteStartArray("shape");
                foreach (int d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteNumber("count", t.Count);
                Number(w, "mean_abs", t.MeanAbs);
                Number(w, "update_mean_abs", t.UpdateMeanAbs);
                Number(w, "ratio_log10", t.RatioLog10 is double r ? Math.Round(r, 4) : null);
                WriteHistogram(w, "weights", t.Weights);
                WriteHistogram(w, "gradients", t.Gradients);
                if (t.Updates is null) w.WriteNull("updates");
                else WriteHistogram(w, "updates", t.Updates);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (record.Activations is { } activations)
            {
                w.WriteStartArray("activations");
                foreach (var a in activations)
                {
                    w.WriteStartObject();
                    w.WriteString("name", a.Name);
                    HistogramFields(w, a.Values);
                    Number(w, "saturated", a.Saturated is double s ? Math.Round(s, 6) : null);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// The records of a stats file, in order. Lines that are not valid records (a line cut by a crash) are skipped.
    /// Throws IOException naming the file when it cannot be read.
    /// </summary>
    public static List<StatisticsRecord> Read(string path)
    {
        var records = new List<StatisticsRecord>();
        foreach (string line in System.IO.File.ReadLines(path))
            if (TryParse(line, out var record)) records.Add(record);
        return records;
    }

    /// <summary>Parses one line; false when it is not a complete statistics record.</summary>
    public static bool TryParse(string line, out StatisticsRecord record)
    {
        record = null!;
        if (string.IsNullOrWhiteSpace(line)) return false;
        try
        {
            using var doc = JsonDocument.Parse(line);
            var o = doc.RootElement;
            if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty("step", out var step) || !step.TryGetInt64(out long s)
                || !o.TryGetProperty("tensors", out var tensors) || tensors.ValueKind != JsonValueKind.Array) return false;
            var list = new List<TensorStatistics>();
            foreach (var t in tensors.EnumerateArray())
                list.Add(new TensorStatistics(t.GetProperty("name").GetString()!,
                    t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(), t.GetProperty("count").GetInt32(),
                    Get(t, "mean_abs") ?? 0, Get(t, "update_mean_abs"), Get(t, "ratio_log10"),
                    ReadHistogram(t.GetProperty("weights")), ReadHistogram(t.GetProperty("gradients")),
                    t.GetProperty("updates").ValueKind == JsonValueKind.Null ? null : ReadHistogram(t.GetProperty("updates"))));
            List<ActivationStatistics>? activations = null;
            if (o.TryGetProperty("activations", out var acts))
            {
                activations = [];
                foreach (var a in acts.EnumerateArray())
                    activations.Add(new ActivationStatistics(a.GetProperty("name").GetString()!, ReadHistogram(a), Get(a, "saturated")));
            }
            record = new StatisticsRecord(s, Get(o, "epoch") ?? 0, list, activations);
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    /// <summary>Rewrites the file (atomically) without the records after <paramref name="step"/>: what a resume from that step has not done yet.</summary>
    public static void TruncateAfter(string path, long step) =>
        MetricsLog.TruncateAfter(path, step, line => TryParse(line, out var r) ? r.Step : null);

    private static void WriteHistogram(Utf8JsonWriter w, string name, Histogram h)
    {
        w.WriteStartObject(name);
        HistogramFields(w, h);
        w.WriteEndObject();
    }

    private static void HistogramFields(Utf8JsonWriter w, Histogram h)
    {
        w.WriteNumber("min", h.Min);
        w.WriteNumber("max", h.Max);
        w.WriteStartArray("counts");
        foreach (int c in h.Counts) w.WriteNumberValue(c);
        w.WriteEndArray();
        if (h.NonFinite > 0) w.WriteNumber("nonfinite", h.NonFinite);
    }

    private static Histogram ReadHistogram(JsonElement e) => new(e.GetProperty("min").GetSingle(), e.GetProperty("max").GetSingle(),
        e.GetProperty("counts").EnumerateArray().Select(c => c.GetInt32()).ToArray(),
        e.TryGetProperty("nonfinite", out var n) ? n.GetInt64() : 0);

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is double v && double.IsFinite(v)) w.WriteNumber(name, (float)v);
        else w.WriteNull(name);
    }

    private static double? Get(JsonElement o, string name) =>
        o.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null;
}
