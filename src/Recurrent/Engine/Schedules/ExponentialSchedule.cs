// ExponentialSchedule.cs — a learning rate multiplied by a constant factor after every update.
using Recurrent.Optimizers;

namespace Recurrent.Schedules;

/// <summary>
/// Per-update exponential decay: <c>At(step, epoch) = baseLr · gamma^step</c>. This is
/// <c>torch.optim.lr_scheduler.ExponentialLR</c> stepped after every update rather than every epoch.
/// </summary>
public sealed class ExponentialSchedule : LearningRateSchedule
{
    /// <summary>Creates an exponential schedule.</summary>
    /// <param name="baseLr">The learning rate of the first update, finite and zero or more.</param>
    /// <param name="gamma">The factor per update, finite and &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public ExponentialSchedule(double baseLr, double gamma)
    {
        ArgumentChecks.NonNegativeFinite(baseLr);
        ArgumentChecks.PositiveFinite(gamma);
        BaseLearningRate = baseLr;
        Gamma = gamma;
    }

    /// <summary>The learning rate of the first update.</summary>
    public double BaseLearningRate { get; }

    /// <summary>The factor per update.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double At(long step, int epoch)
    {
        ValidateProgress(step, epoch);
        return BaseLearningRate * Math.Pow(Gamma, step);
    }
}
