// MetricsLog: metrics.jsonl, the run's log — one JSON object per line (step, epoch, train_loss, val_loss, lr,
// grad_norm, tokens_per_s, elapsed_s, skipped_steps, averaged_from when the evaluation used averaged weights, and an evaluation's other metrics: val_accuracy, val_mae, ...), appended as training goes, read back for plots, and cut back to a
// checkpoint's step when a run resumes. Lines a crash cut short are skipped when reading.
using System.Text;
using System.Text.Json;

namespace Recurrent.Training;

/// <summary>Reads and writes metrics.jsonl.</summary>
public static class MetricsLog
{
    /// <summary>UTF-8 without a byte-order mark, for the run's text files.</summary>
    internal static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Appends one record as a JSON line.</summary>
    public static void Append(string path, MetricsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        System.IO.File.AppendAllText(path, Format(record) + "\n", Utf8);
    }

    /// <summary>The JSON line of a record: step, epoch, train_loss, val_loss, lr, grad_norm, tokens_per_s, elapsed_s, skipped_steps.</summary>
    public static string Format(MetricsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("step", record.Step);
            Number(w, "epoch", Math.Round(record.Epoch, 4));
            Number(w, "train_loss", record.TrainLoss);
            Number(w, "val_loss", record.ValidationLoss);
            Number(w, "lr", record.LearningRate);
            Number(w, "grad_norm", record.GradientNorm);
            Number(w, "tokens_per_s", Math.Round(record.TokensPerSecond, 1));
            Number(w, "elapsed_s", Math.Round(record.ElapsedSeconds, 3));
            w.WriteNumber("skipped_steps", record.SkippedSteps);
            if (record.AveragedFrom is long from) w.WriteNumber("averaged_from", from);
            foreach (var (name, value) in record.Validation ?? [])
                if (name is not ("val_loss" or "step" or "epoch" or "train_loss" or "lr" or "grad_norm" or "tokens_per_s" or "elapsed_s" or "skipped_steps" or "averaged_from"))
                    Number(w, name, value);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// The records of a metrics file, in order. Lines that are not valid records (a line cut by a crash) are
    /// skipped. Throws IOException naming the file when it cannot be read.
    /// </summary>
    public static List<MetricsRecord> Read(string path)
    {
        var records = new List<MetricsRecord>();
        foreach (string line in System.IO.File.ReadLines(path))
            if (TryParse(line, out var record)) records.Add(record);
        return records;
    }

    /// <summary>Parses one line; false when it is not a metrics record.</summary>
    public static bool TryParse(string line, out MetricsRecord record)
    {
        record = null!;
        if (string.IsNullOrWhiteSpace(line)) return false;
        try
        {
            using var doc = JsonDocument.Parse(line);
            var o = doc.RootElement;
            if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty("step", out var step) || !step.TryGetInt64(out long s)) return false;
            List<KeyValuePair<string, double>>? validation = null;
            foreach (var property in o.EnumerateObject())
                if (property.Name.StartsWith("val_", StringComparison.Ordinal) && property.Name != "val_loss" && property.Value.ValueKind == JsonValueKind.Number)
                    (validation ??= []).Add(new(property.Name, property.Value.GetDouble()));
            record = new MetricsRecord(s, Get(o, "epoch") ?? 0, Get(o, "train_loss"), Get(o, "val_loss"), Get(o, "lr") ?? 0,
                Get(o, "grad_norm") ?? 0, Get(o, "tokens_per_s") ?? 0, Get(o, "elapsed_s") ?? 0,
                o.TryGetProperty("skipped_steps", out var sk) && sk.TryGetInt64(out long skipped) ? skipped : 0, validation,
                o.TryGetProperty("averaged_from", out var af) && af.TryGetInt64(out long from) ? from : null);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Rewrites the file (atomically) without the records after <paramref name="step"/>: what a resume from that step has not done yet.</summary>
    public static void TruncateAfter(string path, long step) =>
        TruncateAfter(path, step, line => TryParse(line, out var r) ? r.Step : null);

    /// <summary>
    /// Rewrites a JSON-lines file (atomically) keeping only the lines whose step (<paramref name="stepOf"/>; null for a
    /// line that is not a record) is at most <paramref name="step"/>; shared by the run's .jsonl files.
    /// </summary>
    internal static void TruncateAfter(string path, long step, Func<string, long?> stepOf)
    {
        if (!System.IO.File.Exists(path)) return;
        var kept = new StringBuilder();
        bool dropped = false;
        foreach (string line in System.IO.File.ReadLines(path))
        {
            if (stepOf(line) is long s && s <= step) kept.Append(line).Append('\n');
            else dropped = true;
        }
        if (!dropped) return;
        byte[] bytes = Encoding.UTF8.GetBytes(kept.ToString());
        Serialization.ModelFile.WriteAtomically(path, stream => stream.Write(bytes));
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is double v && double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    private static double? Get(JsonElement o, string name) =>
        o.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null;
}
