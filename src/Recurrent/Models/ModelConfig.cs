// ModelConfig: everything that defines a SequenceModel's architecture and initialisation.
// The activation choices are left out of the JSON when they are the defaults (sigmoid gates, tanh cell), so a default
// model's file and exports are byte for byte those of builds before the choice existed, and older files read as such.
// The AWD-LSTM dropouts (LockedDropout, InputDropout, OutputDropout, EmbeddingDropout, WeightDrop) are left out the
// same way when off: they act only in training, so a model without them is the model of earlier builds.
using System.Text.Json.Serialization;
using Recurrent.Initialization;
using Recurrent.Layers;

namespace Recurrent.Models;

/// <summary>Architecture of a <see cref="SequenceModel{T}"/>: input → recurrent stack → linear head.</summary>
public sealed record ModelConfig
{
    /// <summary>How inputs are given: token ids (embedding or one-hot) or dense features.</summary>
    public InputKind Input { get; init; } = InputKind.Embedding;
    /// <summary>Vocabulary size (Embedding, OneHot) or features per step (Dense).</summary>
    public int InputSize { get; init; }
    /// <summary>Embedding vector size (Embedding only; 0 means the hidden size, as char-rnn).</summary>
    public int EmbeddingSize { get; init; }
    /// <summary>The recurrent cell.</summary>
    public CellKind Cell { get; init; } = CellKind.Lstm;
    /// <summary>Hidden units per layer and direction.</summary>
    public int HiddenSize { get; init; } = 128;
    /// <summary>Stacked layers.</summary>
    public int Layers { get; init; } = 1;
    /// <summary>Bidirectional layers (forward and reverse outputs concatenated).</summary>
    public bool Bidirectional { get; init; }
    /// <summary>Dropout probability between stacked layers during training.</summary>
    public double Dropout { get; init; }
    /// <summary>
    /// Whether <see cref="Dropout"/> uses one mask per sequence row for the whole window (locked / variational dropout,
    /// Gal &amp; Ghahramani 2016; AWD-LSTM) instead of a fresh mask per step and feature (false: PyTorch's nn.LSTM dropout).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool LockedDropout { get; init; }
    /// <summary>Locked dropout probability on the inputs of the recurrent stack (embedding outputs or input vectors) during training (AWD-LSTM's dropouti).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double InputDropout { get; init; }
    /// <summary>Locked dropout probability on the last recurrent layer's outputs, before the head, during training (AWD-LSTM's dropout).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double OutputDropout { get; init; }
    /// <summary>
    /// Probability of dropping a whole vocabulary row of the embedding table per training forward, the kept rows scaled
    /// by 1/(1−p) (AWD-LSTM's embedded_dropout, Gal &amp; Ghahramani 2016). Embedding input only.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double EmbeddingDropout { get; init; }
    /// <summary>DropConnect probability on each element of every recurrent weight matrix W_hh per training forward (AWD-LSTM's weight drop, Wan et al. 2013).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double WeightDrop { get; init; }
    /// <summary>LSTM peephole connections (Graves 2013; DL4J GravesLSTM).</summary>
    public bool Peepholes { get; init; }
    /// <summary>
    /// Layer-normalised cells (LSTM, GRU; Ba et al. 2016): the input and recurrent products are each normalised over the
    /// gates and scaled by a learned gain (<c>ln_ih_weight</c>, <c>ln_hh_weight</c>) before the biases; the LSTM also
    /// normalises its cell inside h = o⊙tanh(γ⊙LN(c) + β) (<c>ln_cell_weight</c>, <c>ln_cell_bias</c>). Left out of the
    /// JSON when false.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool LayerNorm { get; init; }
    /// <summary>
    /// Mogrifier LSTM (Melis et al. 2019): rounds in which the step's input and the previous state gate each other
    /// before the LSTM step (<c>mogrifier_{j}</c> per round j); 0 (default) for none. Left out of the JSON when 0.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int MogrifierRounds { get; init; }
    /// <summary>Rank K of the Mogrifier's matrices, each a product of (out, K) and (K, in) factors; 0 (default) for full rank.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int MogrifierRank { get; init; }
    /// <summary>
    /// The cell input/output function: LSTM g and h = o⊙act(c), GRU n, the <see cref="CellKind.RnnTanh"/> RNN's h
    /// (DL4J's <c>activation</c>; ONNX's g and h). Tanh (default) or Softsign.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(ActivationNameConverter<CellActivation>))]
    public CellActivation Activation { get; init; } = CellActivation.Tanh;
    /// <summary>The gate function of LSTM (i, f, o) and GRU (r, z) (DL4J's <c>gateActivationFunction</c>; ONNX's f). Sigmoid (default) or HardSigmoid.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(ActivationNameConverter<GateActivation>))]
    public GateActivation GateActivation { get; init; } = GateActivation.Sigmoid;
    /// <summary>Per-step (many-to-many) or last-step (many-to-one) head.</summary>
    public HeadKind Head { get; init; } = HeadKind.PerStep;
    /// <summary>Outputs of the head: classes for cross-entropy, values for regression.</summary>
    public int OutputSize { get; init; }

