// PinballLoss: the quantile (pinball) loss for probabilistic forecasting, fused with its gradient: the mean over
// every (value, quantile) pair of ρ_q(y − p), ρ_q(u) = max(q·u, (q − 1)·u), as PyTorch-Forecasting's QuantileLoss
// with mean reduction. Minimising it over a constant p gives the q-quantile of y (Koenker & Bassett, 1978).
// Not masked: every value counts.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recurrent.Losses;

/// <summary>The pinball (quantile) loss over Q quantile levels per target value.</summary>
public static class PinballLoss
{
    /// <summary>
    /// Returns Σ_i Σ_j ρ_{q_j}(y_i − p_{i,j}) / (N·Q) with ρ_q(u) = max(q·u, (q − 1)·u), accumulated in double, and,
    /// unless <paramref name="dPredictions"/> is empty, writes dL/dp_{i,j} = (1 − q_j)/(N·Q) where p &gt; y,
    /// −q_j/(N·Q) where p &lt; y, and 0 where p == y (the subgradient 0 at the kink, which lies in
    /// [−q, 1 − q]; PyTorch autograd of max() would give (½ − q)/(N·Q) there).
    /// </summary>
    /// <param name="predictions">(N, Q) row-major: value i's Q predictions are predictions[i·Q .. i·Q + Q), quantile innermost.</param>
    /// <param name="targets">(N) the observed values.</param>
    /// <param name="quantiles">(Q) the levels, each strictly inside (0, 1), strictly increasing.</param>
    /// <param name="dPredictions">(N, Q) like predictions, overwritten; or empty to compute the loss only.</param>
    /// <remarks>A NaN prediction or target makes the loss NaN (its gradient entry is 0).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public static double LossAndGradient<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, ReadOnlySpan<double> quantiles,
        Span<T> dPredictions) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(quantiles);
        int q = quantiles.Length, n = targets.Length;
        if (n == 0) throw new ArgumentException("targets is empty; the pinball loss needs at least one value.", nameof(targets));
        if (predictions.Length != (long)n * q)
            throw new ArgumentException($"predictions has {predictions.Length} values; expected targets*quantiles = {n}*{q} = {(long)n * q}.", nameof(predictions));
        if (!dPredictions.IsEmpty && dPredictions.Length != predictions.Length)
            throw new ArgumentException($"dPredictions has {dPredictions.Length} values; expected {predictions.Length} (the predictions' shape) or none.", nameof(dPredictions));

        double count = (double)n * q;
        bool gradient = !dPredictions.IsEmpty;
        double total = 0;
        for (int i = 0; i < n; i++)                            // value i: target y, predictions (Q) at i·Q
        {
            double y = double.CreateChecked(targets[i]);
            int row = i * q;
            for (int j = 0; j < q; j++)
            {
                double level = quantiles[j];
                double u = y - double.CreateChecked(predictions[row + j]);   // u = y − p
                total += u >= 0 ? level * u : (level - 1) * u;               // ρ_q(u) = max(q·u, (q − 1)·u)
                if (gradient)                                                // dρ/dp = −dρ/du: −q for u > 0, 1 − q for u < 0
                    dPredictions[row + j] = u > 0 ? T.CreateChecked(-level / count)
                        : u < 0 ? T.CreateChecked((1 - level) / count) : T.Zero;
            }
        }
        return total / count;
    }

    /// <summary>Throws unless <paramref name="quantiles"/> is non-empty, each level strictly inside (0, 1) and strictly increasing.</summary>
    public static void Validate(ReadOnlySpan<double> quantiles)
    {
        if (quantiles.IsEmpty) throw new ArgumentException("quantiles is empty; give at least one level in (0, 1).", nameof(quantiles));
        for (int j = 0; j < quantiles.Length; j++)
        {
            double level = quantiles[j];
            if (!(level > 0 && level < 1)) // also rejects NaN
                throw new ArgumentException($"Quantile {level} at index {j} is outside (0, 1).", nameof(quantiles));
            if (j > 0 && !(level > quantiles[j - 1]))
                throw new ArgumentException($"Quantiles must be strictly increasing; {level} at index {j} follows {quantiles[j - 1]}.", nameof(quantiles));
        }
    }
}
