// ScalarKernel: the last-resort micro-kernel for hardware (or a configuration, DOTNET_EnableHWIntrinsic=0) with no
// SIMD: rows × 4 floats, rows = 1..4, plain multiply-then-add (the JIT never contracts it into an FMA).
// Contract: C := (overwrite ? 0 : C) + Apanel·Bpanel on a full rows × NR tile (sum from zero, then added to C).
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Recurrent.Kernels;

/// <summary>Scalar micro-kernel, NR = 4.</summary>
internal static unsafe class ScalarKernel
{
    /// <summary>Columns per tile.</summary>
    public const int NR = 4;
    /// <summary>Largest row count the kernel is written for.</summary>
    public const int MaxRows = 4;

    /// <summary>C[0:rows, 0:NR] := (overwrite ? 0 : C) + Apanel·Bpanel, for one full tile (see Avx512Kernel.Run).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TRows>(int kc, float* a, float* b, float* c, nint ldc, bool overwrite) where TRows : struct, IRowCount
    {
        int rows = TRows.Value;
        Debug.Assert(rows >= 1 && rows <= MaxRows && kc >= 1);
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < kc; p++)
        {
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            float ai = a[0];
            c00 += ai * b0; c01 += ai * b1; c02 += ai * b2; c03 += ai * b3;
            if (rows > 1) { ai = a[1]; c10 += ai * b0; c11 += ai * b1; c12 += ai * b2; c13 += ai * b3; }
            if (rows > 2) { ai = a[2]; c20 += ai * b0; c21 += ai * b1; c22 += ai * b2; c23 += ai * b3; }
            if (rows > 3) { ai = a[3]; c30 += ai * b0; c31 += ai * b1; c32 += ai * b2; c33 += ai * b3; }
            a += rows;
            b += NR;
        }
        Store(c, overwrite, c00, c01, c02, c03);
        if (rows > 1) Store(c + ldc, overwrite, c10, c11, c12, c13);
        if (rows > 2) Store(c + 2 * ldc, overwrite, c20, c21, c22, c23);
        if (rows > 3) Store(c + 3 * ldc, overwrite, c30, c31, c32, c33);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, bool overwrite, float v0, float v1, float v2, float v3)
    {
        if (overwrite) { c[0] = v0; c[1] = v1; c[2] = v2; c[3] = v3; }
        else { c[0] += v0; c[1] += v1; c[2] += v2; c[3] += v3; }
    }
}
