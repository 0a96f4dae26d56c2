// Seq2SeqConfig: the architecture of an encoder–decoder model and how its sources are presented.
using System.Text.Json.Serialization;
using Recurrent.Layers;

namespace Recurrent.Seq2Seq;

/// <summary>Architecture of a <see cref="Seq2SeqModel{T}"/>; encoder and decoder share cell, layers and hidden size.</summary>
public sealed record Seq2SeqConfig
{
    /// <summary>Vocabulary size, specials included (sources and targets share it).</summary>
    public int Vocabulary { get; init; }
    /// <summary>Embedding size of encoder and decoder inputs.</summary>
    public int EmbeddingSize { get; init; } = 32;
    /// <summary>Recurrent cell of encoder and decoder.</summary>
    public CellKind Cell { get; init; } = CellKind.Lstm;
    /// <summary>Hidden units per layer.</summary>
    public int HiddenSize { get; init; } = 128;
    /// <summary>Stacked layers of encoder and of decoder.</summary>
    public int Layers { get; init; } = 1;
    /// <summary>Every source is left-padded with the pad token to this many tokens (as Keras' addition_rnn pads to MAXLEN).</summary>
    public int SourceLength { get; init; }
    /// <summary>Feed the source reversed (Sutskever et al. 2014), as the addition example does.</summary>
    public bool ReverseSource { get; init; }
    /// <summary>Longest output decoding produces, end token excluded.</summary>
    public int MaxTargetLength { get; init; }
    /// <summary>
    /// The decoder's attention over the encoder's outputs (None: the encoder's final state only). Not written when
    /// None, so files of models without attention are as before, and files without the entry read as None.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public AttentionKind Attention { get; init; }
    /// <summary>
    /// A bidirectional encoder: its outputs are 2H wide (what attention reads), and the decoder starts from the sum of
    /// the two directions' final states, layer by layer. Not written when false.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool BidirectionalEncoder { get; init; }

    /// <summary>Throws ArgumentException naming the first impossible setting.</summary>
    public void Validate()
    {
        static void Positive(int v, string name) { if (v <= 0) throw new ArgumentException($"{name} must be positive, got {v}.", name); }
        if (Vocabulary <= Seq2SeqVocabulary.Specials)
            throw new ArgumentException($"Vocabulary must exceed the {Seq2SeqVocabulary.Specials} special tokens, got {Vocabulary}.", nameof(Vocabulary));
        Positive(EmbeddingSize, nameof(EmbeddingSize));
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(Layers, nameof(Layers));
        Positive(SourceLength, nameof(SourceLength));
        Positive(MaxTargetLength, nameof(MaxTargetLength));
        if (!Enum.IsDefined(Attention)) throw new ArgumentException($"Attention {Attention} is not a known kind.", nameof(Attention));
        if (BidirectionalEncoder && Attention == AttentionKind.LuongDot)
            throw new ArgumentException("Luong dot attention needs encoder outputs as wide as the decoder state, but a bidirectional encoder's are 2H; use Luong (general) or Bahdanau attention.", nameof(Attention));
    }
}
