// PackedMatrix: op(B) (K,N) packed once into the micro-kernel's B layout, for products that reuse the same right
// operand many times: the recurrent weights at every time step (forward h·W_hhᵀ: opB = Transpose, K = H, N = G·H;
// backward dG·W_hh: opB = None, K = G·H, N = H). Layout: KC-deep blocks in order, the block at depth pc starting at
// pc·PaddedN, each block a run of NR-column slivers (kc × NR, zero-padded past N) as Packing.PackB writes them.
// The layout belongs to the kernel that was current on the packing thread; Sgemm.Multiply(..., PackedMatrix, ...)
// runs that kernel, so the result is bit-identical to the unpacked product with that kernel. Pack() refills the
// existing storage when it is large enough (no allocation), e.g. after each optimizer step. Like any buffer, it must
// not be repacked while a product that reads it is running on another thread.
namespace Recurrent.Kernels;

/// <summary>A right-hand GEMM operand packed for repeated use by <see cref="Sgemm"/>.</summary>
internal sealed unsafe class PackedMatrix
{
    private float[] _storage = [];

    /// <summary>An empty packed matrix; call <see cref="Pack"/> before use.</summary>
    public PackedMatrix() => Kernel = Sgemm.CurrentKernel;

    /// <summary>Packs op(B) (K,N) right away; see <see cref="Pack"/>.</summary>
    public PackedMatrix(Op opB, int k, int n, ReadOnlySpan<float> b, int ldb) : this() => Pack(opB, k, n, b, ldb);

    /// <summary>How B was stored: (K,N) for None, (N,K) for Transpose.</summary>
    public Op Op { get; private set; }
    /// <summary>Rows of op(B), the depth of the product.</summary>
    public int K { get; private set; }
    /// <summary>Columns of op(B) and of the product.</summary>
    public int N { get; private set; }

    internal MicroKernel Kernel { get; private set; }
    internal BlockSizes Blocks { get; private set; }
    internal int PaddedN { get; private set; }
    internal float* Data { get; private set; }
    /// <summary>Floats the current storage can hold.</summary>
    internal int Capacity => Math.Max(0, _storage.Length - 16);

    /// <summary>
    /// Packs op(B): B stored (K,N) with row stride <paramref name="ldb"/> when <paramref name="opB"/> is None, else (N,K).
    /// Reuses the storage when it is large enough; uses the kernel current on this thread.
    /// </summary>
    public void Pack(Op opB, int k, int n, ReadOnlySpan<float> b, int ldb)
    {
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, $"K must be non-negative, got {k}.");
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, $"N must be non-negative, got {n}.");
        Sgemm.CheckOperand(opB, k, n, b, ldb, nameof(b), nameof(ldb));
        MicroKernel kernel = Sgemm.CurrentKernel;
        BlockSizes bs = kernel.Blocks;
        int paddedN = (n + bs.NR - 1) / bs.NR * bs.NR;
        long need = (long)k * paddedN;
        if (need > Capacity)
        {
            _storage = GC.AllocateUninitializedArray<float>(checked((int)need + 16), pinned: true);
            Data = Workspace.Aligned(_storage);
        }
        Op = opB;
        K = k;
        N = n;
        Kernel = kernel;
        Blocks = bs;
        PaddedN = paddedN;
        if (k == 0 || n == 0) return;
        fixed (float* pb = b)
            for (int pc = 0; pc < k; pc += bs.KC)
                Packing.PackB(opB, pb, ldb, pc, Math.Min(bs.KC, k - pc), 0, n, bs.NR, Data + (nint)pc * paddedN);
    }
}
