// LayerNormRows: layer normalisation over each row of a (rows, N) block, without the affine part (the callers own
// their gains and biases: a cell's gate gains, its cell gain and bias). As torch.nn.functional.layer_norm with the
// biased variance and ε = 1e-5: v̂ = (v − mean(v)) / sqrt(var(v) + ε). The mean and variance are summed in double,
// so float rows of any width lose nothing to the sum's order. Forward keeps 1/sqrt(var + ε) per row for backward.
// Backward is the usual closed form: dv = rstd · (dv̂ − mean(dv̂) − v̂ · mean(dv̂ ⊙ v̂)).
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recurrent.Kernels;

internal static class LayerNormRows
{
    /// <summary>ε added to the variance, as torch.nn.LayerNorm's default.</summary>
    public const double Epsilon = 1e-5;

    /// <summary>
    /// v (rows, N) → normalized (rows, N) (may be v itself) and rstd (rows) = 1/sqrt(var + ε).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public static void Forward<T>(ReadOnlySpan<T> v, int rows, int n, Span<T> normalized, Span<T> rstd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> row = v.Slice(r * n, n);
            double sum = 0;
            for (int j = 0; j < n; j++) sum += double.CreateTruncating(row[j]);
            double mean = sum / n, squares = 0;
            for (int j = 0; j < n; j++)
            {
                double d = double.CreateTruncating(row[j]) - mean;
                squares += d * d;
            }
            double inv = 1.0 / Math.Sqrt(squares / n + Epsilon);
            Span<T> dest = normalized.Slice(r * n, n);
            T m = T.CreateTruncating(mean), s = T.CreateTruncating(inv);
            for (int j = 0; j < n; j++) dest[j] = (row[j] - m) * s;
            rstd[r] = s;
        }
    }

    /// <summary>
    /// Given dNormalized (rows, N) = ∂L/∂v̂ (the gain already applied), the forward's normalized rows and rstd, writes
    /// dv (rows, N) = ∂L/∂v; dv may be dNormalized itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public static void Backward<T>(ReadOnlySpan<T> dNormalized, ReadOnlySpan<T> normalized, ReadOnlySpan<T> rstd, int rows, int n, Span<T> dv)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> dy = dNormalized.Slice(r * n, n), y = normalized.Slice(r * n, n);
            double sumDy = 0, sumDyY = 0;
            for (int j = 0; j < n; j++)
            {
                double d = double.CreateTruncating(dy[j]);
                sumDy += d;
                sumDyY += d * double.CreateTruncating(y[j]);
            }
            T meanDy = T.CreateTruncating(sumDy / n), meanDyY = T.CreateTruncating(sumDyY / n), s = rstd[r];
            Span<T> dest = dv.Slice(r * n, n);
            for (int j = 0; j < n; j++) dest[j] = s * (dy[j] - meanDy - y[j] * meanDyY);
        }
    }

    /// <summary>dest (rows, N) = gain ⊙ normalized (+ the rows already in dest when <paramref name="accumulate"/>).</summary>
    public static void Scale<T>(ReadOnlySpan<T> normalized, ReadOnlySpan<T> gain, int rows, int n, Span<T> dest, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> y = normalized.Slice(r * n, n);
            Span<T> d = dest.Slice(r * n, n);
            if (accumulate) for (int j = 0; j < n; j++) d[j] += gain[j] * y[j];
            else for (int j = 0; j < n; j++) d[j] = gain[j] * y[j];
        }
    }

    /// <summary>
    /// The gain's side of backward for dOut (rows, N) = ∂L/∂(gain ⊙ v̂): adds Σ_rows dOut ⊙ v̂ into dGain and writes
    /// dNormalized = dOut ⊙ gain (may be dOut itself).
    /// </summary>
    public static void BackwardGain<T>(ReadOnlySpan<T> dOut, ReadOnlySpan<T> normalized, ReadOnlySpan<T> gain, int rows, int n,
        Span<T> dGain, Span<T> dNormalized) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> d = dOut.Slice(r * n, n), y = normalized.Slice(r * n, n);
            Span<T> dn = dNormalized.Slice(r * n, n);
            for (int j = 0; j < n; j++)
            {
                T g = d[j];
                dGain[j] += g * y[j];
                dn[j] = g * gain[j];
            }
        }
    }
}