    /// <summary>
    /// Weight tying (Press &amp; Wolf 2016; Inan et al. 2016): the head's (V, ·) weight is the embedding table itself.
    /// When the embedding width E differs from the top layer's width D·H, a learned (E, D·H) projection without bias
    /// (<c>head.proj.weight</c>) maps the hidden state to E first. Needs an embedding input, a per-step head and
    /// OutputSize = InputSize. Left out of the JSON when false.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool TieWeights { get; init; }

    /// <summary>Initialisation of input-to-hidden, embedding and head weights.</summary>
    public WeightInit WeightInit { get; init; } = WeightInit.XavierUniform;
    /// <summary>Initialisation of hidden-to-hidden (recurrent) weights.</summary>
    public WeightInit RecurrentInit { get; init; } = WeightInit.Orthogonal;
    /// <summary>Bound a of U(±a) for <see cref="WeightInit.Uniform"/> (char-rnn: 0.08).</summary>
    public double UniformRange { get; init; } = 0.08;
    /// <summary>Gain of orthogonal and identity initialisation.</summary>
    public double InitGain { get; init; } = 1.0;
    /// <summary>Initial LSTM forget-gate bias (Gers et al. 2000; Jozefowicz et al. 2015); null keeps the scheme's bias.</summary>
    public double? ForgetGateBias { get; init; } = DefaultForgetGateBias;

    /// <summary>The default of <see cref="ForgetGateBias"/>: 1, as Jozefowicz et al. (2015) recommend.</summary>
    public const double DefaultForgetGateBias = 1.0;

    /// <summary>Size of the vectors entering the recurrent stack.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int StackInputSize => Input == InputKind.Embedding ? (EmbeddingSize > 0 ? EmbeddingSize : HiddenSize) : InputSize;

    /// <summary>Throws ArgumentException naming the first impossible setting.</summary>
    public void Validate()
    {
        static void Positive(int v, string name) { if (v <= 0) throw new ArgumentException($"{name} must be positive, got {v}.", name); }
        Positive(InputSize, nameof(InputSize));
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(Layers, nameof(Layers));
        Positive(OutputSize, nameof(OutputSize));
        if (EmbeddingSize < 0) throw new ArgumentException($"EmbeddingSize must be >= 0, got {EmbeddingSize}.", nameof(EmbeddingSize));
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"Dropout must be in [0, 1), got {Dropout}.", nameof(Dropout));
        static void Probability(double p, string name) { if (!(p >= 0 && p < 1)) throw new ArgumentException($"{name} must be in [0, 1), got {p}.", name); }
        Probability(InputDropout, nameof(InputDropout));
        Probability(OutputDropout, nameof(OutputDropout));
        Probability(EmbeddingDropout, nameof(EmbeddingDropout));
        Probability(WeightDrop, nameof(WeightDrop));
        if (EmbeddingDropout > 0 && Input != InputKind.Embedding)
            throw new ArgumentException($"EmbeddingDropout drops rows of an embedding table; {Input} input has none (use InputDropout).", nameof(EmbeddingDropout));
        if (Peepholes && Cell != CellKind.Lstm) throw new ArgumentException($"Peepholes need an LSTM cell, not {Cell}.", nameof(Peepholes));
        global::Recurrent.Layers.RecurrentDirection<float>.CheckStructure(Cell, Peepholes, LayerNorm, MogrifierRounds, MogrifierRank);
        if (!Enum.IsDefined(Activation)) throw new ArgumentException($"Activation must be Tanh or Softsign, got {(int)Activation}.", nameof(Activation));
        if (!Enum.IsDefined(GateActivation)) throw new ArgumentException($"GateActivation must be Sigmoid or HardSigmoid, got {(int)GateActivation}.", nameof(GateActivation));
        if (GateActivation != GateActivation.Sigmoid && Cell is not (CellKind.Lstm or CellKind.Gru))
            throw new ArgumentException($"GateActivation {GateActivation} needs an LSTM or GRU cell; {Cell} has no gates.", nameof(GateActivation));
        if (Activation != CellActivation.Tanh && Cell == CellKind.RnnRelu)
            throw new ArgumentException($"Activation {Activation} replaces tanh, but {Cell}'s non-linearity is ReLU; use {CellKind.RnnTanh} with Activation {Activation}.", nameof(Activation));
        if (!(UniformRange > 0 && double.IsFinite(UniformRange))) throw new ArgumentException($"UniformRange must be positive and finite, got {UniformRange}.", nameof(UniformRange));
        if (!double.IsFinite(InitGain)) throw new ArgumentException($"InitGain must be finite, got {InitGain}.", nameof(InitGain));
        if (ForgetGateBias is double fb && !double.IsFinite(fb)) throw new ArgumentException($"ForgetGateBias must be finite, got {fb}.", nameof(ForgetGateBias));
        if (TieWeights && Input != InputKind.Embedding)
            throw new ArgumentException($"TieWeights shares the embedding table with the head, but the input is {Input} (no table); use an embedding input.", nameof(TieWeights));
        if (TieWeights && (Head != HeadKind.PerStep || OutputSize != InputSize))
            throw new ArgumentException($"TieWeights needs a per-step head predicting the input vocabulary (OutputSize = InputSize); got a {Head} head with OutputSize {OutputSize} and InputSize {InputSize}.", nameof(TieWeights));
        if (WeightInit is WeightInit.Orthogonal or WeightInit.Identity)
            throw new ArgumentException($"WeightInit {WeightInit} applies to recurrent weights only; set RecurrentInit instead.", nameof(WeightInit));
    }
}
