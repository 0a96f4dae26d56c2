// NonMonotoneTrigger: NT-ASGD's condition for starting to average (Merity et al. 2017, Algorithm 1): at each periodic
// evaluation, averaging starts when the monitored metric is worse than the best of the evaluations made more than
// n evaluations before it — in the AWD-LSTM code, `len(logs) > n and val_loss > min(logs[:-n])`, checked before
// the new value is appended. "Worse" follows the evaluation's direction (higher is better for accuracies). Only the
// last n values and the best of the older ones are needed, so that is the whole (resumable) state.
namespace Recurrent.Training;

/// <summary>The non-monotone trigger of NT-ASGD over a sequence of evaluation scores.</summary>
public sealed class NonMonotoneTrigger
{
    private readonly Queue<double> _recent = new(); // the last ≤ Interval scores, oldest first
    private double? _olderBest;                      // best of the scores before those

    /// <summary>A trigger that ignores the last <paramref name="interval"/> scores when taking the best.</summary>
    public NonMonotoneTrigger(int interval)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(interval);
        Interval = interval;
    }

    /// <summary>n: how many of the latest scores the best is not taken from.</summary>
    public int Interval { get; }

    /// <summary>
    /// Records <paramref name="score"/> (in the direction <paramref name="higherIsBetter"/>) and returns true when it is
    /// strictly worse than the best score seen more than <see cref="Interval"/> evaluations before it. A NaN score
    /// never triggers and never becomes the best.
    /// </summary>
    public bool Observe(double score, bool higherIsBetter)
    {
        bool triggered = _olderBest is double best && !double.IsNaN(score) && (higherIsBetter ? score < best : score > best);
        _recent.Enqueue(score);
        if (_recent.Count > Interval)
        {
            double old = _recent.Dequeue();
            if (!double.IsNaN(old) && (_olderBest is not double b || (higherIsBetter ? old > b : old < b))) _olderBest = old;
        }
        return triggered;
    }

    /// <summary>The state to save: the last scores (oldest first) and the best of the older ones.</summary>
    public NonMonotoneTriggerState SaveState() => new() { Recent = [.. _recent], OlderBest = _olderBest };

    /// <summary>Restores <see cref="SaveState"/>'s value.</summary>
    public void LoadState(NonMonotoneTriggerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Recent.Length > Interval)
            throw new InvalidDataException($"The NT-ASGD state holds {state.Recent.Length} recent evaluations; its interval is {Interval}.");
        _recent.Clear();
        foreach (double s in state.Recent) _recent.Enqueue(s);
        _olderBest = state.OlderBest;
    }
}

/// <summary>The saved state of a <see cref="NonMonotoneTrigger"/>.</summary>
public sealed record NonMonotoneTriggerState
{
    /// <summary>The last scores, oldest first.</summary>
    public double[] Recent { get; init; } = [];
    /// <summary>The best of the scores before them, or null.</summary>
    public double? OlderBest { get; init; }
}
