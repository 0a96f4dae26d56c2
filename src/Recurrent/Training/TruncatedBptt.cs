// TruncatedBptt: trains over a long batch of sequences window by window, carrying the hidden state
// across windows (detached), with a forward length (window size) and a backward length (steps that
// gradients flow back through), as DL4J's tBPTTForwardLength / tBPTTBackwardLength and Williams &
// Peng's BPTT(h; h'). With backward length = forward length it is char-rnn's batching.
using System.Numerics;

namespace Recurrent.Training;

/// <summary>Truncated backpropagation through time over long time-major sequences.</summary>
public static class TruncatedBptt
{
    /// <summary>
    /// Runs one update per window of <paramref name="forwardLength"/> steps over tokens/targets (T_total, B),
    /// starting from the model's current state and carrying the final state of each window into the next.
    /// Returns the mean loss over windows (each window's loss weighted by its counted positions).
    /// </summary>
    public static double TrainSequence<T>(Trainer<T> trainer, ReadOnlySpan<int> tokens, ReadOnlySpan<int> targets,
        int totalSteps, int batch, int forwardLength, int backwardLength)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(trainer);
        if (forwardLength <= 0) throw new ArgumentException($"forwardLength must be positive, got {forwardLength}.", nameof(forwardLength));
        if (backwardLength <= 0 || backwardLength > forwardLength)
            throw new ArgumentException($"backwardLength must be in 1..forwardLength ({forwardLength}), got {backwardLength}.", nameof(backwardLength));
        if (tokens.Length != (long)totalSteps * batch || targets.Length != tokens.Length)
            throw new ArgumentException($"tokens and targets must both have T_total*B = {totalSteps}*{batch} values.", nameof(tokens));
        double weighted = 0;
        long counted = 0;
        for (int start = 0; start < totalSteps; start += forwardLength)
        {
            int len = Math.Min(forwardLength, totalSteps - start);
            var r = trainer.Train(tokens.Slice(start * batch, len * batch), targets.Slice(start * batch, len * batch),
                len, batch, Math.Min(backwardLength, len));
            trainer.Model.CarryState();
            weighted += r.Loss * r.Counted;
            counted += r.Counted;
        }
        return counted == 0 ? 0 : weighted / counted;
    }
}
