// CaptionRunSpec: what a captioning run is — its kind ("caption"), how it is trained (CaptionOptions) and what its
// data was (CaptionDataSpec: the images directory, the captions file and the feature extractor's description) —
// stored as the application's part ("run") of the fit state in every checkpoint, so a resume can have the same
// images reread (the core does not read images: CaptionRun.Resume hands the spec to the caller's reload function),
// split them the same way (same fraction and seed) and continue exactly.
using System.Text.Json.Nodes;
using Recurrent.Training;

namespace Recurrent.Captioning;

/// <summary>Where a captioning run's images and captions came from.</summary>
public sealed record CaptionDataSpec
{
    /// <summary>The images directory (absolute), or null when the images did not come from one (in-memory data).</summary>
    public string? ImagesDirectory { get; init; }
    /// <summary>The captions file (absolute), or null.</summary>
    public string? CaptionsPath { get; init; }
    /// <summary>What computed the features, e.g. "resnet18 pooled+grid 7x7" (also written into the model file).</summary>
    public required string Features { get; init; }
}

/// <summary>The training options and data of a captioning run.</summary>
public sealed record CaptionRunSpec
{
    /// <summary>The run kind stored in checkpoints.</summary>
    public const string RunKind = "caption";

    /// <summary>Always "caption".</summary>
    public string Kind { get; init; } = RunKind;
    /// <summary>How it is trained.</summary>
    public required CaptionOptions Training { get; init; }
    /// <summary>The data.</summary>
    public required CaptionDataSpec Data { get; init; }

    /// <summary>This spec as a JSON node.</summary>
    public JsonNode ToJsonNode() => RunSpecJson.ToNode(this);

    /// <summary>Reads a spec; InvalidDataException naming <paramref name="source"/> when it is missing or impossible.</summary>
    public static CaptionRunSpec FromJsonNode(JsonNode? node, string source) =>
        RunSpecJson.Read<CaptionRunSpec>(node, source, "captioning",
            s => s.Kind == RunKind && s.Training is not null && s.Data is not null && s.Data.Features is not null, s => s.Training.Validate());
}
