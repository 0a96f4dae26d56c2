// LayerNormRows: layer normalisation over each row of a (rows, N) block, without the affine part (the callers own
// their gains and biases: a cell's gate gains, its cell gain and bias). As torch.nn.functional.layer_norm with the
// biased variance and ε = 1e-5: v̂ = (v − mean(v)) / sqrt(var(v) + ε). The mean and variance are summed in double,
// so float rows of any width lose nothing to the sum's order. Forward keeps 1/sqrt(var + ε) per row for backward.
// Backward is the usual closed form: dv = rstd · (dv̂ − mean(dv̂) − v̂ · mean(dv̂ ⊙ v̂)).
// Each function has the scalar reference (any T) and a Vector<float> path (the sums widened to Vector<double>); tests
// compare them.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Recurrent.Kernels;

internal static class LayerNormRows
{
    /// <summary>ε added to the variance, as torch.nn.LayerNorm's default.</summary>
    public const double Epsilon = 1e-5;

    /// <summary>
    /// v (rows, N) → normalized (rows, N) (may be v itself) and rstd (rows) = 1/sqrt(var + ε).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public static void Forward<T>(ReadOnlySpan<T> v, int rows, int n, Span<T> normalized, Span<T> rstd, bool scalar = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!scalar && Vectorised<T>()) { ForwardVector(F(v), rows, n, F(normalized), F(rstd)); return; }
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
    public static void Backward<T>(ReadOnlySpan<T> dNormalized, ReadOnlySpan<T> normalized, ReadOnlySpan<T> rstd, int rows, int n, Span<T> dv,
        bool scalar = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!scalar && Vectorised<T>()) { BackwardVector(F(dNormalized), F(normalized), F(rstd), rows, n, F(dv)); return; }
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
            int j = 0;
            if (Vectorised<T>())
            {
                ReadOnlySpan<float> yf = F(y), gf = F(gain);
                Span<float> df = F(d);
                for (; j <= n - W; j += W)
                {
                    var v = new Vector<float>(gf.Slice(j)) * new Vector<float>(yf.Slice(j));
                    (accumulate ? new Vector<float>(df.Slice(j)) + v : v).CopyTo(df.Slice(j));
                }
            }
            if (accumulate) for (; j < n; j++) d[j] += gain[j] * y[j];
            else for (; j < n; j++) d[j] = gain[j] * y[j];
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
            int j = 0;
            if (Vectorised<T>())
            {
                ReadOnlySpan<float> df = F(d), yf = F(y), gf = F(gain);
                Span<float> dgf = F(dGain), dnf = F(dn);
                for (; j <= n - W; j += W)
                {
                    var g = new Vector<float>(df.Slice(j));
                    (new Vector<float>(dgf.Slice(j)) + g * new Vector<float>(yf.Slice(j))).CopyTo(dgf.Slice(j));
                    (g * new Vector<float>(gf.Slice(j))).CopyTo(dnf.Slice(j));
                }
            }
            for (; j < n; j++)
            {
                T g = d[j];
                dGain[j] += g * y[j];
                dn[j] = g * gain[j];
            }
        }
    }

    private static int W => Vector<float>.Count;
    private static bool Vectorised<T>() => typeof(T) == typeof(float) && Vector.IsHardwareAccelerated;
    private static ReadOnlySpan<float> F<T>(ReadOnlySpan<T> s) where T : unmanaged => MemoryMarshal.Cast<T, float>(s);
    private static Span<float> F<T>(Span<T> s) where T : unmanaged => MemoryMarshal.Cast<T, float>(s);

    // Σ x (and Σ x·y when y is not empty) over a float row, in double lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (double Sum, double Products) Sums(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        var sum = Vector<double>.Zero;
        var products = Vector<double>.Zero;
        bool both = !y.IsEmpty;
        int j = 0, n = x.Length;
        for (; j <= n - W; j += W)
        {
            Vector.Widen(new Vector<float>(x.Slice(j)), out var xl, out var xh);
            sum += xl + xh;
            if (both)
            {
                Vector.Widen(new Vector<float>(y.Slice(j)), out var yl, out var yh);
                products += xl * yl + xh * yh;
            }
        }
        double s = Vector.Sum(sum), p = both ? Vector.Sum(products) : 0;
        for (; j < n; j++) { s += x[j]; if (both) p += (double)x[j] * y[j]; }
        return (s, p);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    private static void ForwardVector(ReadOnlySpan<float> v, int rows, int n, Span<float> normalized, Span<float> rstd)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = v.Slice(r * n, n);
            double mean = Sums(row, default).Sum / n;
            var meanLanes = new Vector<double>(mean);
            var squares = Vector<double>.Zero;
            int j = 0;
            for (; j <= n - W; j += W)
            {
                Vector.Widen(new Vector<float>(row.Slice(j)), out var lo, out var hi);
                lo -= meanLanes; hi -= meanLanes;
                squares += lo * lo + hi * hi;
            }
            double sq = Vector.Sum(squares);
            for (; j < n; j++) { double d = row[j] - mean; sq += d * d; }
            float s = (float)(1.0 / Math.Sqrt(sq / n + Epsilon)), m = (float)mean;
            Span<float> dest = normalized.Slice(r * n, n);
            var ms = new Vector<float>(m);
            var ss = new Vector<float>(s);
            for (j = 0; j <= n - W; j += W) ((new Vector<float>(row.Slice(j)) - ms) * ss).CopyTo(dest.Slice(j));
            for (; j < n; j++) dest[j] = (row[j] - m) * s;
            rstd[r] = s;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    private static void BackwardVector(ReadOnlySpan<float> dNormalized, ReadOnlySpan<float> normalized, ReadOnlySpan<float> rstd, int rows, int n, Span<float> dv)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> dy = dNormalized.Slice(r * n, n), y = normalized.Slice(r * n, n);
            var (sumDy, sumDyY) = Sums(dy, y);
            float meanDy = (float)(sumDy / n), meanDyY = (float)(sumDyY / n), s = rstd[r];
            Span<float> dest = dv.Slice(r * n, n);
            var md = new Vector<float>(meanDy);
            var mdy = new Vector<float>(meanDyY);
            var ss = new Vector<float>(s);
            int j = 0;
            for (; j <= n - W; j += W)
                (ss * (new Vector<float>(dy.Slice(j)) - md - new Vector<float>(y.Slice(j)) * mdy)).CopyTo(dest.Slice(j));
            for (; j < n; j++) dest[j] = s * (dy[j] - meanDy - y[j] * meanDyY);
        }
    }
}
