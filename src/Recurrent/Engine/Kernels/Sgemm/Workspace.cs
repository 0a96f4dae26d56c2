// Workspace: the packing buffers of one thread: a packed A block (MC × KC), a packed B block (KC × NC; on the calling
// thread it is also the block all threads share when they split rows) and an edge tile (MR × NR). All three are
// allocated together at full size on the thread's first GEMM, whatever path that GEMM takes, so that which path
// later calls take (one thread or several, small or large M) never allocates; they grow only if a kernel with
// larger blocks is forced. Pinned (POH) arrays aligned to 64 bytes: never moved, freed with the thread.
using System.Runtime.CompilerServices;

namespace Recurrent.Kernels;

internal sealed unsafe class Workspace
{
    [ThreadStatic] private static Workspace? t_current;

    /// <summary>This thread's workspace.</summary>
    public static Workspace Current => t_current ??= new Workspace();

    private float[] _a = [], _b = [], _tile = [];

    /// <summary>Packed A block, at least MC × KC floats.</summary>
    public float* A { get; private set; }
    /// <summary>Packed B block, at least KC × NC floats (the small-M path uses its first KC × NR).</summary>
    public float* B { get; private set; }
    /// <summary>Edge tile, MR × NR floats with row stride NR.</summary>
    public float* Tile { get; private set; }

    /// <summary>Makes every buffer large enough for <paramref name="blocks"/>.</summary>
    public void Ensure(in BlockSizes blocks)
    {
        A = Grow(ref _a, (long)blocks.MC * blocks.KC, A);
        B = Grow(ref _b, (long)blocks.KC * blocks.NC, B);
        Tile = Grow(ref _tile, (long)blocks.MR * blocks.NR, Tile);
    }

    private const int AlignFloats = 16; // 64 bytes

    private static float* Grow(ref float[] buffer, long floats, float* current)
    {
        if (buffer.Length - AlignFloats >= floats) return current;
        buffer = GC.AllocateUninitializedArray<float>(checked((int)floats + AlignFloats), pinned: true);
        return Aligned(buffer);
    }

    /// <summary>The first 64-byte aligned element of a pinned array.</summary>
    public static float* Aligned(float[] pinned)
    {
        nint p = (nint)Unsafe.AsPointer(ref pinned[0]);
        return (float*)((p + 63) & ~(nint)63);
    }
}
