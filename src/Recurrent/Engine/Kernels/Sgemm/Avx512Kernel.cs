// Avx512Kernel: the AVX-512 micro-kernel, rows × 32 floats (2 zmm per row), rows = 1..14, FMA with the A element
// broadcast. 2·rows zmm accumulators + 2 B vectors + 1 broadcast fit the 32 zmm registers up to 14 rows; per k step:
// 2 B loads, rows broadcasts, 2·rows FMAs. The driver's main tile is MR × 32 with MR = 8 (BlockSizes.Avx512: 6..14
// rows all reach the FMA peak in L1, 8 was level with or ahead of 12 in whole GEMMs); smaller row counts serve the
// last rows of M. The C tile is prefetched before the k loop.
// Contract (one line, as BLIS): C := (overwrite ? 0 : C) + Apanel·Bpanel on a full rows × NR tile; the sum over
// k starts from zero and is added to C once, so every tile (full, edge via a temporary, any thread) rounds alike.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recurrent.Kernels;

/// <summary>AVX-512F micro-kernel (Vector512, FMA), NR = 32.</summary>
internal static unsafe class Avx512Kernel
{
    /// <summary>Columns per tile: 2 vectors of 16 floats.</summary>
    public const int NR = 32;
    /// <summary>Largest row count the kernel is written for (its accumulators fill the register file).</summary>
    public const int MaxRows = 14;

