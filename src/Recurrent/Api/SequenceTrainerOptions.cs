// SequenceTrainerOptions: the settings of a SequenceTrainer — window shape, budget, optimizer, learning rate,
// clipping, and held-out evaluation with early stopping — with the char-rnn-like defaults of `rnn train`.
using Recurrent.Optimizers;
using Recurrent.Schedules;
using Recurrent.Training;

namespace Recurrent.Api;

/// <summary>Settings of a <see cref="SequenceTrainer"/>.</summary>
public sealed record SequenceTrainerOptions
{
    /// <summary>Parallel streams B.</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>Steps per window T (the truncated-BPTT length).</summary>
    public int SequenceLength { get; init; } = 50;
    /// <summary>Epochs per Fit call (null = no epoch budget).</summary>
    public int? Epochs { get; init; }
    /// <summary>Updates per Fit call (null = no step budget).</summary>
    public long? Steps { get; init; }
    /// <summary>Learning rate (when <see cref="Schedule"/> is not set).</summary>
    public double LearningRate { get; init; } = 2e-3;
    /// <summary>Learning-rate schedule (default: constant <see cref="LearningRate"/>).</summary>
    public LearningRateSchedule? Schedule { get; init; }
    /// <summary>Builds the optimizer for a parameter count (default: Adam).</summary>
    public Func<int, Optimizer<float>>? Optimizer { get; init; }
    /// <summary>Clipping and penalties (default: clip the global norm at 5).</summary>
    public TrainerOptions Trainer { get; init; } = new() { ClipNorm = 5 };
    /// <summary>With validation data: evaluate every this many updates; null = at every epoch end.</summary>
    public int? EvalEvery { get; init; }
    /// <summary>With validation data: stop after this many evaluations without a lower loss (null = never).</summary>
    public int? Patience { get; init; }
    /// <summary>With validation data: multiply the learning rate by <see cref="PlateauFactor"/> after every this many
    /// evaluations without a lower loss (Keras' ReduceLROnPlateau; null = never).</summary>
    public int? PlateauPatience { get; init; }
    /// <summary>What <see cref="PlateauPatience"/> multiplies the learning rate by (between 0 and 1).</summary>
    public double PlateauFactor { get; init; } = 0.5;
    /// <summary>With validation data: put the parameters of the best evaluation back at the end.</summary>
    public bool RestoreBestWeights { get; init; } = true;
    /// <summary>Stop after this many steps in a row with a non-finite or diverged loss (each is skipped).</summary>
    public int MaxBadSteps { get; init; } = 10;

    /// <summary>Throws ArgumentException naming the first impossible setting.</summary>
    public void Validate()
    {
        if (BatchSize <= 0) throw new ArgumentException($"BatchSize must be positive, got {BatchSize}.", nameof(BatchSize));
        if (SequenceLength <= 0) throw new ArgumentException($"SequenceLength must be positive, got {SequenceLength}.", nameof(SequenceLength));
        if (Epochs is int e && e <= 0) throw new ArgumentException($"Epochs must be positive, got {e}.", nameof(Epochs));
        if (Steps is long s && s <= 0) throw new ArgumentException($"Steps must be positive, got {s}.", nameof(Steps));
        if (Epochs is null && Steps is null) throw new ArgumentException("Give Epochs or Steps (or both): training needs a budget.", nameof(Epochs));
        if (!(LearningRate > 0 && double.IsFinite(LearningRate))) throw new ArgumentException($"LearningRate must be positive and finite, got {LearningRate}.", nameof(LearningRate));
        ArgumentNullException.ThrowIfNull(Trainer, nameof(Trainer));
        Trainer.Validate();
        FitOptions(0).Validate();
    }

    /// <summary>The fit loop's run controls for a Fit call that starts at update <paramref name="startStep"/>.</summary>
    public FitOptions FitOptions(long startStep) => new()
    {
        Epochs = Epochs, Steps = Steps is long s ? startStep + s : null, EvalEvery = EvalEvery, Patience = Patience, MaxBadSteps = MaxBadSteps,
        PlateauPatience = PlateauPatience, PlateauFactor = PlateauFactor,
    };
}
