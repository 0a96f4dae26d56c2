// RunConfiguration: what a run was configured with, read from its checkpoint — the model file's architecture, its
// tokenizer kind, and the fit state's "run" description (the application's option groups: options, model,
// optimization, fit, data, ...) — as titled tables of name/value rows. `rnn report` prints them as HTML tables and
// the dashboard (`rnn ui`) sends them to its page, so both show the same thing.
using System.Text.Json;
using Recurrent.Serialization;
using Recurrent.Training;

namespace Recurrent.Cli.Reporting;

/// <summary>One table of the configuration: a title, a CSS class, and its rows.</summary>
internal sealed record ConfigurationTable(string Title, string Class, IReadOnlyList<(string Key, string Value)> Rows);

internal static class RunConfiguration
{
    /// <summary>The run's checkpoint (last, else best) and its path; or the reason it could not be read; all null without one.</summary>
    public static (ModelFileContent? Content, string? Path, string? Error) ReadCheckpoint(RunDirectory run)
    {
        foreach (string path in new[] { run.Last, run.Best })
        {
            if (!File.Exists(path)) continue;
            try { return (ModelFile.Read(path), path, null); }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                return (null, null, $"The configuration could not be read: {e.Message}");
            }
        }
        return (null, null, null);
    }

    /// <summary>The tables of a checkpoint: model and tokenizer (title "Model"), then each option group of the run description, then its plain values ("Run").</summary>
    public static List<ConfigurationTable> Tables(ModelFileContent content)
    {
        var tables = new List<ConfigurationTable>();
        using (var config = JsonDocument.Parse(JsonSerializer.Serialize(content.Config, ModelFile.JsonOptions)))
            tables.Add(new("Model", "model", Flatten(config.RootElement)));
        if (content.Tokenizer is string tokenizer)
        {
            using var doc = TryParse(tokenizer);
            if (doc is not null)
                tables.Add(new("Model", "tokenizer", [("tokenizer", doc.RootElement.TryGetProperty("kind", out var k) ? k.ToString() : "?")]));
        }
        if (content.Training is not string training) return tables;
        using var state = TryParse(training);
        if (state is null || !state.RootElement.TryGetProperty("run", out var run) || run.ValueKind != JsonValueKind.Object) return tables;
        foreach (var group in run.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object))
        {
            var rows = Flatten(group.Value);
            // The BPE encoding is a default carried by every run; show it only where a BPE tokenizer used it.
            if (!rows.Any(r => r.Item1 == "tokenizer" && r.Item2 == "bpe")) rows.RemoveAll(r => r.Item1 == "bpe_encoding");
            string title = group.Name switch { "options" => "Training", "model" => "Architecture", _ => char.ToUpperInvariant(group.Name[0]) + group.Name[1..] };
            tables.Add(new(title, group.Name == "options" ? "training" : group.Name, rows));
        }
        var plain = run.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Object).Select(p => (p.Name, p.Value.ToString())).ToList();
        if (plain.Count > 0) tables.Add(new("Run", "run", plain));
        return tables;
    }

    /// <summary>The kind of run a checkpoint's fit state describes ("lm", "classify", ...), or null when it does not say.</summary>
    public static string? RunKind(string training)
    {
        using var doc = TryParse(training);
        return doc is not null && doc.RootElement.TryGetProperty("run", out var run) && run.ValueKind == JsonValueKind.Object
            && run.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String ? kind.GetString() : null;
    }

    private static JsonDocument? TryParse(string json)
    {
        try { return JsonDocument.Parse(json); }
        catch (JsonException) { return null; }
    }

    private static List<(string, string)> Flatten(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object
            ? e.EnumerateObject().Select(p => (p.Name, p.Value.ValueKind switch
            {
                JsonValueKind.Array => string.Join(", ", p.Value.EnumerateArray().Select(v => v.ToString())),
                JsonValueKind.Null => "-",
                JsonValueKind.String => p.Value.GetString() ?? "",
                _ => p.Value.GetRawText(),
            })).ToList()
            : [];
}
