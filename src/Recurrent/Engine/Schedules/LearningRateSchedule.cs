// LearningRateSchedule.cs — the base of every learning-rate schedule: a pure function from training progress
// (updates done, current epoch) to the learning rate for the next update. Holds no state, so resuming from a
// checkpoint needs only the step and epoch counters.
namespace Recurrent.Schedules;

/// <summary>A learning-rate schedule: the learning rate to use for an update, given the training progress.</summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate for the next update.</summary>
    /// <param name="step">The number of updates done so far (0 for the first update); zero or more.</param>
    /// <param name="epoch">The 0-based epoch the next update belongs to; zero or more.</param>
    /// <returns>The learning rate, finite and zero or more.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> or <paramref name="epoch"/> is negative.</exception>
    public abstract double At(long step, int epoch);

    /// <summary>Throws when <paramref name="step"/> or <paramref name="epoch"/> is negative; every <see cref="At"/> calls it.</summary>
    /// <param name="step">The step passed to <see cref="At"/>.</param>
    /// <param name="epoch">The epoch passed to <see cref="At"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> or <paramref name="epoch"/> is negative.</exception>
    protected static void ValidateProgress(long step, int epoch)
    {
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"step must be >= 0, but was {step}.");
        }

        if (epoch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"epoch must be >= 0, but was {epoch}.");
        }
    }
}
