// SequenceModelBuilder: the fluent description of a SequenceModel — one input (Embedding, OneHot or Input
// features), one recurrent stack (Lstm, Gru or Rnn with layers, dropout and activations, optionally Bidirectional), one
// linear head (Dense, per step unless LastStep) and initialisation options. Each call checks its own
// arguments and throws ArgumentException naming the value; Build checks that the three parts are there and
// hands the resulting ModelConfig to the SequenceModel constructor (which validates the combination).
// The builder is immutable: every call returns a new builder, so a partial description can be reused.
using System.Numerics;
using Recurrent.Initialization;
using Recurrent.Layers;
using Recurrent.Models;

namespace Recurrent.Api;

/// <summary>
/// Fluent, immutable description of a <see cref="SequenceModel{T}"/>. Start with <see cref="Model.Sequence"/>,
/// then give the input, the recurrent stack and the head:
/// <code>
/// SequenceModel&lt;float&gt; model = Model.Sequence()
///     .Embedding(vocab, 128)
///     .Lstm(512, layers: 2, dropout: 0.2)
///     .Dense(vocab)
///     .Build(seed: 42);
/// </code>
/// </summary>
public sealed class SequenceModelBuilder
{
    private readonly ModelConfig _config = new();
    private readonly string? _input;   // which input method was called, null before
    private readonly string? _cell;    // which cell method was called
    private readonly bool _head;

    internal SequenceModelBuilder() { }

    private SequenceModelBuilder(ModelConfig config, string? input, string? cell, bool head)
    {
        _config = config;
        _input = input;
        _cell = cell;
        _head = head;
    }

    private SequenceModelBuilder With(ModelConfig config, string? input = null, string? cell = null, bool? head = null) =>
        new(config, input ?? _input, cell ?? _cell, head ?? _head);

    /// <summary>Token ids looked up in a trained embedding table of <paramref name="vocabulary"/> rows (<c>nn.Embedding</c>); <paramref name="size"/> 0 means the hidden size.</summary>
    public SequenceModelBuilder Embedding(int vocabulary, int size = 0)
    {
        CheckInputNotSet(nameof(Embedding));
        Positive(vocabulary, nameof(vocabulary), nameof(Embedding));
        if (size < 0) throw new ArgumentException($"Embedding: size must be >= 0 (0 = the hidden size), got {size}.", nameof(size));
        return With(_config with { Input = InputKind.Embedding, InputSize = vocabulary, EmbeddingSize = size }, input: nameof(Embedding));
    }

    /// <summary>Token ids as one-hot vectors of <paramref name="vocabulary"/> entries (min-char-rnn, char-rnn).</summary>
    public SequenceModelBuilder OneHot(int vocabulary)
    {
        CheckInputNotSet(nameof(OneHot));
        Positive(vocabulary, nameof(vocabulary), nameof(OneHot));
        return With(_config with { Input = InputKind.OneHot, InputSize = vocabulary, EmbeddingSize = 0 }, input: nameof(OneHot));
    }

    /// <summary>Real-valued inputs of <paramref name="features"/> values per step (time series, regression).</summary>
    public SequenceModelBuilder Input(int features)
    {
        CheckInputNotSet(nameof(Input));
        Positive(features, nameof(features), nameof(Input));
        return With(_config with { Input = InputKind.Dense, InputSize = features, EmbeddingSize = 0 }, input: nameof(Input));
    }

    /// <summary>
    /// An LSTM stack (<c>nn.LSTM</c>, gates i, f, g, o) of <paramref name="layers"/> layers of <paramref name="hidden"/> units,
    /// with <paramref name="dropout"/> between layers during training and optional Graves peepholes.
    /// <paramref name="activation"/> is the cell input and output function (g and h = o⊙act(c); DL4J's <c>activation</c>,
    /// e.g. Softsign as its LSTM guide advises) and <paramref name="gateActivation"/> that of i, f, o (DL4J's
    /// <c>gateActivationFunction</c>); both as ONNX's LSTM <c>activations</c> (f = gate, g = h = cell).
    /// </summary>
    public SequenceModelBuilder Lstm(int hidden, int layers = 1, double dropout = 0, bool peepholes = false,
        CellActivation activation = CellActivation.Tanh, GateActivation gateActivation = GateActivation.Sigmoid) =>
        Cell(CellKind.Lstm, nameof(Lstm), hidden, layers, dropout, peepholes, activation, gateActivation);

