// TaskModelFile: a classification or tagging model on disk — the ModelFile format unchanged (weights,
// configuration, optional tokenizer, checksum) plus the task's own description (kind, labels, vocabulary,
// input format) as JSON under the metadata key "task", which language-model files do not have.
using System.Text.Json;
using Recurrent.Models;
using Recurrent.Serialization;

namespace Recurrent.Supervised;

/// <summary>Saving and reading models that carry a "task" metadata entry.</summary>
public static class TaskModelFile
{
    /// <summary>The metadata key of the task description.</summary>
    public const string TaskKey = "task";

    /// <summary>Writes the model with its task JSON (and tokenizer JSON, if any) atomically.</summary>
    public static void Save(string path, SequenceModel<float> model, string taskJson, string? tokenizerJson)
    {
        ArgumentNullException.ThrowIfNull(taskJson);
        ModelFile.Save(path, model, tokenizerJson, extraMetadata: new Dictionary<string, string> { [TaskKey] = taskJson });
    }

    /// <summary>
    /// The task name ("classify", "tag", ...) of a model file, or null when it has no task description (a
    /// language model). Does not verify the checksum; <see cref="Load"/> does.
    /// </summary>
    public static string? PeekTask(string path)
    {
        string? json = TaskJson(path);
        if (json is null) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("task", out var t)
                && t.ValueKind == JsonValueKind.String ? t.GetString() : throw new InvalidDataException($"'{Path.GetFullPath(path)}': the task description names no task.");
        }
        catch (JsonException e) { throw new InvalidDataException($"'{Path.GetFullPath(path)}': the task description cannot be read ({e.Message}).", e); }
    }

    private static string? TaskJson(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return SafeTensors.Read(path).Metadata.GetValueOrDefault(TaskKey);
    }

    /// <summary>Reads and verifies the file; returns its model, task JSON and tokenizer JSON.</summary>
    public static (SequenceModel<float> Model, JsonElement Task, string? Tokenizer) Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"The model file '{full}' does not exist.", full);
        ModelFileContent content = ModelFile.Read(full);
        string taskJson = TaskJson(full)
            ?? throw new InvalidDataException($"'{full}' has no task description: it is not a classification or tagging model (write one with `rnn train --task classify|tag`).");
        JsonElement task;
        try { task = JsonDocument.Parse(taskJson).RootElement.Clone(); }
        catch (JsonException e) { throw new InvalidDataException($"'{full}': the task description cannot be read ({e.Message}).", e); }
        if (task.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"'{full}': the task description is not a JSON object.");
        return (ModelFile.CreateModel(content, full), task, content.Tokenizer);
    }

    /// <summary>A string property of the task JSON, or an InvalidDataException naming the file.</summary>
    public static string String(JsonElement task, string name, string path) =>
        task.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!
            : throw new InvalidDataException($"'{path}': the task description has no string '{name}'.");

    /// <summary>A string-array property of the task JSON, or an InvalidDataException naming the file.</summary>
    public static string[] Strings(JsonElement task, string name, string path) =>
        task.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String)
            ? v.EnumerateArray().Select(x => x.GetString()!).ToArray()
            : throw new InvalidDataException($"'{path}': the task description has no string array '{name}'.");
}
