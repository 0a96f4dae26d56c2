// SupervisedOptions: how a sequence classifier or tagger is trained — epochs, batch size, Adam's learning
// rate, gradient-norm clipping, early stopping on the held-out split, and the seed of the shuffling.
namespace Recurrent.Supervised;

/// <summary>Training settings shared by the classification and tagging tasks.</summary>
public sealed record SupervisedOptions
{
    /// <summary>Passes over the training examples at most.</summary>
    public int Epochs { get; init; } = 20;
    /// <summary>Sequences per batch (padded to the longest in the batch).</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 5e-3;
    /// <summary>Clip the global gradient norm to this (0 = off).</summary>
    public double ClipNorm { get; init; } = 5;
    /// <summary>Stop after this many epochs without a lower validation loss (0 = never stop early).</summary>
    public int Patience { get; init; } = 3;
    /// <summary>Fraction of the training examples held out for validation when no separate set is given.</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Seed of the shuffling, the split and the initialisation.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Throws ArgumentException naming the first impossible setting.</summary>
    public void Validate()
    {
        if (Epochs <= 0) throw new ArgumentException($"Epochs must be positive, got {Epochs}.", nameof(Epochs));
        if (BatchSize <= 0) throw new ArgumentException($"BatchSize must be positive, got {BatchSize}.", nameof(BatchSize));
        if (!(LearningRate > 0 && double.IsFinite(LearningRate))) throw new ArgumentException($"LearningRate must be positive, got {LearningRate}.", nameof(LearningRate));
        if (!(ClipNorm >= 0 && double.IsFinite(ClipNorm))) throw new ArgumentException($"ClipNorm must be >= 0, got {ClipNorm}.", nameof(ClipNorm));
        if (Patience < 0) throw new ArgumentException($"Patience must be >= 0, got {Patience}.", nameof(Patience));
        if (!(ValidationFraction >= 0 && ValidationFraction < 1)) throw new ArgumentException($"ValidationFraction must be in [0, 1), got {ValidationFraction}.", nameof(ValidationFraction));
    }
}

/// <summary>What one epoch did.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainLoss">Mean cross-entropy over the epoch's counted targets.</param>
/// <param name="ValidationLoss">Mean cross-entropy on the held-out examples (NaN without any).</param>
/// <param name="ValidationAccuracy">Accuracy on the held-out targets (NaN without any).</param>
/// <param name="Improved">Whether the validation loss reached a new best (the kept model).</param>
public sealed record EpochReport(int Epoch, double TrainLoss, double ValidationLoss, double ValidationAccuracy, bool Improved);
