// Seq2SeqFile: saving and loading an encoder–decoder with its vocabulary. The model file is the project's usual
// one (ModelFile: safetensors, checksum, atomic write) whose task description (metadata "task", as
// TaskModelFile) is {"task": "seq2seq", "config": Seq2SeqConfig, "vocabulary": the vocabulary's JSON}; its
// "config" entry describes the decoder as a ModelConfig. Checkpoints of a training run (Seq2SeqRun) are such files
// with the fit state and optimizer moments added, so Load reads them as well.
using System.Text.Json;
using Recurrent.Supervised;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;

namespace Recurrent.Seq2Seq;

/// <summary>A loaded encoder–decoder.</summary>
/// <param name="Model">The model.</param>
/// <param name="Vocabulary">Its vocabulary.</param>
/// <param name="Path">The file it came from.</param>
public sealed record Seq2SeqFileContent(Seq2SeqModel<float> Model, Seq2SeqVocabulary Vocabulary, string Path);

/// <summary>Saves and loads encoder–decoder models.</summary>
public static class Seq2SeqFile
{
    /// <summary>The task name in the model file's task description.</summary>
    public const string Task = "seq2seq";

    /// <summary>Writes the model and its vocabulary atomically to <paramref name="path"/>.</summary>
    public static void Save(string path, Seq2SeqModel<float> model, Seq2SeqVocabulary vocabulary)
    {
        var (config, metadata) = Describe(model, vocabulary);
        ModelFile.SaveTask(path, config, model.Parameters, metadata);
    }

    /// <summary>
    /// What a file of <paramref name="model"/> holds besides its parameters: the decoder described as a ModelConfig
    /// (the file's "config" entry) and the task description (config and vocabulary) under "task". A training run's
    /// checkpoints write these with ModelFile.Write, adding the fit state and the optimizer moments.
    /// </summary>
    public static (ModelConfig Config, IReadOnlyDictionary<string, string> Metadata) Describe(Seq2SeqModel<float> model, Seq2SeqVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var c = model.Config;
        var decoderConfig = new ModelConfig
        {
            Input = InputKind.Embedding, InputSize = c.Vocabulary, EmbeddingSize = c.EmbeddingSize, Cell = c.Cell,
            HiddenSize = c.HiddenSize, Layers = c.Layers, Head = HeadKind.PerStep, OutputSize = c.Vocabulary,
        };
        string entry = JsonSerializer.Serialize(new Entry(Task, c, vocabulary.ToJson()), ModelFile.JsonOptions);
        return (decoderConfig, new Dictionary<string, string> { [TaskModelFile.TaskKey] = entry });
    }

    /// <summary>Reads a model written by <see cref="Save"/>; throws InvalidDataException naming the file when it is not one.</summary>
    public static Seq2SeqFileContent Load(string path)
    {
        var (content, meta) = ModelFile.ReadWithMetadata(path);
        if (!meta.TryGetValue(TaskModelFile.TaskKey, out var json))
            throw new InvalidDataException($"'{path}' is not a seq2seq model (it is a language model).");
        Entry entry;
        try { entry = JsonSerializer.Deserialize<Entry>(json, ModelFile.JsonOptions) ?? throw new JsonException("empty"); }
        catch (JsonException e) { throw new InvalidDataException($"'{path}': the seq2seq settings cannot be read ({e.Message})."); }
        if (entry.Task != Task) throw new InvalidDataException($"'{path}' is not a seq2seq model (its task is '{entry.Task}').");
        if (entry.Config is null || entry.Vocabulary is null) throw new InvalidDataException($"'{path}': the seq2seq settings are incomplete.");
        var vocabulary = Seq2SeqVocabulary.FromJson(entry.Vocabulary);
        if (vocabulary.Size != entry.Config.Vocabulary)
            throw new InvalidDataException($"'{path}': the vocabulary has {vocabulary.Size} tokens but the model {entry.Config.Vocabulary}.");
        Seq2SeqModel<float> model;
        try { model = new Seq2SeqModel<float>(entry.Config, 0); }
        catch (ArgumentException e) { throw new InvalidDataException($"'{path}' holds an impossible seq2seq configuration: {e.Message}"); }
        ModelFile.LoadParameters(model.Parameters, content.Parameters, path);
        return new Seq2SeqFileContent(model, vocabulary, path);
    }

    private sealed record Entry(
        [property: System.Text.Json.Serialization.JsonPropertyName("task")] string Task,
        [property: System.Text.Json.Serialization.JsonPropertyName("config")] Seq2SeqConfig Config,
        [property: System.Text.Json.Serialization.JsonPropertyName("vocabulary")] string Vocabulary);
}