    /// <summary>C[0:rows, 0:NR] := (overwrite ? 0 : C) + Apanel·Bpanel, for one full tile.</summary>
    /// <param name="kc">Depth (K of this block), at least 1.</param>
    /// <param name="a">Packed A sliver: kc groups of TRows floats (column p of the rows' A).</param>
    /// <param name="b">Packed B sliver: kc rows of NR = 32 floats.</param>
    /// <param name="c">Top-left of the rows × NR tile of C, row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C in floats.</param>
    /// <param name="overwrite">Write the product instead of adding it (first K block of a non-accumulating GEMM).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TRows>(int kc, float* a, float* b, float* c, nint ldc, bool overwrite) where TRows : struct, IRowCount
    {
        int rows = TRows.Value;
        Debug.Assert(Avx512F.IsSupported && rows >= 1 && rows <= MaxRows && kc >= 1);
        // Bring the C tile towards L1 while the k loop runs (it is read and written only at the end).
        if (Sse.IsSupported)
        {
            float* cr = c;
            for (int r = 0; r < rows; r++, cr += ldc) { Sse.Prefetch0(cr); Sse.Prefetch0(cr + 16); }
        }
        Vector512<float> c0_0 = default, c0_1 = default;
        Vector512<float> c1_0 = default, c1_1 = default;
        Vector512<float> c2_0 = default, c2_1 = default;
        Vector512<float> c3_0 = default, c3_1 = default;
        Vector512<float> c4_0 = default, c4_1 = default;
        Vector512<float> c5_0 = default, c5_1 = default;
        Vector512<float> c6_0 = default, c6_1 = default;
        Vector512<float> c7_0 = default, c7_1 = default;
        Vector512<float> c8_0 = default, c8_1 = default;
        Vector512<float> c9_0 = default, c9_1 = default;
        Vector512<float> c10_0 = default, c10_1 = default;
        Vector512<float> c11_0 = default, c11_1 = default;
        Vector512<float> c12_0 = default, c12_1 = default;
        Vector512<float> c13_0 = default, c13_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> ai = Vector512.Create(a[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(ai, b0, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(ai, b1, c0_1);
            if (rows > 1) { ai = Vector512.Create(a[1]); c1_0 = Avx512F.FusedMultiplyAdd(ai, b0, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(ai, b1, c1_1); }
            if (rows > 2) { ai = Vector512.Create(a[2]); c2_0 = Avx512F.FusedMultiplyAdd(ai, b0, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(ai, b1, c2_1); }
            if (rows > 3) { ai = Vector512.Create(a[3]); c3_0 = Avx512F.FusedMultiplyAdd(ai, b0, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(ai, b1, c3_1); }
            if (rows > 4) { ai = Vector512.Create(a[4]); c4_0 = Avx512F.FusedMultiplyAdd(ai, b0, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(ai, b1, c4_1); }
            if (rows > 5) { ai = Vector512.Create(a[5]); c5_0 = Avx512F.FusedMultiplyAdd(ai, b0, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(ai, b1, c5_1); }
            if (rows > 6) { ai = Vector512.Create(a[6]); c6_0 = Avx512F.FusedMultiplyAdd(ai, b0, c6_0); c6_1 = Avx512F.FusedMultiplyAdd(ai, b1, c6_1); }
            if (rows > 7) { ai = Vector512.Create(a[7]); c7_0 = Avx512F.FusedMultiplyAdd(ai, b0, c7_0); c7_1 = Avx512F.FusedMultiplyAdd(ai, b1, c7_1); }
            if (rows > 8) { ai = Vector512.Create(a[8]); c8_0 = Avx512F.FusedMultiplyAdd(ai, b0, c8_0); c8_1 = Avx512F.FusedMultiplyAdd(ai, b1, c8_1); }
            if (rows > 9) { ai = Vector512.Create(a[9]); c9_0 = Avx512F.FusedMultiplyAdd(ai, b0, c9_0); c9_1 = Avx512F.FusedMultiplyAdd(ai, b1, c9_1); }
            if (rows > 10) { ai = Vector512.Create(a[10]); c10_0 = Avx512F.FusedMultiplyAdd(ai, b0, c10_0); c10_1 = Avx512F.FusedMultiplyAdd(ai, b1, c10_1); }
            if (rows > 11) { ai = Vector512.Create(a[11]); c11_0 = Avx512F.FusedMultiplyAdd(ai, b0, c11_0); c11_1 = Avx512F.FusedMultiplyAdd(ai, b1, c11_1); }
            if (rows > 12) { ai = Vector512.Create(a[12]); c12_0 = Avx512F.FusedMultiplyAdd(ai, b0, c12_0); c12_1 = Avx512F.FusedMultiplyAdd(ai, b1, c12_1); }
            if (rows > 13) { ai = Vector512.Create(a[13]); c13_0 = Avx512F.FusedMultiplyAdd(ai, b0, c13_0); c13_1 = Avx512F.FusedMultiplyAdd(ai, b1, c13_1); }
            a += rows;
            b += NR;
        }
        Store(c, overwrite, c0_0, c0_1);
        if (rows > 1) Store(c + 1 * ldc, overwrite, c1_0, c1_1);
        if (rows > 2) Store(c + 2 * ldc, overwrite, c2_0, c2_1);
        if (rows > 3) Store(c + 3 * ldc, overwrite, c3_0, c3_1);
        if (rows > 4) Store(c + 4 * ldc, overwrite, c4_0, c4_1);
        if (rows > 5) Store(c + 5 * ldc, overwrite, c5_0, c5_1);
        if (rows > 6) Store(c + 6 * ldc, overwrite, c6_0, c6_1);
        if (rows > 7) Store(c + 7 * ldc, overwrite, c7_0, c7_1);
        if (rows > 8) Store(c + 8 * ldc, overwrite, c8_0, c8_1);
        if (rows > 9) Store(c + 9 * ldc, overwrite, c9_0, c9_1);
        if (rows > 10) Store(c + 10 * ldc, overwrite, c10_0, c10_1);
        if (rows > 11) Store(c + 11 * ldc, overwrite, c11_0, c11_1);
        if (rows > 12) Store(c + 12 * ldc, overwrite, c12_0, c12_1);
        if (rows > 13) Store(c + 13 * ldc, overwrite, c13_0, c13_1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, bool overwrite, Vector512<float> v0, Vector512<float> v1)
    {
        if (!overwrite)
        {
            v0 += Vector512.Load(c);
            v1 += Vector512.Load(c + 16);
        }
        v0.Store(c);
        v1.Store(c + 16);
    }
}
