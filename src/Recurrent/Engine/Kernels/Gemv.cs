// Gemv: y (N) = x (K) · W (K,N) [+ y] for one row vector against a row-major (K,N) matrix — the batch-1
// product of sampling, with the weights stored transposed so that every step streams them once, row by row,
// broadcasting one x value against wide vectors of W (no horizontal sums). Scalar reference in the tests.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Recurrent.Kernels;

internal static class Gemv
{
    /// <summary>y (N) = x (K)·W (K,N) when not <paramref name="accumulate"/>, else y += x·W.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowTimesMatrix(ReadOnlySpan<float> x, ReadOnlySpan<float> w, Span<float> y, bool accumulate)
    {
        int k = x.Length, n = y.Length;
        if (w.Length < (long)k * n) throw new ArgumentException($"w has {w.Length} values; expected K*N = {k}*{n}.", nameof(w));
        if (!accumulate) y.Clear();
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j <= n - 64; j += 64)
            {
                var a0 = Vector512.LoadUnsafe(ref yr, (nuint)j);
                var a1 = Vector512.LoadUnsafe(ref yr, (nuint)(j + 16));
                var a2 = Vector512.LoadUnsafe(ref yr, (nuint)(j + 32));
                var a3 = Vector512.LoadUnsafe(ref yr, (nuint)(j + 48));
                for (int p = 0; p < k; p++)
                {
                    var xb = Vector512.Create(x[p]);
                    nuint row = (nuint)((long)p * n + j);
                    a0 = Vector512.FusedMultiplyAdd(xb, Vector512.LoadUnsafe(ref wr, row), a0);
                    a1 = Vector512.FusedMultiplyAdd(xb, Vector512.LoadUnsafe(ref wr, row + 16), a1);
                    a2 = Vector512.FusedMultiplyAdd(xb, Vector512.LoadUnsafe(ref wr, row + 32), a2);
                    a3 = Vector512.FusedMultiplyAdd(xb, Vector512.LoadUnsafe(ref wr, row + 48), a3);
                }
                a0.StoreUnsafe(ref yr, (nuint)j);
                a1.StoreUnsafe(ref yr, (nuint)(j + 16));
                a2.StoreUnsafe(ref yr, (nuint)(j + 32));
                a3.StoreUnsafe(ref yr, (nuint)(j + 48));
            }
        }
        if (Vector.IsHardwareAccelerated)
        {
            int w4 = 4 * Vector<float>.Count, vw = Vector<float>.Count;
            for (; j <= n - w4; j += w4)
            {
                var a0 = Vector.LoadUnsafe(ref yr, (nuint)j);
                var a1 = Vector.LoadUnsafe(ref yr, (nuint)(j + vw));
                var a2 = Vector.LoadUnsafe(ref yr, (nuint)(j + 2 * vw));
                var a3 = Vector.LoadUnsafe(ref yr, (nuint)(j + 3 * vw));
                for (int p = 0; p < k; p++)
                {
                    var xb = new Vector<float>(x[p]);
                    nuint row = (nuint)((long)p * n + j);
                    a0 += xb * Vector.LoadUnsafe(ref wr, row);
                    a1 += xb * Vector.LoadUnsafe(ref wr, row + (nuint)vw);
                    a2 += xb * Vector.LoadUnsafe(ref wr, row + (nuint)(2 * vw));
                    a3 += xb * Vector.LoadUnsafe(ref wr, row + (nuint)(3 * vw));
                }
                a0.StoreUnsafe(ref yr, (nuint)j);
                a1.StoreUnsafe(ref yr, (nuint)(j + vw));
                a2.StoreUnsafe(ref yr, (nuint)(j + 2 * vw));
                a3.StoreUnsafe(ref yr, (nuint)(j + 3 * vw));
            }
            for (; j <= n - vw; j += vw)
            {
                var a = Vector.LoadUnsafe(ref yr, (nuint)j);
                for (int p = 0; p < k; p++) a += new Vector<float>(x[p]) * Vector.LoadUnsafe(ref wr, (nuint)((long)p * n + j));
                a.StoreUnsafe(ref yr, (nuint)j);
            }
        }
        for (; j < n; j++)
        {
            float s = y[j];
            for (int p = 0; p < k; p++) s += x[p] * w[p * n + j];
            y[j] = s;
        }
    }

    /// <summary>Writes the transpose of the row-major (rows, cols) matrix src into dest (cols, rows).</summary>
    public static void Transpose(ReadOnlySpan<float> src, int rows, int cols, Span<float> dest)
    {
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) dest[c * rows + r] = src[r * cols + c];
    }
}
