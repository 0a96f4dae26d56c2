// SoftmaxCrossEntropy: mean negative log-likelihood of integer targets under softmax(logits), fused with
// its gradient (softmax - onehot) / count, as torch.nn.CrossEntropyLoss(ignore_index=...) with mean reduction.
// Positions whose target equals the ignore index (padding) count neither in the loss nor in the mean.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Recurrent.Losses;

/// <summary>Softmax cross-entropy over rows of logits with an ignore index for masked positions.</summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>The default ignore index (PyTorch uses -100; any negative value is treated as ignored here).</summary>
    public const int IgnoreIndex = -1;

    /// <summary>
    /// Returns the mean loss over counted rows of logits (rows, classes) and writes dLogits (same shape) =
    /// (softmax - onehot) / count (zero on ignored rows). A target &lt; 0 marks an ignored row.
    /// With no counted rows the loss is 0 and the gradient zero. The loss is accumulated in double.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public static double LossAndGradient<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> targets, int classes,
        Span<T> dLogits, out int counted) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = targets.Length;
        if (classes <= 0) throw new ArgumentException($"classes must be positive, got {classes}.", nameof(classes));
        if (logits.Length != rows * classes)
            throw new ArgumentException($"logits has {logits.Length} values; expected rows*classes = {rows}*{classes}.", nameof(logits));
        counted = 0;
        for (int r = 0; r < rows; r++)
        {
            int y = targets[r];
            if (y >= classes)
                throw new ArgumentException($"Target {y} at row {r} is outside [0, {classes}).", nameof(targets));
            if (y >= 0) counted++;
        }
        if (!dLogits.IsEmpty) dLogits.Slice(0, rows * classes).Clear();
        if (counted == 0) return 0;

        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
            return RowsVector(MemoryMarshal.Cast<T, float>(logits), targets, classes, MemoryMarshal.Cast<T, float>(dLogits), counted);

        double total = 0;
        T invCount = T.One / T.CreateChecked(counted);
        for (int r = 0; r < rows; r++)
        {
            int y = targets[r];
            if (y < 0) continue;
            ReadOnlySpan<T> z = logits.Slice(r * classes, classes);
            T max = z[0];
            for (int j = 1; j < classes; j++) if (z[j] > max) max = z[j];
            T sum = T.Zero;
            for (int j = 0; j < classes; j++) sum += T.Exp(z[j] - max);
            T logSum = T.Log(sum);
            total += double.CreateChecked(logSum - (z[y] - max));
            if (!dLogits.IsEmpty)
            {
                Span<T> d = dLogits.Slice(r * classes, classes);
                for (int j = 0; j < classes; j++) d[j] = T.Exp(z[j] - max - logSum) * invCount;
                d[y] -= invCount;
            }
        }
        return total / counted;
    }

    // The float path with vectors: one exp per logit (kept in dLogits), the row's sum, then one scale, so
    // d_j = exp(z_j - max) / sum / count — the same value as the scalar exp(z_j - max - log sum) / count.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double RowsVector(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int classes, Span<float> dLogits, int counted)
    {
        int w = Vector<float>.Count;
        bool gradient = !dLogits.IsEmpty;
        float invCount = 1f / counted;
        double total = 0;
        for (int r = 0; r < targets.Length; r++)
        {
            int y = targets[r];
            if (y < 0) continue;
            ReadOnlySpan<float> z = logits.Slice(r * classes, classes);
            Span<float> d = gradient ? dLogits.Slice(r * classes, classes) : Span<float>.Empty;

            int j = 0;
            float max = z[0];
            if (classes >= w)
            {
                var vmax = new Vector<float>(z);
                for (j = w; j <= classes - w; j += w) vmax = Vector.Max(vmax, new Vector<float>(z.Slice(j)));
                for (int l = 0; l < w; l++) max = MathF.Max(max, vmax[l]);
            }
            for (; j < classes; j++) max = MathF.Max(max, z[j]);

            var shift = new Vector<float>(max);
            var vsum = Vector<float>.Zero;
            for (j = 0; j <= classes - w; j += w)
            {
                var e = Vector.Exp(new Vector<float>(z.Slice(j)) - shift);
                vsum += e;
                if (gradient) e.CopyTo(d.Slice(j));
            }
            float sum = Vector.Sum(vsum);
            for (; j < classes; j++)
            {
                float e = MathF.Exp(z[j] - max);
                sum += e;
                if (gradient) d[j] = e;
            }
            total += MathF.Log(sum) - (z[y] - max);
            if (gradient)
            {
                float scale = invCount / sum;
                var vscale = new Vector<float>(scale);
                for (j = 0; j <= classes - w; j += w) (new Vector<float>(d.Slice(j)) * vscale).CopyTo(d.Slice(j));
                for (; j < classes; j++) d[j] *= scale;
                d[y] -= invCount;
            }
        }
        return total / counted;
    }
}
