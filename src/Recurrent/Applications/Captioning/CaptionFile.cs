// CaptionFile: saving and loading a captioner. The model file is the project's usual one (ModelFile: safetensors,
// checksum, atomic write) whose task description (metadata "task") is {"task": "caption", "config": the
// ConditionedGeneratorConfig, "vocabulary": the word vocabulary's JSON, "standardisation": the feature statistics,
// "features": the extractor's description}; its "config" entry describes the decoder as a ModelConfig. Checkpoints
// of a training run (CaptionRun) are such files with the fit state and optimizer moments added, so Load reads them too.
using Recurrent.Applications;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Seq2Seq;
using Recurrent.Serialization;

namespace Recurrent.Captioning;

/// <summary>Saves and loads captioning models.</summary>
public static class CaptionFile
{
    /// <summary>The task name in the model file's task description.</summary>
    public const string Task = CaptionDescription.Kind;

    /// <summary>Writes the captioner atomically to <paramref name="path"/>.</summary>
    public static void Save(string path, Captioner captioner)
    {
        ArgumentNullException.ThrowIfNull(captioner);
        var (config, metadata) = Describe(captioner);
        ModelFile.SaveTask(path, config, captioner.Model.Parameters, metadata);
    }

    /// <summary>
    /// What a file of <paramref name="captioner"/> holds besides its parameters: the decoder described as a ModelConfig
    /// (the file's "config" entry) and the task description under "task".
    /// </summary>
    public static (ModelConfig Config, IReadOnlyDictionary<string, string> Metadata) Describe(Captioner captioner)
    {
        ArgumentNullException.ThrowIfNull(captioner);
        var c = captioner.Model.Config;
        var decoderConfig = new ModelConfig
        {
            Input = InputKind.Embedding, InputSize = c.Vocabulary, EmbeddingSize = c.EmbeddingSize, Cell = c.Cell,
            HiddenSize = c.HiddenSize, Layers = c.Layers, Head = HeadKind.PerStep, OutputSize = c.Vocabulary,
        };
        var task = new CaptionDescription(c, captioner.Vocabulary.ToJson(), captioner.Standardisation, captioner.Features);
        return (decoderConfig, task.ToMetadata());
    }

    /// <summary>Reads a captioner written by <see cref="Save"/> (or a run's checkpoint); InvalidDataException naming the file when it is not one.</summary>
    public static Captioner Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"The model file '{full}' does not exist.", full);
        var (content, meta) = ModelFile.ReadWithMetadata(full);
        var task = TaskDescription.Read(meta, full);
        if (task is not CaptionDescription entry)
            throw new InvalidDataException($"'{full}' is not a captioning model (it is {(task is null ? "a language model" : $"a '{task.Name}' model")}).");
        var vocabulary = CaptionVocabulary.FromJson(entry.Vocabulary);
        ConditionedGenerator<float> model;
        try { model = new ConditionedGenerator<float>(entry.Config, 0); }
        catch (ArgumentException e) { throw new InvalidDataException($"'{full}' holds an impossible captioning configuration: {e.Message}"); }
        ModelFile.LoadParameters(model.Parameters, content.Parameters, full);
        try { return new Captioner(model, vocabulary, entry.Standardisation, entry.Features); }
        catch (ArgumentException e) { throw new InvalidDataException($"'{full}': {e.Message}"); }
    }
}
