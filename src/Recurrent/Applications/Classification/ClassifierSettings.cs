// ClassifierSettings: the architecture of a new sequence classifier — cell, size, layers, direction; for text,
// the token kind and embedding size; for numbers, how many numbers make one step (the channels, the dense input
// size). The vocabulary size and the number of classes come from the data.
using Recurrent.Layers;

namespace Recurrent.Classification;

/// <summary>Architecture choices for <see cref="SequenceClassifier.Train"/>; also used by the tagger.</summary>
public sealed record ClassifierSettings
{
    /// <summary>The recurrent cell.</summary>
    public CellKind Cell { get; init; } = CellKind.Lstm;
    /// <summary>The cell input/output function (LSTM g and h, GRU n, tanh RNN h): tanh (default) or softsign; see <see cref="Models.ModelConfig.Activation"/>.</summary>
    public CellActivation Activation { get; init; } = CellActivation.Tanh;
    /// <summary>The gate function of LSTM and GRU: sigmoid (default) or hard sigmoid; see <see cref="Models.ModelConfig.GateActivation"/>.</summary>
    public GateActivation GateActivation { get; init; } = GateActivation.Sigmoid;
    /// <summary>Hidden units per layer and direction.</summary>
    public int HiddenSize { get; init; } = 64;
    /// <summary>Stacked layers.</summary>
    public int Layers { get; init; } = 1;
    /// <summary>Bidirectional layers.</summary>
    public bool Bidirectional { get; init; }
    /// <summary>Embedding size for token inputs (0 = one-hot inputs).</summary>
    public int EmbeddingSize { get; init; } = 32;
    /// <summary>Dropout between stacked layers.</summary>
    public double Dropout { get; init; }
    /// <summary>Text tokens: "char" or "word" (TSV input only).</summary>
    public string Tokens { get; init; } = "char";
    /// <summary>
    /// Numeric (CSV) input: numbers per step, F — the channels of a multichannel sequence, read step-major (a line is
    /// the label, then step 1's F numbers, step 2's, ...); the network's dense input size. 1 (the default) reads each
    /// number as one step.
    /// </summary>
    public int FeaturesPerStep { get; init; } = 1;
    /// <summary>
    /// The LSTM's initial forget-gate bias (<see cref="Models.ModelConfig.ForgetGateBias"/>); null (the default) keeps
    /// the model's default, <see cref="Models.ModelConfig.DefaultForgetGateBias"/>. Larger values (3, as `rnn demo`'s
    /// long-memory tasks use) start the cell remembering, which helps it learn dependencies over long sequences.
    /// Ignored by GRU and plain RNN cells. Must be finite.
    /// </summary>
    public double? ForgetGateBias { get; init; }

    /// <summary>The model's <see cref="Models.ModelConfig.ForgetGateBias"/> for these settings.</summary>
    internal double ModelForgetGateBias => ForgetGateBias ?? Models.ModelConfig.DefaultForgetGateBias;
}
