// MeanSquaredError: mean of (prediction - target)^2 over counted rows and all their features, as
// torch.nn.MSELoss with mean reduction when every row counts; a row mask (0 = padding) removes rows
// from both the sum and the count.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recurrent.Losses;

/// <summary>Mean squared error with an optional per-row mask.</summary>
public static class MeanSquaredError
{
    /// <summary>
    /// Returns Σ_counted (p - y)² / (counted·features) and writes dPrediction = 2(p - y)/(counted·features)
    /// (zero on masked rows). predictions and targets are (rows, features); mask is (rows) with 0 for rows
    /// that do not count and 1 for rows that do, or empty when all count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public static double LossAndGradient<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, int features,
        ReadOnlySpan<T> mask, Span<T> dPredictions, out int counted) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (features <= 0) throw new ArgumentException($"features must be positive, got {features}.", nameof(features));
        if (predictions.Length != targets.Length || predictions.Length % features != 0)
            throw new ArgumentException($"predictions ({predictions.Length}) and targets ({targets.Length}) must both be rows*{features}.", nameof(targets));
        int rows = predictions.Length / features;
        if (!mask.IsEmpty && mask.Length != rows)
            throw new ArgumentException($"mask has {mask.Length} values; expected one per row ({rows}).", nameof(mask));
        counted = 0;
        for (int r = 0; r < rows; r++) if (mask.IsEmpty || mask[r] != T.Zero) counted++;
        if (!dPredictions.IsEmpty) dPredictions.Slice(0, predictions.Length).Clear();
        if (counted == 0) return 0;

        double n = (double)counted * features;
        T scale = T.CreateChecked(2.0 / n);
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            if (!mask.IsEmpty && mask[r] == T.Zero) continue;
            for (int j = r * features; j < (r + 1) * features; j++)
            {
                T diff = predictions[j] - targets[j];
                total += double.CreateChecked(diff * diff);
                if (!dPredictions.IsEmpty) dPredictions[j] = scale * diff;
            }
        }
        return total / n;
    }
}
