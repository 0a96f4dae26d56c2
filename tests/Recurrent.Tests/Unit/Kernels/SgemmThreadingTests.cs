// SgemmThreadingTests: threads split the output, never K, so one and two threads give bit-identical C for every
// kernel, variant and split (rows with a shared packed B block, columns, several NC/KC blocks); GEMMs
// started concurrently from several threads (one gets the pool, the others run alone) give the serial results;
// and the Threads setting validates its value.
using Recurrent.Kernels;
using static Recurrent.Tests.Kernels.SgemmTestSupport;

namespace Recurrent.Tests.Kernels;

[Collection(SgemmCollection.Name)]
public class SgemmThreadingTests
{
    // Row split with 3 KC blocks (the shared B block repacked twice), row split with an MC edge, column split,
    // column split past NC, and a square problem.
    private static readonly (int M, int N, int K)[] ParallelShapes =
        [(400, 64, 600), (301, 97, 257), (33, 300, 257), (20, 4200, 40), (150, 150, 150)];

    /// <summary>Runs the GEMM with two threads, retrying until both really computed part of it (another test's GEMM
    /// may hold the worker pool; the caller must be inside a SplitScope).</summary>
    private static void MultiplyOnTwoThreads(Op opA, Op opB, int m, int n, int k, Matrix a, Matrix b, float[] c0, float[] c,
        int ldc, bool accumulate)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            c0.CopyTo(c, 0);
            Sgemm.Multiply(opA, opB, m, n, k, a.View, a.Ld, b.View, b.Ld, c, ldc, accumulate, threads: 2);
            if (Sgemm.LastParticipants == 2) return;
            Thread.Sleep(5);
        }
        Assert.Fail($"M={m} N={n} K={k}: the GEMM never ran on two threads");
    }

    [Theory]
    [MemberData(nameof(SupportedKernels), MemberType = typeof(SgemmTestSupport))]
    public void OneAndTwoThreads_AreBitIdentical(string kernel)
    {
        using var scope = new KernelScope(kernel);
        using var split = new SplitScope();
        var random = new Random(99);
        foreach (var (m, n, k) in ParallelShapes)
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    foreach (bool accumulate in new[] { false, true })
                    {
                        var (a, b) = Operands(transA, transB, m, n, k, pad: 2, random);
                        int ldc = n + 1;
                        var c0 = new float[m * ldc];
                        for (int i = 0; i < c0.Length; i++) c0[i] = (float)random.NextDouble();
                        var one = (float[])c0.Clone();
                        Sgemm.Multiply(ToOp(transA), ToOp(transB), m, n, k, a.View, a.Ld, b.View, b.Ld, one, ldc, accumulate, threads: 1);
                        Assert.Equal(1, Sgemm.LastParticipants);
                        var two = new float[c0.Length];
                        MultiplyOnTwoThreads(ToOp(transA), ToOp(transB), m, n, k, a, b, c0, two, ldc, accumulate);
                        Assert.True(BitEqual(one, two),
                            $"{kernel} op(A)={ToOp(transA)} op(B)={ToOp(transB)} M={m} N={n} K={k} accumulate={accumulate}: " +
                            $"1 and 2 threads differ first at element {FirstDifference(one, two)}");
                    }
    }

    [Theory]
    [MemberData(nameof(SupportedKernels), MemberType = typeof(SgemmTestSupport))]
    public void RowSplit_WithSeveralSharedColumnBlocks_IsBitIdenticalToOneThread(string kernel)
    {
        using var scope = new KernelScope(kernel);
        using var split = new SplitScope();
        var random = new Random(17);
        int previous = Sgemm.MaxSharedColumns;
        try
        {
            foreach (int maxColumns in new[] { 1, 40, 64 })  // rounded to whole slivers, at least one
                foreach (bool transB in new[] { false, true })
                {
                    const int m = 300, n = 150, k = 300;
                    var (a, b) = Operands(false, transB, m, n, k, pad: 1, random);
                    var c0 = new float[m * n];
                    for (int i = 0; i < c0.Length; i++) c0[i] = (float)random.NextDouble();
                    var one = (float[])c0.Clone();
                    Sgemm.Multiply(Op.None, ToOp(transB), m, n, k, a.View, a.Ld, b.View, b.Ld, one, n, true, threads: 1);
                    Sgemm.MaxSharedColumns = maxColumns;
                    var two = new float[c0.Length];
                    MultiplyOnTwoThreads(Op.None, ToOp(transB), m, n, k, a, b, c0, two, n, accumulate: true);
                    Sgemm.MaxSharedColumns = previous;
                    Assert.True(BitEqual(one, two),
                        $"{kernel} op(B)={ToOp(transB)} shared columns ≤ {maxColumns}: differs first at {FirstDifference(one, two)}");
                }
        }
        finally
        {
            Sgemm.MaxSharedColumns = previous;
        }
    }

    [Fact]
    public void ConcurrentCallers_GetTheSerialResults()
    {
        const int callers = 4, m = 130, n = 140, k = 150;
        var random = new Random(5);
        var inputs = Enumerable.Range(0, callers).Select(_ => Operands(false, true, m, n, k, pad: 0, random)).ToArray();
        var serial = inputs.Select(x =>
        {
            var c = new float[m * n];
            Sgemm.Multiply(Op.None, Op.Transpose, m, n, k, x.A.View, x.A.Ld, x.B.View, x.B.Ld, c, n, false, threads: 1);
            return c;
        }).ToArray();
        var results = new float[callers][];
        var threads = Enumerable.Range(0, callers).Select(t => new Thread(() =>
        {
            var c = new float[m * n];
            for (int repeat = 0; repeat < 20; repeat++)
            {
                Sgemm.Multiply(Op.None, Op.Transpose, m, n, k, inputs[t].A.View, inputs[t].A.Ld, inputs[t].B.View, inputs[t].B.Ld,
                    c, n, false, threads: 2);
                if (!BitEqual(c, serial[t])) { results[t] = c; return; }
            }
            results[t] = c;
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        for (int t = 0; t < callers; t++)
            Assert.True(BitEqual(results[t], serial[t]), $"caller {t}: concurrent result differs at {FirstDifference(results[t], serial[t])}");
    }

    [Fact]
    public void Threads_RejectsValuesOutsideOneToProcessorCount()
    {
        int before = Sgemm.Threads;
        Assert.InRange(before, 1, Environment.ProcessorCount);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Threads = 0);
        Assert.Equal("value", e.ParamName);
        Assert.Contains("0", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Threads = Environment.ProcessorCount + 1);
        Assert.Equal(before, Sgemm.Threads);
    }

    [Fact]
    public void SmallProblems_RunOnTheCallingThread()
    {
        var a = new float[16 * 16];
        var c = new float[16 * 16];
        Sgemm.Multiply(Op.None, Op.None, 16, 16, 16, a, 16, a.ToArray(), 16, c, 16, false, threads: 2);
        Assert.Equal(1, Sgemm.LastParticipants);
    }
}