    /// <summary>
    /// A GRU stack (<c>nn.GRU</c>, gates r, z, n) of <paramref name="layers"/> layers of <paramref name="hidden"/> units;
    /// <paramref name="activation"/> is the candidate n's function and <paramref name="gateActivation"/> that of r and z
    /// (ONNX's GRU <c>activations</c> g and f).
    /// </summary>
    public SequenceModelBuilder Gru(int hidden, int layers = 1, double dropout = 0,
        CellActivation activation = CellActivation.Tanh, GateActivation gateActivation = GateActivation.Sigmoid) =>
        Cell(CellKind.Gru, nameof(Gru), hidden, layers, dropout, activation: activation, gateActivation: gateActivation);

    /// <summary>A vanilla RNN stack (<c>nn.RNN</c>) with the given <paramref name="activation"/>: tanh, ReLU or softsign.</summary>
    public SequenceModelBuilder Rnn(int hidden, int layers = 1, double dropout = 0, RnnActivation activation = RnnActivation.Tanh)
    {
        if (!Enum.IsDefined(activation))
            throw new ArgumentException($"Rnn: activation must be Tanh, Relu or Softsign, got {(int)activation}.", nameof(activation));
        // Softsign is the tanh RNN with its squashing function swapped (ModelConfig.Activation), as ONNX's RNN activations.
        return Cell(activation == RnnActivation.Relu ? CellKind.RnnRelu : CellKind.RnnTanh, nameof(Rnn), hidden, layers, dropout,
            activation: activation == RnnActivation.Softsign ? CellActivation.Softsign : CellActivation.Tanh);
    }

    private SequenceModelBuilder Cell(CellKind kind, string method, int hidden, int layers, double dropout, bool peepholes = false,
        CellActivation activation = CellActivation.Tanh, GateActivation gateActivation = GateActivation.Sigmoid)
    {
        if (_cell is not null)
            throw new InvalidOperationException($"{method}: the model already has a {_cell} stack; a model has one recurrent stack — use the layers argument to stack more.");
        Positive(hidden, nameof(hidden), method);
        Positive(layers, nameof(layers), method);
        if (!(dropout >= 0 && dropout < 1))
            throw new ArgumentException($"{method}: dropout must be in [0, 1), got {dropout}.", nameof(dropout));
        if (!Enum.IsDefined(activation))
            throw new ArgumentException($"{method}: activation must be Tanh or Softsign, got {(int)activation}.", nameof(activation));
        if (!Enum.IsDefined(gateActivation))
            throw new ArgumentException($"{method}: gateActivation must be Sigmoid or HardSigmoid, got {(int)gateActivation}.", nameof(gateActivation));
        return With(_config with
        {
            Cell = kind, HiddenSize = hidden, Layers = layers, Dropout = dropout, Peepholes = peepholes,
            Activation = activation, GateActivation = gateActivation,
        }, cell: method);
    }

    /// <summary>
    /// Layer-normalised cells (LSTM or GRU; Ba et al. 2016): each step's input and recurrent products are normalised over
    /// the gates and scaled by learned gains, and the LSTM normalises its cell inside h = o⊙tanh(γ⊙LN(c) + β).
    /// </summary>
    public SequenceModelBuilder LayerNorm(bool layerNorm = true) => With(_config with { LayerNorm = layerNorm });

    /// <summary>
    /// A Mogrifier LSTM (Melis et al. 2019): before each step the input and the previous state gate each other for
    /// <paramref name="rounds"/> rounds (the paper uses 5); <paramref name="rank"/> &gt; 0 factors each round's matrix into
    /// rank-<paramref name="rank"/> factors. Call after <see cref="Lstm"/>.
    /// </summary>
    public SequenceModelBuilder Mogrifier(int rounds = 5, int rank = 0)
    {
        Positive(rounds, nameof(rounds), nameof(Mogrifier));
        if (rank < 0) throw new ArgumentException($"Mogrifier: rank must be 0 (full rank) or positive, got {rank}.", nameof(rank));
        return With(_config with { MogrifierRounds = rounds, MogrifierRank = rank });
    }

    /// <summary>Makes every recurrent layer bidirectional (forward and reverse outputs concatenated, as <c>bidirectional=True</c>).</summary>
    public SequenceModelBuilder Bidirectional(bool bidirectional = true) => With(_config with { Bidirectional = bidirectional });

