// SequenceTrainerOptions: the settings of a SequenceTrainer — window shape, budget, optimizer, learning rate
// and clipping — with the char-rnn-like defaults of `rnn train`.
using Recurrent.Optimizers;
using Recurrent.Schedules;
using Recurrent.Training;

namespace Recurrent.Api;

/// <summary>Settings of a <see cref="SequenceTrainer"/>.</summary>
public sealed record SequenceTrainerOptions
{
    /// <summary>B: parallel contiguous streams per update.</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>T: time steps per window (truncated BPTT length).</summary>
    public int SequenceLength { get; init; } = 50;
    /// <summary>Epochs to train per Fit call (null = no epoch limit; give <see cref="Steps"/> then).</summary>
    public int? Epochs { get; init; }
    /// <summary>Updates to do per Fit call (null = no step limit; give <see cref="Epochs"/> then).</summary>
    public long? Steps { get; init; }
    /// <summary>Learning rate of the default constant schedule (ignored when <see cref="Schedule"/> is given).</summary>
    public double LearningRate { get; init; } = 2e-3;
    /// <summary>Learning-rate schedule; null = constant <see cref="LearningRate"/>.</summary>
    public LearningRateSchedule? Schedule { get; init; }
    /// <summary>Creates the optimizer for a parameter count; null = Adam (β = 0.9, 0.999).</summary>
    public Func<int, Optimizer<float>>? Optimizer { get; init; }
    /// <summary>Clipping and penalties; the default clips the global gradient norm at 5 (char-rnn).</summary>
    public TrainerOptions Trainer { get; init; } = new() { ClipNorm = 5 };

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
    }
}
