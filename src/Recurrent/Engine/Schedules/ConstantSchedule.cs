// ConstantSchedule.cs — a learning rate that never changes.
using Recurrent.Optimizers;

namespace Recurrent.Schedules;

/// <summary>A constant learning rate.</summary>
public sealed class ConstantSchedule : LearningRateSchedule
{
    /// <summary>Creates a constant schedule.</summary>
    /// <param name="lr">The learning rate, finite and zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lr"/> is negative or not finite.</exception>
    public ConstantSchedule(double lr)
    {
        ArgumentChecks.NonNegativeFinite(lr);
        LearningRate = lr;
    }

    /// <summary>The learning rate returned for every step.</summary>
    public double LearningRate { get; }

    /// <inheritdoc/>
    public override double At(long step, int epoch)
    {
        ValidateProgress(step, epoch);
        return LearningRate;
    }
}
