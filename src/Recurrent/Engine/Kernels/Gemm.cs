// Gemm: row-major general matrix multiply, C (M,N) = op(A) (M,K) · op(B) (K,N) [+ C].
// The one product every layer is built on: input projections for all steps (NT), the per-step recurrent
// product (NT), dh through the recurrent weights (NN) and weight gradients over all steps (TN).
// This is the portable, vectorised (Vector<T>) implementation; it is exact in the sense that each output
// is a plain sum in a fixed order, so results are identical run to run. A packed, cache-blocked kernel
// replaces the float path in the speed work; this one stays as the reference and the double path.
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Recurrent.Kernels;

/// <summary>Whether a GEMM operand is used as stored or transposed.</summary>
internal enum Op { None, Transpose }

internal static class Gemm
{
    /// <summary>Below this many rows of C, float products use the unpacked loops (GEMV-like shapes).</summary>
    internal const int SmallM = 4;

    /// <summary>
    /// C (M,N) = op(A)·op(B), or C += op(A)·op(B) when <paramref name="accumulate"/>.
    /// A is stored (M,K) with row stride lda when <paramref name="opA"/> is None, else (K,M);
    /// B is stored (K,N) with row stride ldb when <paramref name="opB"/> is None, else (N,K).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public static void Multiply<T>(Op opA, Op opB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(m >= 0 && n >= 0 && k >= 0);
        // float products go to the packed, blocked kernel — except the tiny ones (a few rows: batch-1
        // sampling), where packing would cost more than the product and the dot-product loops stream the weights.
        if (typeof(T) == typeof(float) && m >= SmallM)
        {
            Sgemm.Multiply(opA, opB, m, n, k, MemoryMarshal.Cast<T, float>(a), lda, MemoryMarshal.Cast<T, float>(b), ldb,
                MemoryMarshal.Cast<T, float>(c), ldc, accumulate);
            return;
        }
        if (m == 0 || n == 0) return;
        if (!accumulate)
            for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
        if (k == 0) return;

        if (opA == Op.None && opB == Op.None)
        {
            // C[i,:] += A[i,p] * B[p,:]
            for (int i = 0; i < m; i++)
            {
                Span<T> crow = c.Slice(i * ldc, n);
                ReadOnlySpan<T> arow = a.Slice(i * lda, k);
                for (int p = 0; p < k; p++)
                    Axpy(arow[p], b.Slice(p * ldb, n), crow);
            }
        }
        else if (opA == Op.None && opB == Op.Transpose)
        {
            // C[i,j] += dot(A[i,:], B[j,:])
            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<T> arow = a.Slice(i * lda, k);
                Span<T> crow = c.Slice(i * ldc, n);
                for (int j = 0; j < n; j++)
                    crow[j] += Dot(arow, b.Slice(j * ldb, k));
            }
        }
        else if (opA == Op.Transpose && opB == Op.None)
        {
            // C[i,:] += A[p,i] * B[p,:]  (A stored (K,M))
            for (int i = 0; i < m; i++)
            {
                Span<T> crow = c.Slice(i * ldc, n);
                for (int p = 0; p < k; p++)
                    Axpy(a[p * lda + i], b.Slice(p * ldb, n), crow);
            }
        }
        else
        {
            // C[i,j] += sum_p A[p,i] * B[j,p]  (both transposed; not on any hot path)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    T s = T.Zero;
                    for (int p = 0; p < k; p++) s += a[p * lda + i] * b[j * ldb + p];
                    c[i * ldc + j] += s;
                }
        }
    }

    /// <summary>y += alpha * x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy<T>(T alpha, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(x.Length == y.Length);
        if (alpha == T.Zero) return;
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var va = new Vector<T>(alpha);
            ref T xr = ref MemoryMarshal.GetReference(x);
            ref T yr = ref MemoryMarshal.GetReference(y);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var vy = Vector.LoadUnsafe(ref yr, (nuint)i) + va * Vector.LoadUnsafe(ref xr, (nuint)i);
                vy.StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < x.Length; i++) y[i] += alpha * x[i];
    }

    /// <summary>Dot product with a fixed summation order (vector lanes, then lanes summed, then the tail).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(x.Length == y.Length);
        int i = 0;
        T s = T.Zero;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var acc = Vector<T>.Zero;
            ref T xr = ref MemoryMarshal.GetReference(x);
            ref T yr = ref MemoryMarshal.GetReference(y);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                acc += Vector.LoadUnsafe(ref xr, (nuint)i) * Vector.LoadUnsafe(ref yr, (nuint)i);
            s = Vector.Sum(acc);
        }
        for (; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }

    /// <summary>Adds each row of the (rows, n) matrix x into the length-n vector y (bias gradients).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public static void AddRowsInto<T>(ReadOnlySpan<T> x, int rows, int n, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++) Axpy(T.One, x.Slice(r * n, n), y);
    }

    /// <summary>Writes <paramref name="bias"/> into every row of the (rows, n) matrix y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public static void BroadcastRows<T>(ReadOnlySpan<T> bias, int rows, int n, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++) bias.CopyTo(y.Slice(r * n, n));
    }
}
