// Seq2SeqFile: saving and loading an encoder–decoder with its vocabulary. The model file is the project's usual
// one (ModelFile: safetensors, checksum, atomic write) whose task description (metadata "task", as
// TaskModelFile) is {"task": "seq2seq", "config": Seq2SeqConfig, "vocabulary": the vocabulary's JSON}; its
// "config" entry describes the decoder as a ModelConfig. Checkpoints of a training run (Seq2SeqRun) are such files
// with the fit state and optimizer moments added, so Load reads them as well.
using System.Text.Json;
using Recurrent.Supervised;
using Recurrent.Applications;
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
        return (decoderConfig, new Seq2SeqDescription(c, vocabulary.ToJson()).ToMetadata());
    }

    /// <summary>Reads a model written by <see cref="Save"/>; throws InvalidDataException naming the file when it is not one.</summary>
    public static Seq2SeqFileContent Load(string path)
    {
        var (content, meta) = ModelFile.ReadWithMetadata(path);
        var task = TaskDescription.Read(meta, path);
        if (task is not Seq2SeqDescription entry)
            throw new InvalidDataException($"'{path}' is not a seq2seq model (it is {(task is null ? "a language model" : $"a '{task.Name}' model")}).");
        var vocabulary = Seq2SeqVocabulary.FromJson(entry.Vocabulary);
        if (vocabulary.Size != entry.Config.Vocabulary)
            throw new InvalidDataException($"'{path}': the vocabulary has {vocabulary.Size} tokens but the model {entry.Config.Vocabulary}.");
        Seq2SeqModel<float> model;
        try { model = new Seq2SeqModel<float>(entry.Config, 0); }
        catch (ArgumentException e) { throw new InvalidDataException($"'{path}' holds an impossible seq2seq configuration: {e.Message}"); }
        ModelFile.LoadParameters(model.Parameters, content.Parameters, path);
        return new Seq2SeqFileContent(model, vocabulary, path);
    }
}
