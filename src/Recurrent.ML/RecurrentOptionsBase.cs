// RecurrentOptionsBase: the settings every Recurrent trainer in ML.NET shares — the label column, the recurrent
// network's shape (cell, hidden size, layers, direction) and its training (epochs, batch, Adam's learning rate, seed,
// early stopping on a validation IDataView, progress, cancellation) — mapped onto the core library's records
// (SupervisedOptions: batch, OptimizationOptions, FitOptions, seed). The text options (RecurrentTextOptions) and the
// numeric-sequence options (RecurrentSequenceOptions) add their input column and input settings on top, so both
// trainers train with exactly what `rnn train` would with the same numbers.
using Microsoft.ML;
using Recurrent.Classification;
using Recurrent.Layers;
using Recurrent.Supervised;
using Recurrent.Training;

namespace Recurrent.ML;

/// <summary>The recurrent cell of <see cref="RecurrentOptionsBase.Cell"/>.</summary>
public enum RecurrentCell
{
    /// <summary>Long short-term memory (Hochreiter and Schmidhuber 1997), PyTorch's <c>nn.LSTM</c>.</summary>
    Lstm,
    /// <summary>Gated recurrent unit (Cho et al. 2014), PyTorch's <c>nn.GRU</c>.</summary>
    Gru,
}

/// <summary>Settings shared by the Recurrent trainers: label column, network shape, training.</summary>
public abstract class RecurrentOptionsBase
{
    /// <summary>The label column: a key (as made by <c>MapValueToKey</c>) for multiclass, Boolean for binary, Single for regression. Default "Label".</summary>
    public string LabelColumnName { get; set; } = "Label";
    /// <summary>The recurrent cell (default LSTM).</summary>
    public RecurrentCell Cell { get; set; } = RecurrentCell.Lstm;
    /// <summary>Hidden units per layer and direction (default 64).</summary>
    public int HiddenSize { get; set; } = 64;
    /// <summary>Stacked recurrent layers (default 1).</summary>
    public int Layers { get; set; } = 1;
    /// <summary>
    /// The LSTM's initial forget-gate bias; null (default) keeps the model's default, 1. Larger values (3, as
    /// `rnn demo`'s long-memory tasks use) start the cell remembering, which helps it learn dependencies across long
    /// sequences. Ignored by the GRU. Must be finite.
    /// </summary>
    public double? ForgetGateBias { get; set; }
    /// <summary>Read the sequence in both directions (default false).</summary>
    public bool Bidirectional { get; set; }
    /// <summary>Passes over the training data (default 20; fewer when early stopping ends the run).</summary>
    public int Epochs { get; set; } = 20;
    /// <summary>Sequences per batch, padded to the longest in the batch (default 32).</summary>
    public int BatchSize { get; set; } = 32;
    /// <summary>Adam's learning rate (default 5e-3), with a gradient-norm clip of 5.</summary>
    public double LearningRate { get; set; } = 5e-3;
    /// <summary>Seed of the initialisation and the shuffling (default 1): the same seed and data give the same model.</summary>
    public ulong Seed { get; set; } = 1;
    /// <summary>
    /// Labelled rows (same column names) evaluated at every epoch end for early stopping: training stops after
    /// <see cref="Patience"/> evaluations without a lower validation loss and the best evaluation's weights are kept.
    /// Null (default): every epoch is trained and the last weights are kept.
    /// </summary>
    public IDataView? ValidationData { get; set; }
    /// <summary>Evaluations without improvement before early stopping (default 3; only with <see cref="ValidationData"/>).</summary>
    public int Patience { get; set; } = 3;
    /// <summary>Called with each metrics line of the run (every 10 updates and at each evaluation): loss, epoch, validation metrics.</summary>
    public Action<MetricsRecord>? Progress { get; set; }
    /// <summary>
    /// Stops training between updates; <c>Fit</c> then throws <see cref="OperationCanceledException"/>. ML.NET 6 has no
    /// public way for a trainer outside ML.NET to observe <c>MLContext</c>'s own cancellation, so this token is the hook.
    /// </summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>The core library's cell kind.</summary>
    internal CellKind CellKind => Cell == RecurrentCell.Gru ? CellKind.Gru : CellKind.Lstm;

    /// <summary>The architecture settings every Recurrent trainer shares, in the core library's terms; each options class adds its input's.</summary>
    private protected ClassifierSettings SharedSettings() => new()
    {
        Cell = CellKind,
        HiddenSize = HiddenSize,
        Layers = Layers,
        Bidirectional = Bidirectional,
        ForgetGateBias = ForgetGateBias,
    };

    /// <summary>The training in the core library's terms (validated there: an impossible value is an ArgumentException naming it).</summary>
    internal SupervisedOptions ToTraining() => new()
    {
        BatchSize = BatchSize,
        Optimization = new SupervisedOptions().Optimization with { LearningRate = LearningRate },
        Fit = new FitOptions { Epochs = Epochs, Patience = ValidationData is null ? null : Patience },
        ValidationFraction = 0,
        Seed = Seed,
    };

    /// <summary>Throws ArgumentOutOfRangeException naming the first impossible shared setting the core's own checks do not cover.</summary>
    internal void ValidateShared()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(LabelColumnName, nameof(LabelColumnName));
        if (HiddenSize < 1) throw new ArgumentOutOfRangeException(nameof(HiddenSize), HiddenSize, "HiddenSize must be positive.");
        if (Layers < 1) throw new ArgumentOutOfRangeException(nameof(Layers), Layers, "Layers must be positive.");
        if (ForgetGateBias is double fb && !double.IsFinite(fb)) throw new ArgumentOutOfRangeException(nameof(ForgetGateBias), fb, "ForgetGateBias must be finite.");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be positive.");
        if (Patience < 1) throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "Patience must be positive.");
        ToTraining().Validate();
    }
}
