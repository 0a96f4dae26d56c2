// ExponentialRangeSchedule.cs — the learning-rate range test's sweep (Smith 2017, fastai's lr_find): the rate grows
// geometrically from a start to an end over a fixed number of updates, and stays at the end after them.
using Recurrent.Optimizers;

namespace Recurrent.Schedules;

/// <summary>
/// <c>At(step) = start · (end / start)^(step / (steps − 1))</c> for step &lt; steps, <c>end</c> after: the first update
/// uses <c>start</c>, the last of the sweep <c>end</c> (fastai's exponential <c>lr_find</c> schedule; Smith, "Cyclical
/// Learning Rates for Training Neural Networks", 2017).
/// </summary>
public sealed class ExponentialRangeSchedule : LearningRateSchedule
{
    /// <summary>A sweep from <paramref name="start"/> to <paramref name="end"/> over <paramref name="steps"/> updates.</summary>
    /// <param name="start">The first update's rate, positive and finite.</param>
    /// <param name="end">The last update's rate, finite and above <paramref name="start"/>.</param>
    /// <param name="steps">Updates in the sweep, 2 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public ExponentialRangeSchedule(double start, double end, long steps)
    {
        ArgumentChecks.PositiveFinite(start);
        ArgumentChecks.PositiveFinite(end);
        if (!(end > start)) throw new ArgumentOutOfRangeException(nameof(end), end, $"end must be above start ({start}), but was {end}.");
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"steps must be >= 2, but was {steps}.");
        Start = start;
        End = end;
        Steps = steps;
    }

    /// <summary>The first update's rate.</summary>
    public double Start { get; }
    /// <summary>The last update's rate.</summary>
    public double End { get; }
    /// <summary>Updates in the sweep.</summary>
    public long Steps { get; }

    /// <inheritdoc/>
    public override double At(long step, int epoch)
    {
        ValidateProgress(step, epoch);
        if (step >= Steps - 1) return End;
        // exp-interpolation in log space: exact at both ends, monotone in between.
        return Start * Math.Exp(Math.Log(End / Start) * step / (Steps - 1));
    }
}
