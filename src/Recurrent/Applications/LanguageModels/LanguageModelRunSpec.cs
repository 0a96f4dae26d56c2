// LanguageModelRunSpec: what a language-model run is — its options (architecture, optimizer, schedule, run
// controls, sampling) and its data (corpus, tokenizer, split) and the size of the training stream — stored as
// the application's part ("run") of the fit state in every checkpoint, so `--resume` rebuilds exactly the same
// model, optimizer, batches and sampler without the user repeating a flag.
using System.Text.Json.Nodes;
using Recurrent.Training;

namespace Recurrent.LanguageModels;

/// <summary>The options and data of a language-model run, as stored in its checkpoints.</summary>
public sealed record LanguageModelRunSpec
{
    /// <summary>The name under "kind", so a checkpoint of another kind of model is not read as this one.</summary>
    public const string KindName = "lm";


    /// <summary>"lm".</summary>
    public string Kind { get; init; } = KindName;
    /// <summary>Every setting of the run.</summary>
    public required LanguageModelOptions Options { get; init; }
    /// <summary>The corpus and tokenizer settings (null when the run was started from the library without one).</summary>
    public TrainingDataSpec? Data { get; init; }
    /// <summary>Tokens in the training stream (an exact resume needs the same).</summary>
    public long TrainTokens { get; init; }

    /// <summary>This spec as a JSON node.</summary>
    public JsonNode ToJsonNode() => RunSpecJson.ToNode(this);

    /// <summary>Reads a spec; InvalidDataException naming <paramref name="source"/> when it is missing or impossible.</summary>
    public static LanguageModelRunSpec FromJsonNode(JsonNode? node, string source) =>
        RunSpecJson.Read<LanguageModelRunSpec>(node, source, "language-model", s => s.Kind == KindName && s.Options is not null, s => s.Options.Validate());
}
