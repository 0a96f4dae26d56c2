// MicroKernel: the four micro-kernels (AVX-512, AVX2/FMA, portable Vector128, scalar) as data the driver picks
// from: kind, block sizes and one function pointer per row count 1..MR. Selection takes the widest kernel the
// hardware (and the DOTNET_Enable* settings) supports; tests force a kernel per thread with Sgemm.ForcedKernel.
// This file knows nothing about loops or packing; see Sgemm.cs and Packing.cs.
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using X86 = System.Runtime.Intrinsics.X86;

namespace Recurrent.Kernels;

/// <summary>Which micro-kernel a GEMM runs on.</summary>
internal enum SgemmKernelKind { Scalar, Vector128, Avx2, Avx512 }

/// <summary>A micro-kernel: C[0:r, 0:NR] := (overwrite ? 0 : C) + Apanel·Bpanel for r = 1..MR.</summary>
internal sealed unsafe class MicroKernel
{
    private readonly delegate*<int, float*, float*, float*, nint, bool, void>[] _byRows;

    private MicroKernel(SgemmKernelKind kind, BlockSizes blocks, delegate*<int, float*, float*, float*, nint, bool, void>[] byRows)
    {
        Kind = kind;
        _byRows = byRows;
        Blocks = blocks;
    }

    public SgemmKernelKind Kind { get; }

    /// <summary>Register and cache blocking (settable only for tuning runs; MR must stay within the kernel's rows).</summary>
    public BlockSizes Blocks
    {
        get;
        internal set
        {
            if (value.MR < 1 || value.MR >= _byRows.Length || value.MC % value.MR != 0 || value.KC < 1 || value.NC % value.NR != 0)
                throw new ArgumentException($"Invalid block sizes {value} for the {Kind} kernel.", nameof(value));
            field = value;
        }
    }

    /// <summary>The kernel for a tile of <paramref name="rows"/> rows (1..MR).</summary>
    public delegate*<int, float*, float*, float*, nint, bool, void> ForRows(int rows) => _byRows[rows];

    public static readonly MicroKernel Avx512 = new(SgemmKernelKind.Avx512, BlockSizes.Avx512,
    [
        null, &Avx512Kernel.Run<Rows1>, &Avx512Kernel.Run<Rows2>, &Avx512Kernel.Run<Rows3>, &Avx512Kernel.Run<Rows4>,
        &Avx512Kernel.Run<Rows5>, &Avx512Kernel.Run<Rows6>, &Avx512Kernel.Run<Rows7>, &Avx512Kernel.Run<Rows8>,
        &Avx512Kernel.Run<Rows9>, &Avx512Kernel.Run<Rows10>, &Avx512Kernel.Run<Rows11>, &Avx512Kernel.Run<Rows12>,
        &Avx512Kernel.Run<Rows13>, &Avx512Kernel.Run<Rows14>,
    ]);

    public static readonly MicroKernel Avx2 = new(SgemmKernelKind.Avx2, BlockSizes.Avx2,
    [
        null, &Avx2Kernel.Run<Rows1>, &Avx2Kernel.Run<Rows2>, &Avx2Kernel.Run<Rows3>, &Avx2Kernel.Run<Rows4>,
        &Avx2Kernel.Run<Rows5>, &Avx2Kernel.Run<Rows6>,
    ]);

    public static readonly MicroKernel Vector128 = new(SgemmKernelKind.Vector128, BlockSizes.Vector128,
    [
        null, &Vector128Kernel.Run<Rows1>, &Vector128Kernel.Run<Rows2>, &Vector128Kernel.Run<Rows3>, &Vector128Kernel.Run<Rows4>,
    ]);

    public static readonly MicroKernel Scalar = new(SgemmKernelKind.Scalar, BlockSizes.Scalar,
    [
        null, &ScalarKernel.Run<Rows1>, &ScalarKernel.Run<Rows2>, &ScalarKernel.Run<Rows3>, &ScalarKernel.Run<Rows4>,
    ]);

    /// <summary>Whether this machine (and runtime configuration) can run <paramref name="kind"/>.</summary>
    public static bool IsSupported(SgemmKernelKind kind) => kind switch
    {
        SgemmKernelKind.Avx512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        SgemmKernelKind.Avx2 => Fma.IsSupported && X86.Avx2.IsSupported,
        SgemmKernelKind.Vector128 => System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated,
        SgemmKernelKind.Scalar => true,
        _ => false,
    };

    /// <summary>The widest supported kernel.</summary>
    public static MicroKernel Best { get; } =
        IsSupported(SgemmKernelKind.Avx512) ? Avx512 :
        IsSupported(SgemmKernelKind.Avx2) ? Avx2 :
        IsSupported(SgemmKernelKind.Vector128) ? Vector128 : Scalar;

    public static MicroKernel Get(SgemmKernelKind kind) => kind switch
    {
        SgemmKernelKind.Avx512 => Avx512,
        SgemmKernelKind.Avx2 => Avx2,
        SgemmKernelKind.Vector128 => Vector128,
        _ => Scalar,
    };
}
