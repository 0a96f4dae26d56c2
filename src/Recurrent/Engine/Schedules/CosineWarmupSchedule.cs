// CosineWarmupSchedule.cs — linear warm-up followed by cosine decay to a floor, per update.
using Recurrent.Optimizers;

namespace Recurrent.Schedules;

/// <summary>
/// Linear warm-up, then cosine annealing (Loshchilov and Hutter, SGDR, 2017, without restarts), per update.
/// </summary>
/// <remarks>
/// With <c>W = warmupSteps</c> and <c>N = totalSteps</c>:
/// <list type="bullet">
/// <item><description><c>step &lt; W</c>: <c>baseLr · (step + 1) / W</c>, from <c>baseLr / W</c> at step 0 up to
/// <c>baseLr</c> at step <c>W − 1</c>;</description></item>
/// <item><description><c>W ≤ step &lt; N</c>: <c>minLr + (baseLr − minLr) · (1 + cos(π · (step − W) / (N − W))) / 2</c>,
/// <c>baseLr</c> at step <c>W</c>, halfway between at step <c>W + (N − W) / 2</c>;</description></item>
/// <item><description><c>step ≥ N</c>: <c>minLr</c>.</description></item>
/// </list>
/// The epoch argument is not used.
/// </remarks>
public sealed class CosineWarmupSchedule : LearningRateSchedule
{
    /// <summary>Creates a warm-up plus cosine schedule.</summary>
    /// <param name="baseLr">The peak learning rate, finite and zero or more.</param>
    /// <param name="warmupSteps">The number of warm-up updates, zero or more (0: no warm-up).</param>
    /// <param name="totalSteps">The step at which the rate reaches <paramref name="minLr"/>; at least
    /// <paramref name="warmupSteps"/>.</param>
    /// <param name="minLr">The floor, finite, in [0, <paramref name="baseLr"/>].</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public CosineWarmupSchedule(double baseLr, long warmupSteps, long totalSteps, double minLr = 0)
    {
        ArgumentChecks.NonNegativeFinite(baseLr);
        ArgumentChecks.NonNegative(warmupSteps);
        if (totalSteps < warmupSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps,
                $"totalSteps must be >= warmupSteps ({warmupSteps}), but was {totalSteps}.");
        }

        ArgumentChecks.NonNegativeFinite(minLr);
        if (minLr > baseLr)
        {
            throw new ArgumentOutOfRangeException(nameof(minLr), minLr, $"minLr must be <= baseLr ({baseLr}), but was {minLr}.");
        }

        BaseLearningRate = baseLr;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        MinLearningRate = minLr;
    }

    /// <summary>The peak learning rate, reached at the end of warm-up.</summary>
    public double BaseLearningRate { get; }

    /// <summary>The number of warm-up updates.</summary>
    public long WarmupSteps { get; }

    /// <summary>The step from which the rate stays at <see cref="MinLearningRate"/>.</summary>
    public long TotalSteps { get; }

    /// <summary>The floor the cosine decays to.</summary>
    public double MinLearningRate { get; }

    /// <inheritdoc/>
    public override double At(long step, int epoch)
    {
        ValidateProgress(step, epoch);
        if (step < WarmupSteps)
        {
            return BaseLearningRate * (step + 1) / WarmupSteps;
        }

        if (step >= TotalSteps)
        {
            return MinLearningRate;
        }

        double progress = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
        return MinLearningRate + (BaseLearningRate - MinLearningRate) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
