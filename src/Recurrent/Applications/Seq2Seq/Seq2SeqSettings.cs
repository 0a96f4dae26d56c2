// Seq2SeqSettings: the architecture choices of an encoder–decoder that do not depend on the data — cell, hidden
// size, layers, embedding size (encoder and decoder share them). The vocabulary and the source and output lengths
// come from the data and Seq2SeqTrainingOptions; together they make the Seq2SeqConfig.
using System.Text.Json.Serialization;
using Recurrent.Layers;

namespace Recurrent.Seq2Seq;

/// <summary>Architecture choices of an encoder–decoder trained by <see cref="Seq2SeqTraining"/>.</summary>
public sealed record Seq2SeqSettings
{
    /// <summary>Recurrent cell of encoder and decoder.</summary>
    public CellKind Cell { get; init; } = CellKind.Lstm;
    /// <summary>Hidden units per layer.</summary>
    public int HiddenSize { get; init; } = 128;
    /// <summary>Layers of encoder and of decoder.</summary>
    public int Layers { get; init; } = 1;
    /// <summary>Embedding size of encoder and decoder inputs.</summary>
    public int EmbeddingSize { get; init; } = 32;
    /// <summary>The decoder's attention over the encoder's outputs (None: none; not written then, so older specs read unchanged).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public AttentionKind Attention { get; init; }
    /// <summary>A bidirectional encoder (Seq2SeqConfig.BidirectionalEncoder); not written when false.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool BidirectionalEncoder { get; init; }

    /// <summary>Throws ArgumentException (ParamName = the property) naming the first impossible setting.</summary>
    public void Validate()
    {
        static void Positive(int v, string name) { if (v <= 0) throw new ArgumentException($"{name} must be positive, got {v}.", name); }
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(Layers, nameof(Layers));
        Positive(EmbeddingSize, nameof(EmbeddingSize));
        if (!Enum.IsDefined(Attention)) throw new ArgumentException($"Attention {Attention} is not a known kind.", nameof(Attention));
        if (BidirectionalEncoder && Attention == AttentionKind.LuongDot)
            throw new ArgumentException("Luong dot attention needs encoder outputs as wide as the decoder state, but a bidirectional encoder's are 2H; use Luong (general) or Bahdanau attention.", nameof(Attention));
    }
}
