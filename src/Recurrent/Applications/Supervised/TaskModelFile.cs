// TaskModelFile: a classification or tagging model on disk — the ModelFile format (weights, configuration, optional
// tokenizer, checksum) with the typed task description (Applications/TaskDescription: kind, labels, vocabulary,
// input format) under the metadata key "task", which language-model files do not have.
using Recurrent.Applications;
using Recurrent.Models;
using Recurrent.Serialization;

namespace Recurrent.Supervised;

/// <summary>Saving and reading models that carry a task description.</summary>
public static class TaskModelFile
{
    /// <summary>The metadata key of the task description.</summary>
    public const string TaskKey = TaskDescription.MetadataKey;

    /// <summary>Writes the model with its task description (and tokenizer JSON, if any) atomically.</summary>
    public static void Save(string path, SequenceModel<float> model, TaskDescription task, string? tokenizerJson)
    {
        ArgumentNullException.ThrowIfNull(task);
        ModelFile.Save(path, model, tokenizerJson, extraMetadata: task.ToMetadata());
    }

    /// <summary>
    /// The kind ("classify", "tag", "forecast", "seq2seq") of a model file, or null when it has no task description
    /// (a language model).
    /// </summary>
    public static string? PeekTask(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        return TaskDescription.Read(SafeTensors.Read(full).Metadata, full)?.Name;
    }

    /// <summary>Reads and verifies the file; returns its model, task description and tokenizer JSON.</summary>
    public static (SequenceModel<float> Model, TaskDescription Task, string? Tokenizer) Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"The model file '{full}' does not exist.", full);
        var (content, metadata) = ModelFile.ReadWithMetadata(full);
        TaskDescription task = TaskDescription.Read(metadata, full)
            ?? throw new InvalidDataException($"'{full}' has no task description: it is not a classification or tagging model (write one with `rnn train --task classify|tag`).");
        return (ModelFile.CreateModel(content, full), task, content.Tokenizer);
    }
}
