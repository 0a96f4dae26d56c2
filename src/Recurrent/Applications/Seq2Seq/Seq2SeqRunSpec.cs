// Seq2SeqRunSpec: what an encoder–decoder run is — its kind ("seq2seq"), how it is trained (Seq2SeqTrainingOptions:
// architecture, batch, optimization, run controls, source presentation, split, seed) and which files it reads —
// stored as the application's part ("run") of the fit state in every checkpoint, so `rnn train --resume DIR`
// rereads the same pairs, splits them the same way and continues exactly.
using System.Text.Json.Nodes;
using Recurrent.Supervised;
using Recurrent.Training;

namespace Recurrent.Seq2Seq;

/// <summary>The training options and data of an encoder–decoder run.</summary>
public sealed record Seq2SeqRunSpec
{
    /// <summary>The run kind stored in checkpoints.</summary>
    public const string RunKind = "seq2seq";


    /// <summary>Always "seq2seq".</summary>
    public string Kind { get; init; } = RunKind;
    /// <summary>How it is trained.</summary>
    public required Seq2SeqTrainingOptions Training { get; init; }
    /// <summary>The files: `source&lt;TAB&gt;target` lines (Seq2SeqData.ReadTsv).</summary>
    public required SupervisedDataSpec Data { get; init; }
    /// <summary>A seq2seq model file whose network and vocabulary the run starts from (fine-tuning), or null.</summary>
    public string? InitFrom { get; init; }

    /// <summary>This spec as a JSON node.</summary>
    public JsonNode ToJsonNode() => RunSpecJson.ToNode(this);

    /// <summary>Reads a spec; InvalidDataException naming <paramref name="source"/> when it is missing or impossible.</summary>
    public static Seq2SeqRunSpec FromJsonNode(JsonNode? node, string source) =>
        RunSpecJson.Read<Seq2SeqRunSpec>(node, source, "seq2seq", s => s.Kind == RunKind && s.Training is not null && s.Data is not null, s => s.Training.Validate());
}
