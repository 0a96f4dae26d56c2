// BlockSizes: the register and cache blocking of every micro-kernel, as data in one place (BLIS's bli_cntx
// blocksizes). MR × NR is the register tile; KC is the depth of one packed block (a KC × NR B sliver stays in L1
// while MR-slivers of A stream past it); MC × KC of packed A stays in L2; KC × NC of packed B in L3.
// MC is a multiple of MR and NC of NR. Values for Zen 5 (48 KiB L1d, 1 MiB L2) were measured with bench/gemm.
namespace Recurrent.Kernels;

/// <summary>Register tile (MR × NR) and cache blocks (MC, KC, NC) of one micro-kernel.</summary>
internal readonly record struct BlockSizes(int MR, int NR, int MC, int KC, int NC)
{
    /// <summary>AVX-512: 8 × 32 tile (16 zmm accumulators). In L1 every tile from 6 × 32 to 14 × 32 runs at the
    /// FMA peak (~265 GFLOP/s, two 512-bit FMAs per cycle need only 8 independent accumulators); in whole GEMMs
    /// 8 × 32 was level with 12 × 32 at 1024³ and 1-5% ahead on 2048·2048·512, AᵀB and batch-sized M (32, 64 are
    /// whole slivers). KC 256 keeps the 32 KiB B sliver in L1; MC and NC were flat from 64 to 384 and 1024 to 4096
    /// (the KC × NC buffer, 4 MiB, also holds all K rows of the B columns that threads splitting rows share).</summary>
    public static readonly BlockSizes Avx512 = new(MR: 8, NR: 32, MC: 384, KC: 256, NC: 4096);

    /// <summary>AVX2/FMA: 6 × 16 tile, as BLIS zen3 (MC 144, KC 256); MC 72..288 and KC 128..512 measured flat.</summary>
    public static readonly BlockSizes Avx2 = new(MR: 6, NR: 16, MC: 144, KC: 256, NC: 4080);

    /// <summary>Portable Vector128: 4 × 8 tile.</summary>
    public static readonly BlockSizes Vector128 = new(MR: 4, NR: 8, MC: 128, KC: 256, NC: 4096);

    /// <summary>Scalar: 4 × 4 tile.</summary>
    public static readonly BlockSizes Scalar = new(MR: 4, NR: 4, MC: 128, KC: 256, NC: 4096);
}
