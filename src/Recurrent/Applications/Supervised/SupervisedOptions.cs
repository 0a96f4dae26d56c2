// SupervisedOptions: how a sequence classifier or tagger is trained — batch size, the optimizer and schedule
// (OptimizationOptions, shared by every kind of model), the run controls of the fit loop (FitOptions: budgets,
// early stopping, evaluation and logging intervals, divergence guard), the held-out fraction and the seed of the
// initialisation, shuffling and split. Composed from the shared option records, not re-declared.
using Recurrent.Training;

namespace Recurrent.Supervised;

/// <summary>Training settings shared by the classification and tagging tasks.</summary>
public sealed record SupervisedOptions
{
    /// <summary>Sequences per batch (padded to the longest in the batch).</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Optimizer, clipping, weight decay and schedule (default Adam 5e-3, clip norm 5).</summary>
    public OptimizationOptions Optimization { get; init; } = new() { LearningRate = 5e-3, ClipNorm = 5 };
    /// <summary>Budgets and early stopping (default 20 epochs, patience 3, evaluation at every epoch end).</summary>
    public FitOptions Fit { get; init; } = new() { Epochs = 20, Patience = 3 };
    /// <summary>Fraction of the training examples held out for validation when no separate set is given.</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Seed of the initialisation, the shuffling and the split.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Throws ArgumentException (ParamName = the property) naming the first impossible setting.</summary>
    public void Validate()
    {
        if (BatchSize <= 0) throw new ArgumentException($"BatchSize must be positive, got {BatchSize}.", nameof(BatchSize));
        if (!(ValidationFraction >= 0 && ValidationFraction < 1)) throw new ArgumentException($"ValidationFraction must be in [0, 1), got {ValidationFraction}.", nameof(ValidationFraction));
        ArgumentNullException.ThrowIfNull(Optimization, nameof(Optimization));
        ArgumentNullException.ThrowIfNull(Fit, nameof(Fit));
        Optimization.Validate();
        Fit.Validate();
    }
}
