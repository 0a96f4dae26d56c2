// Vector128Kernel: the portable SIMD micro-kernel (SSE on x64, AdvSimd on Arm64), rows × 8 floats (2 vectors per
// row), rows = 1..4. MultiplyAddEstimate fuses where the hardware has FMA and multiplies-then-adds elsewhere; either
// way each run of the same build on the same machine rounds identically. 8 accumulators + 2 B + 1 A + 1 temporary
// stay well inside the 16 xmm registers of SSE-only x64.
// Contract: C := (overwrite ? 0 : C) + Apanel·Bpanel on a full rows × NR tile (sum from zero, then added to C).
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Recurrent.Kernels;

/// <summary>Portable Vector128 micro-kernel, NR = 8.</summary>
internal static unsafe class Vector128Kernel
{
    /// <summary>Columns per tile: 2 vectors of 4 floats.</summary>
    public const int NR = 8;
    /// <summary>Largest row count the kernel is written for (its accumulators fill the register file).</summary>
    public const int MaxRows = 4;

    /// <summary>C[0:rows, 0:NR] := (overwrite ? 0 : C) + Apanel·Bpanel, for one full tile.</summary>
    /// <param name="kc">Depth (K of this block), at least 1.</param>
    /// <param name="a">Packed A sliver: kc groups of TRows floats (column p of the rows' A).</param>
    /// <param name="b">Packed B sliver: kc rows of NR = 8 floats.</param>
    /// <param name="c">Top-left of the rows × NR tile of C, row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C in floats.</param>
    /// <param name="overwrite">Write the product instead of adding it (first K block of a non-accumulating GEMM).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TRows>(int kc, float* a, float* b, float* c, nint ldc, bool overwrite) where TRows : struct, IRowCount
    {
        int rows = TRows.Value;
        Debug.Assert(rows >= 1 && rows <= MaxRows && kc >= 1);
        Vector128<float> c0_0 = default, c0_1 = default;
        Vector128<float> c1_0 = default, c1_1 = default;
        Vector128<float> c2_0 = default, c2_1 = default;
        Vector128<float> c3_0 = default, c3_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b), b1 = Vector128.Load(b + 4);
            Vector128<float> ai = Vector128.Create(a[0]);
            c0_0 = Vector128.MultiplyAddEstimate(ai, b0, c0_0); c0_1 = Vector128.MultiplyAddEstimate(ai, b1, c0_1);
            if (rows > 1) { ai = Vector128.Create(a[1]); c1_0 = Vector128.MultiplyAddEstimate(ai, b0, c1_0); c1_1 = Vector128.MultiplyAddEstimate(ai, b1, c1_1); }
            if (rows > 2) { ai = Vector128.Create(a[2]); c2_0 = Vector128.MultiplyAddEstimate(ai, b0, c2_0); c2_1 = Vector128.MultiplyAddEstimate(ai, b1, c2_1); }
            if (rows > 3) { ai = Vector128.Create(a[3]); c3_0 = Vector128.MultiplyAddEstimate(ai, b0, c3_0); c3_1 = Vector128.MultiplyAddEstimate(ai, b1, c3_1); }
            a += rows;
            b += NR;
        }
        Store(c, overwrite, c0_0, c0_1);
        if (rows > 1) Store(c + 1 * ldc, overwrite, c1_0, c1_1);
        if (rows > 2) Store(c + 2 * ldc, overwrite, c2_0, c2_1);
        if (rows > 3) Store(c + 3 * ldc, overwrite, c3_0, c3_1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, bool overwrite, Vector128<float> v0, Vector128<float> v1)
    {
        if (!overwrite)
        {
            v0 += Vector128.Load(c);
            v1 += Vector128.Load(c + 4);
        }
        v0.Store(c);
        v1.Store(c + 4);
    }
}