    /// <summary>The linear head with <paramref name="outputs"/> outputs (classes for cross-entropy, values for regression), applied at every step unless <see cref="LastStep"/> is called.</summary>
    public SequenceModelBuilder Dense(int outputs)
    {
        if (_head) throw new InvalidOperationException($"Dense: the model already has a head of {_config.OutputSize} outputs.");
        Positive(outputs, nameof(outputs), nameof(Dense));
        return With(_config with { OutputSize = outputs }, head: true);
    }

    /// <summary>Applies the head to the last step only (many-to-one, e.g. sequence classification); output (B, O).</summary>
    public SequenceModelBuilder LastStep() => With(_config with { Head = HeadKind.LastStep });

    /// <summary>Applies the head at every step (many-to-many, the default); output (T, B, O).</summary>
    public SequenceModelBuilder PerStep() => With(_config with { Head = HeadKind.PerStep });

    /// <summary>Initialisation of the input-to-hidden, embedding and head weights (default Xavier uniform); <paramref name="uniformRange"/> is a of U(±a) for <see cref="WeightInit.Uniform"/>.</summary>
    public SequenceModelBuilder InitWeights(WeightInit scheme, double uniformRange = 0.08)
    {
        if (!Enum.IsDefined(scheme)) throw new ArgumentException($"InitWeights: unknown scheme {(int)scheme}.", nameof(scheme));
        if (scheme is WeightInit.Orthogonal or WeightInit.Identity)
            throw new ArgumentException($"InitWeights: {scheme} applies to recurrent weights only; use InitRecurrent({scheme}).", nameof(scheme));
        if (!(uniformRange > 0 && double.IsFinite(uniformRange)))
            throw new ArgumentException($"InitWeights: uniformRange must be positive and finite, got {uniformRange}.", nameof(uniformRange));
        return With(_config with { WeightInit = scheme, UniformRange = uniformRange });
    }

    /// <summary>Initialisation of the recurrent (hidden-to-hidden) weights (default orthogonal) and the gain of orthogonal/identity schemes.</summary>
    public SequenceModelBuilder InitRecurrent(WeightInit scheme, double gain = 1.0)
    {
        if (!Enum.IsDefined(scheme)) throw new ArgumentException($"InitRecurrent: unknown scheme {(int)scheme}.", nameof(scheme));
        if (!double.IsFinite(gain)) throw new ArgumentException($"InitRecurrent: gain must be finite, got {gain}.", nameof(gain));
        return With(_config with { RecurrentInit = scheme, InitGain = gain });
    }

    /// <summary>Initial LSTM forget-gate bias (default 1, Jozefowicz et al. 2015); null keeps the scheme's bias.</summary>
    public SequenceModelBuilder ForgetGateBias(double? bias)
    {
        if (bias is double b && !double.IsFinite(b)) throw new ArgumentException($"ForgetGateBias: bias must be finite, got {b}.", nameof(bias));
        return With(_config with { ForgetGateBias = bias });
    }

    /// <summary>
    /// The configuration described so far. Throws InvalidOperationException naming the missing part (input,
    /// recurrent stack or head) and ArgumentException for an impossible combination (e.g. peepholes on a GRU).
    /// </summary>
    public ModelConfig ToConfig()
    {
        if (_input is null) throw new InvalidOperationException("The model has no input: call Embedding(vocabulary, size), OneHot(vocabulary) or Input(features) first.");
        if (_cell is null) throw new InvalidOperationException("The model has no recurrent stack: call Lstm(hidden), Gru(hidden) or Rnn(hidden).");
        if (!_head) throw new InvalidOperationException("The model has no head: call Dense(outputs).");
        _config.Validate();
        return _config;
    }

    /// <summary>Builds the model in single precision, parameters initialised from <paramref name="seed"/> (the same seed gives the same weights).</summary>
    public SequenceModel<float> Build(ulong seed = 0) => new(ToConfig(), seed);

    /// <summary>Builds the model in the floating-point type <typeparamref name="T"/> (double for gradient checks).</summary>
    public SequenceModel<T> Build<T>(ulong seed = 0) where T : unmanaged, IFloatingPointIeee754<T> => new(ToConfig(), seed);

    private void CheckInputNotSet(string method)
    {
        if (_input is not null)
            throw new InvalidOperationException($"{method}: the model already reads its input through {_input}; a model has one input.");
    }

    private static void Positive(int value, string name, string method)
    {
        if (value <= 0) throw new ArgumentException($"{method}: {name} must be positive, got {value}.", name);
    }
}
