// SgemmPackedMatrixTests: a prepacked right operand (the recurrent weights, reused every time step) gives exactly
// the bits of the unpacked product for every kernel, both stored orientations of B and of A, accumulate on and off,
// small and large M, one and two threads; Pack() repacks into existing storage (no allocation when it fits); and
// after warm-up neither GEMM entry point allocates on the calling thread.
using Recurrent.Kernels;
using static Recurrent.Tests.Kernels.SgemmTestSupport;

namespace Recurrent.Tests.Kernels;

[Collection(SgemmCollection.Name)]
public class SgemmPackedMatrixTests
{
    private static readonly int[] BatchSizes = [1, 5, 12, 32, 64, 300];
    private static readonly (int K, int N)[] WeightShapes = [(17, 33), (300, 65), (257, 100), (64, 256), (513, 40)];

    [Theory]
    [MemberData(nameof(SupportedKernels), MemberType = typeof(SgemmTestSupport))]
    public void PackedProduct_EqualsUnpackedProductBitForBit(string kernel)
    {
        using var scope = new KernelScope(kernel);
        using var split = new SplitScope();
        var random = new Random(3);
        foreach (var (k, n) in WeightShapes)
            foreach (bool transB in new[] { false, true })
            {
                var b = transB ? new Matrix(n, k, 1, random, float.NaN) : new Matrix(k, n, 1, random, float.NaN);
                var packed = new PackedMatrix(ToOp(transB), k, n, b.View, b.Ld);
                Assert.Equal((ToOp(transB), k, n), (packed.Op, packed.K, packed.N));
                foreach (int m in BatchSizes)
                    foreach (bool transA in new[] { false, true })
                        foreach (bool accumulate in new[] { false, true })
                            foreach (int threads in new[] { 1, 2 })
                            {
                                var a = transA ? new Matrix(k, m, 3, random, float.NaN) : new Matrix(m, k, 3, random, float.NaN);
                                int ldc = n + 2;
                                var c0 = new float[m * ldc];
                                for (int i = 0; i < c0.Length; i++) c0[i] = (float)random.NextDouble();
                                float[] plain = (float[])c0.Clone(), viaPacked = (float[])c0.Clone();
                                Sgemm.Multiply(ToOp(transA), ToOp(transB), m, n, k, a.View, a.Ld, b.View, b.Ld, plain, ldc, accumulate, threads);
                                Sgemm.Multiply(ToOp(transA), m, a.View, a.Ld, packed, viaPacked, ldc, accumulate, threads);
                                Assert.True(BitEqual(plain, viaPacked),
                                    $"{kernel} op(A)={ToOp(transA)} op(B)={ToOp(transB)} M={m} N={n} K={k} accumulate={accumulate} " +
                                    $"threads={threads}: packed differs first at {FirstDifference(plain, viaPacked)}");
                            }
            }
    }

