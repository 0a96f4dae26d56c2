// SgemmTests: every Sgemm micro-kernel (forced one at a time; those this machine supports, so the suite run with
// DOTNET_EnableAVX512F=0 / EnableAVX2=0 / EnableHWIntrinsic=0 covers the rest) against a double-accumulating scalar
// reference, for all four transposition variants, accumulate on and off, leading dimensions larger than the width
// (NaN padding that must not be read, sentinel padding in C that must not be written) and odd shapes on both sides
// of every MR, NR, KC, MC and NC boundary. Tolerance: 1e-5·√K of Σ|a·b| per element.
using Recurrent.Kernels;
using static Recurrent.Tests.Kernels.SgemmTestSupport;

namespace Recurrent.Tests.Kernels;

[Collection(SgemmCollection.Name)]
public class SgemmTests
{
    // Around MR (4, 6, 8), NR (4, 8, 16, 32) and their multiples.
    private static readonly int[] SmallSizes = [0, 1, 2, 3, 5, 6, 7, 8, 9, 12, 13, 15, 16, 17, 31, 33, 63, 65];
    private static readonly int[] SmallDepths = [1, 2, 5, 7, 16, 17, 31, 0, 33, 63];

    internal static IEnumerable<(int M, int N, int K)> Shapes()
    {
        int d = 0;
        foreach (int m in SmallSizes)
            foreach (int n in SmallSizes)
                yield return (m, n, SmallDepths[d++ % SmallDepths.Length]);
        // Across KC (256) and MC (144, 384), several KC blocks, M·N·K large enough to run on two threads,
        // and N past NC (4080, 4096) for the column loop.
        yield return (100, 145, 257);
        yield return (145, 100, 300);
        yield return (257, 33, 65);
        yield return (300, 17, 257);
        yield return (33, 300, 100);
        yield return (6, 257, 300);
        yield return (65, 63, 257);
        yield return (145, 145, 145);
        yield return (1, 300, 300);
        yield return (300, 1, 300);
        yield return (300, 300, 1);
        yield return (289, 40, 20);
        yield return (400, 70, 300);
        yield return (391, 33, 40);
        yield return (13, 65, 513);
        yield return (7, 4100, 3);
        yield return (3, 8200, 2);
        yield return (2, 4133, 5);
    }

    [Theory]
    [MemberData(nameof(SupportedKernels), MemberType = typeof(SgemmTestSupport))]
    public void Multiply_EveryVariantAndShape_MatchesReference(string kernel)
    {
        using var scope = new KernelScope(kernel);
        using var split = new SplitScope();
        int shapeIndex = 0;
        foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
                foreach (var (m, n, k) in Shapes())
                {
                    var random = new Random(shapeIndex);
                    int pad = shapeIndex++ % 3 == 0 ? 0 : 3;
                    var (a, b) = Operands(transA, transB, m, n, k, pad, random);
                    var (product, magnitude) = Reference(transA, transB, m, n, k, a, b);
                    foreach (bool accumulate in new[] { false, true })
                    foreach (int threads in new[] { 1, 2 })
                    {
                        var c0 = new Matrix(m, n, pad, random, Sentinel);
                        var c = c0.Clone();
                        float[] aBefore = (float[])a.Buffer.Clone(), bBefore = (float[])b.Buffer.Clone();
                        Sgemm.Multiply(ToOp(transA), ToOp(transB), m, n, k, a.View, a.Ld, b.View, b.Ld, c.View, c.Ld, accumulate, threads);
                        string what = $"{kernel} op(A)={ToOp(transA)} op(B)={ToOp(transB)} M={m} N={n} K={k} pad={pad} " +
                            $"accumulate={accumulate} threads={threads}";
                        AssertMatches(what, c, c0, accumulate, m, n, k, product, magnitude);
                        Assert.True(BitEqual(a.Buffer, aBefore), $"{what}: A was modified");
                        Assert.True(BitEqual(b.Buffer, bBefore), $"{what}: B was modified");
                    }
                }
    }

    [Theory]
    [MemberData(nameof(SupportedKernels), MemberType = typeof(SgemmTestSupport))]
    public void Multiply_KZero_ClearsOrKeepsC(string kernel)
    {
        using var scope = new KernelScope(kernel);
        var cleared = new float[] { 1, 2, 99, 3, 4, 99 }; // (2,2) with ldc 3
        Sgemm.Multiply(Op.None, Op.None, 2, 2, 0, [], 1, [], 2, cleared, 3, accumulate: false);
        Assert.Equal(new float[] { 0, 0, 99, 0, 0, 99 }, cleared);
        var kept = new float[] { 1, 2, 99, 3, 4, 99 };
        Sgemm.Multiply(Op.None, Op.None, 2, 2, 0, [], 1, [], 2, kept, 3, accumulate: true);
        Assert.Equal(new float[] { 1, 2, 99, 3, 4, 99 }, kept);
    }

    [Fact]
    public void DefaultKernel_IsTheWidestTheHardwareSupports()
    {
        SgemmKernelKind expected =
            System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? SgemmKernelKind.Avx512 :
            System.Runtime.Intrinsics.X86.Fma.IsSupported && System.Runtime.Intrinsics.X86.Avx2.IsSupported ? SgemmKernelKind.Avx2 :
            System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? SgemmKernelKind.Vector128 : SgemmKernelKind.Scalar;
        Assert.Null(Sgemm.ForcedKernel);
        Assert.Equal(expected, Sgemm.CurrentKernel.Kind);
        Assert.True(MicroKernel.IsSupported(SgemmKernelKind.Scalar));
    }

    [Fact]
    public void ForcedKernel_UnsupportedKindThrows_SupportedKindApplies()
    {
        foreach (SgemmKernelKind kind in Enum.GetValues<SgemmKernelKind>())
        {
            if (MicroKernel.IsSupported(kind))
            {
                using (new KernelScope(kind)) Assert.Equal(kind, Sgemm.CurrentKernel.Kind);
            }
            else
            {
                var e = Assert.Throws<ArgumentException>(() => Sgemm.ForcedKernel = kind);
                Assert.Contains(kind.ToString(), e.Message);
            }
        }
        Assert.Null(Sgemm.ForcedKernel);
    }

    [Fact]
    public void BlockSizes_AreConsistentWithTheirKernels()
    {
        foreach (SgemmKernelKind kind in Enum.GetValues<SgemmKernelKind>())
        {
            BlockSizes bs = MicroKernel.Get(kind).Blocks;
            int maxRows = kind switch
            {
                SgemmKernelKind.Avx512 => Avx512Kernel.MaxRows,
                SgemmKernelKind.Avx2 => Avx2Kernel.MaxRows,
                SgemmKernelKind.Vector128 => Vector128Kernel.MaxRows,
                _ => ScalarKernel.MaxRows,
            };
            int nr = kind switch
            {
                SgemmKernelKind.Avx512 => Avx512Kernel.NR,
                SgemmKernelKind.Avx2 => Avx2Kernel.NR,
                SgemmKernelKind.Vector128 => Vector128Kernel.NR,
                _ => ScalarKernel.NR,
            };
            Assert.InRange(bs.MR, 1, maxRows);
            Assert.Equal(nr, bs.NR);
            Assert.Equal(0, bs.MC % bs.MR);
            Assert.Equal(0, bs.NC % bs.NR);
            Assert.True(bs.KC >= 1);
        }
    }
}

/// <summary>The Sgemm test classes run one after another: they check which thread count a call really used, and
/// the worker pool serves one GEMM at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SgemmCollection
{
    public const string Name = "Sgemm";
}
