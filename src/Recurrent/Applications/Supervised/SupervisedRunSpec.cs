// SupervisedRunSpec: what a classification or tagging run is — its kind, the model's architecture, how it is
// trained (SupervisedOptions: batch, optimization, run controls, split, seed) and which files it reads — stored as
// the application's part ("run") of the fit state in every checkpoint, so `rnn train --resume DIR` rereads the same
// data, splits it the same way and continues exactly.
using System.Text.Json.Nodes;
using Recurrent.Classification;
using Recurrent.Training;

namespace Recurrent.Supervised;

/// <summary>The files a supervised run reads.</summary>
public sealed record SupervisedDataSpec
{
    /// <summary>The training file (absolute).</summary>
    public required string Path { get; init; }
    /// <summary>A separate validation file, or null (then ValidationFraction of the training file is held out).</summary>
    public string? Validation { get; init; }
    /// <summary>The files' text encoding (null = UTF-8).</summary>
    public string? Encoding { get; init; }
}

/// <summary>The kind, model, training options and data of a classification or tagging run.</summary>
public sealed record SupervisedRunSpec
{

    /// <summary>"classify" or "tag".</summary>
    public required string Kind { get; init; }
    /// <summary>The architecture.</summary>
    public required ClassifierSettings Model { get; init; }
    /// <summary>How it is trained.</summary>
    public required SupervisedOptions Training { get; init; }
    /// <summary>The files.</summary>
    public required SupervisedDataSpec Data { get; init; }
    /// <summary>A model file of the same kind whose network, labels and vocabulary the run starts from (fine-tuning), or null.</summary>
    public string? InitFrom { get; init; }

    /// <summary>This spec as a JSON node.</summary>
    public JsonNode ToJsonNode() => RunSpecJson.ToNode(this);

    /// <summary>Reads a spec; InvalidDataException naming <paramref name="source"/> when it is missing or impossible.</summary>
    public static SupervisedRunSpec FromJsonNode(JsonNode? node, string source) =>
        RunSpecJson.Read<SupervisedRunSpec>(node, source, "classification or tagging", s => s.Kind is "classify" or "tag" && s.Training is not null,
            s => s.Training.Validate());
}