    [Theory]
    [MemberData(nameof(SupportedKernels), MemberType = typeof(SgemmTestSupport))]
    public void Pack_ReusesStorageWhenItFits_AndRepacksCorrectly(string kernel)
    {
        using var scope = new KernelScope(kernel);
        var random = new Random(4);
        var packed = new PackedMatrix();
        Assert.Equal(0, packed.Capacity);
        var big = new Matrix(300, 200, 0, random, float.NaN);                 // B^T stored (N=300, K=200)
        packed.Pack(Op.Transpose, 200, 300, big.View, big.Ld);
        int capacity = packed.Capacity;
        Assert.True(capacity >= 200 * 300);

        // Smaller, other orientation, other data: same storage, no allocation, right answer.
        const int m = 9, k = 70, n = 45;
        var b = new Matrix(k, n, 5, random, float.NaN);
        long before = GC.GetAllocatedBytesForCurrentThread();
        packed.Pack(Op.None, k, n, b.View, b.Ld);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(capacity, packed.Capacity);
        Assert.Equal((Op.None, k, n), (packed.Op, packed.K, packed.N));

        var a = new Matrix(m, k, 0, random, float.NaN);
        var (product, magnitude) = Reference(false, false, m, n, k, a, b);
        var c0 = new Matrix(m, n, 3, random, Sentinel);
        var c = c0.Clone();
        Sgemm.Multiply(Op.None, m, a.View, a.Ld, packed, c.View, c.Ld, accumulate: false);
        AssertMatches($"{kernel} repacked", c, c0, false, m, n, k, product, magnitude);

        // Growing past the capacity reallocates and still packs correctly.
        var huge = new Matrix(400, 600, 0, random, float.NaN);
        packed.Pack(Op.None, 400, 600, huge.View, huge.Ld);
        Assert.True(packed.Capacity >= 400 * 600);
        var a2 = new Matrix(3, 400, 0, random, float.NaN);
        float[] plain = new float[3 * 600], viaPacked = new float[3 * 600];
        Sgemm.Multiply(Op.None, Op.None, 3, 600, 400, a2.View, a2.Ld, huge.View, huge.Ld, plain, 600, false);
        Sgemm.Multiply(Op.None, 3, a2.View, a2.Ld, packed, viaPacked, 600, false);
        Assert.True(BitEqual(plain, viaPacked), $"{kernel}: grown repack differs at {FirstDifference(plain, viaPacked)}");
    }

    [Fact]
    public void PackedMatrix_KeepsTheKernelItWasPackedFor()
    {
        var random = new Random(8);
        var b = new Matrix(40, 50, 0, random, float.NaN);
        var packed = new PackedMatrix(Op.None, 40, 50, b.View, b.Ld);
        Assert.Equal(MicroKernel.Best.Kind, packed.Kernel.Kind);
        using (new KernelScope(SgemmKernelKind.Scalar))
        {
            var scalarPacked = new PackedMatrix(Op.None, 40, 50, b.View, b.Ld);
            Assert.Equal(SgemmKernelKind.Scalar, scalarPacked.Kernel.Kind);
            Assert.Equal(ScalarKernel.NR, scalarPacked.Blocks.NR);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Multiply_AfterWarmUp_AllocatesNothing(int threads)
    {
        using var split = new SplitScope();
        var random = new Random(6);
        var (a, b) = Operands(false, true, 200, 300, 260, 0, random);  // big enough for two threads
        var c = new float[200 * 300];
        var packed = new PackedMatrix(Op.Transpose, 260, 300, b.View, b.Ld);
        var h = new Matrix(32, 260, 0, random, float.NaN);
        var hOut = new float[32 * 300];
        for (int warm = 0; warm < 3; warm++)
        {
            Sgemm.Multiply(Op.None, Op.Transpose, 200, 300, 260, a.View, a.Ld, b.View, b.Ld, c, 300, false, threads);
            Sgemm.Multiply(Op.None, 32, h.View, h.Ld, packed, hOut, 300, true, threads);
        }
        // Measure until the calls really ran on the requested thread count (another GEMM may hold the pool) and
        // the runtime did no one-time work on this thread meanwhile (tiered-JIT promotions are counted as this
        // thread's allocations): an allocation made by the GEMM itself would show in every attempt.
        long lastAllocated = 0;
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int ranAsAsked = 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int repeat = 0; repeat < 5; repeat++)
            {
                Sgemm.Multiply(Op.None, Op.Transpose, 200, 300, 260, a.View, a.Ld, b.View, b.Ld, c, 300, false, threads);
                ranAsAsked += Sgemm.LastParticipants == threads ? 1 : 0;
                Sgemm.Multiply(Op.None, 32, h.View, h.Ld, packed, hOut, 300, true, threads);
                ranAsAsked += Sgemm.LastParticipants == threads ? 1 : 0;
                packed.Pack(Op.Transpose, 260, 300, b.View, b.Ld);
            }
            lastAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (lastAllocated == 0 && ranAsAsked == 10) return;
            Thread.Sleep(5);
        }
        Assert.Fail(lastAllocated != 0
            ? $"every attempt allocated; the last one {lastAllocated} bytes"
            : $"the GEMMs never all ran on {threads} thread(s)");
    }
}
