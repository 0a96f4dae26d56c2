// Avx2Kernel: the AVX2/FMA micro-kernel, rows × 16 floats (2 ymm per row), rows = 1..6, as BLIS zen/haswell
// (MR = 6, NR = 16): 12 ymm accumulators + 2 B vectors + 1 broadcast = 15 of the 16 ymm registers.
// Contract: C := (overwrite ? 0 : C) + Apanel·Bpanel on a full rows × NR tile (sum from zero, then added to C).
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recurrent.Kernels;

/// <summary>AVX2 + FMA micro-kernel (Vector256), NR = 16.</summary>
internal static unsafe class Avx2Kernel
{
    /// <summary>Columns per tile: 2 vectors of 8 floats.</summary>
    public const int NR = 16;
    /// <summary>Largest row count the kernel is written for (its accumulators fill the register file).</summary>
    public const int MaxRows = 6;

    /// <summary>C[0:rows, 0:NR] := (overwrite ? 0 : C) + Apanel·Bpanel, for one full tile.</summary>
    /// <param name="kc">Depth (K of this block), at least 1.</param>
    /// <param name="a">Packed A sliver: kc groups of TRows floats (column p of the rows' A).</param>
    /// <param name="b">Packed B sliver: kc rows of NR = 16 floats.</param>
    /// <param name="c">Top-left of the rows × NR tile of C, row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C in floats.</param>
    /// <param name="overwrite">Write the product instead of adding it (first K block of a non-accumulating GEMM).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TRows>(int kc, float* a, float* b, float* c, nint ldc, bool overwrite) where TRows : struct, IRowCount
    {
        int rows = TRows.Value;
        Debug.Assert(Fma.IsSupported && Avx2.IsSupported && rows >= 1 && rows <= MaxRows && kc >= 1);
        // Bring the C tile towards L1 while the k loop runs (it is read and written only at the end).
        if (Sse.IsSupported)
        {
            float* cr = c;
            for (int r = 0; r < rows; r++, cr += ldc) { Sse.Prefetch0(cr); }
        }
        Vector256<float> c0_0 = default, c0_1 = default;
        Vector256<float> c1_0 = default, c1_1 = default;
        Vector256<float> c2_0 = default, c2_1 = default;
        Vector256<float> c3_0 = default, c3_1 = default;
        Vector256<float> c4_0 = default, c4_1 = default;
        Vector256<float> c5_0 = default, c5_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            Vector256<float> ai = Vector256.Create(a[0]);
            c0_0 = Fma.MultiplyAdd(ai, b0, c0_0); c0_1 = Fma.MultiplyAdd(ai, b1, c0_1);
            if (rows > 1) { ai = Vector256.Create(a[1]); c1_0 = Fma.MultiplyAdd(ai, b0, c1_0); c1_1 = Fma.MultiplyAdd(ai, b1, c1_1); }
            if (rows > 2) { ai = Vector256.Create(a[2]); c2_0 = Fma.MultiplyAdd(ai, b0, c2_0); c2_1 = Fma.MultiplyAdd(ai, b1, c2_1); }
            if (rows > 3) { ai = Vector256.Create(a[3]); c3_0 = Fma.MultiplyAdd(ai, b0, c3_0); c3_1 = Fma.MultiplyAdd(ai, b1, c3_1); }
            if (rows > 4) { ai = Vector256.Create(a[4]); c4_0 = Fma.MultiplyAdd(ai, b0, c4_0); c4_1 = Fma.MultiplyAdd(ai, b1, c4_1); }
            if (rows > 5) { ai = Vector256.Create(a[5]); c5_0 = Fma.MultiplyAdd(ai, b0, c5_0); c5_1 = Fma.MultiplyAdd(ai, b1, c5_1); }
            a += rows;
            b += NR;
        }
        Store(c, overwrite, c0_0, c0_1);
        if (rows > 1) Store(c + 1 * ldc, overwrite, c1_0, c1_1);
        if (rows > 2) Store(c + 2 * ldc, overwrite, c2_0, c2_1);
        if (rows > 3) Store(c + 3 * ldc, overwrite, c3_0, c3_1);
        if (rows > 4) Store(c + 4 * ldc, overwrite, c4_0, c4_1);
        if (rows > 5) Store(c + 5 * ldc, overwrite, c5_0, c5_1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, bool overwrite, Vector256<float> v0, Vector256<float> v1)
    {
        if (!overwrite)
        {
            v0 += Vector256.Load(c);
            v1 += Vector256.Load(c + 8);
        }
        v0.Store(c);
        v1.Store(c + 8);
    }
}
