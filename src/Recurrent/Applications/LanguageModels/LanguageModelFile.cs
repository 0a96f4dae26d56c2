// LanguageModelFile: reading what `rnn train` writes — a language model (weights, configuration, tokenizer)
// for sampling, evaluation and fine-tuning, and a checkpoint (the same plus optimizer moments and the
// training state) for resuming. Every failure is an InvalidDataException (or FileNotFoundException) naming
// the file and what to do.
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Training;

namespace Recurrent.LanguageModels;

/// <summary>A language model read from a model file.</summary>
/// <param name="Path">The file.</param>
/// <param name="Model">The model with its trained weights.</param>
/// <param name="Tokenizer">The tokenizer stored with it.</param>
/// <param name="Content">Everything the file holds (optimizer state and training state for checkpoints).</param>
public sealed record LanguageModelFile(string Path, SequenceModel<float> Model, Tokenizer Tokenizer, ModelFileContent Content)
{
    /// <summary>The training state of a checkpoint, or null for a plain model file.</summary>
    public FitState? TrainingState => Content.Training is null ? null : FitState.FromJson(Content.Training, Path);

    /// <summary>The options and data of the run that wrote this checkpoint (null for a plain model).</summary>
    public LanguageModelRunSpec? RunSpec => TrainingState is FitState state ? LanguageModelRunSpec.FromJsonNode(state.Run, Path) : null;

    /// <summary>
    /// Reads a model file written by <see cref="ModelFile.Save"/> with a tokenizer (a checkpoint of
    /// <see cref="LanguageModelRun"/> or any token-in, per-step-out model), verifying it.
    /// </summary>
    public static LanguageModelFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new InvalidDataException($"'{full}' is a directory; give the model file in it (for a run directory: {RunDirectory.BestFile} or {RunDirectory.LastFile}).");
        if (!File.Exists(full))
            throw new FileNotFoundException($"The model file '{full}' does not exist.", full);
        return FromContent(ModelFile.Read(full), full);
    }

    /// <summary>
    /// Everything <see cref="LoadCheckpoint"/> does, on bytes rather than a file (property tests feed it hostile
    /// input): verifies the file, builds the model and tokenizer and, when present, parses the training state.
    /// </summary>
    internal static LanguageModelFile Parse(ReadOnlySpan<byte> bytes, string source)
    {
        var file = FromContent(ModelFile.Parse(bytes, source), source);
        _ = file.RunSpec;
        return file;
    }

    private static LanguageModelFile FromContent(ModelFileContent content, string full)
    {
        if (content.Tokenizer is null)
            throw new InvalidDataException($"'{full}' has no tokenizer, so it is not a language model (write language models with `rnn train`).");
        if (content.Config.Input == InputKind.Dense || content.Config.Head != HeadKind.PerStep || content.Config.Bidirectional)
            throw new InvalidDataException($"'{full}' is not a language model: it needs token inputs, a per-step head and one direction.");
        Tokenizer tokenizer;
        try { tokenizer = Tokenizer.FromJson(content.Tokenizer); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{full}': {e.Message}", e); }
        catch (NotSupportedException e) { throw new NotSupportedException($"'{full}': {e.Message}", e); }
        if (tokenizer.VocabularySize != content.Config.InputSize || tokenizer.VocabularySize != content.Config.OutputSize)
            throw new InvalidDataException($"'{full}': the tokenizer has {tokenizer.VocabularySize} tokens but the model takes {content.Config.InputSize} and predicts {content.Config.OutputSize}.");
        var model = ModelFile.CreateModel(content, full);
        return new LanguageModelFile(full, model, tokenizer, content);
    }

    /// <summary>Reads a checkpoint for resuming: a model file that also holds a training state.</summary>
    public static LanguageModelFile LoadCheckpoint(string path)
    {
        var file = Load(path);
        if (file.Content.Training is null)
            throw new InvalidDataException($"'{file.Path}' holds a model but no training state, so it cannot be resumed; use --init-from to fine-tune from it instead.");
        _ = file.RunSpec; // parse now, so errors surface here
        return file;
    }
}
