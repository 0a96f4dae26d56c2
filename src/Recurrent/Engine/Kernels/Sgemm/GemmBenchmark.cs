// GemmBenchmark: the public entry point for measuring the float GEMM (the CLI's `rnn bench` calls it); it times
// C (M,N) = A (M,K)·B (K,N) on random data and reports the median speed. bench/gemm holds the numpy/OpenBLAS peer.
// Not a test: speed is compared against a peer run in the same script, never asserted.
using System.Diagnostics;

namespace Recurrent.Kernels;

/// <summary>Measures the library's float32 matrix multiply.</summary>
public static class GemmBenchmark
{
    /// <summary>
    /// Median speed in GFLOP/s (2·M·N·K floating-point operations per product) of C = A·B with row-major
    /// A (M,K), B (K,N), C (M,N), on the widest kernel this machine supports, over <paramref name="repetitions"/>
    /// timed products after one untimed warm-up product.
    /// </summary>
    /// <param name="m">Rows of A and C, at least 1.</param>
    /// <param name="n">Columns of B and C, at least 1.</param>
    /// <param name="k">Columns of A and rows of B, at least 1.</param>
    /// <param name="threads">Threads to use, 1..<see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="repetitions">Timed products, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static double GigaflopsPerSecond(int m, int n, int k, int threads, int repetitions)
    {
        Validate(m, n, k, threads, repetitions);
        return Measure(Op.None, Op.None, m, n, k, threads, repetitions);
    }

    /// <summary>
    /// As <see cref="GigaflopsPerSecond(int, int, int, int, int)"/> for C = op(A)·op(B), with A stored (K,M) when
    /// <paramref name="transposeA"/> and B stored (N,K) when <paramref name="transposeB"/> (the layouts of weight
    /// gradients and of x·Wᵀ products).
    /// </summary>
    /// <param name="m">Rows of op(A) and C, at least 1.</param>
    /// <param name="n">Columns of op(B) and C, at least 1.</param>
    /// <param name="k">Columns of op(A) and rows of op(B), at least 1.</param>
    /// <param name="transposeA">Whether A is stored transposed, (K,M).</param>
    /// <param name="transposeB">Whether B is stored transposed, (N,K).</param>
    /// <param name="threads">Threads to use, 1..<see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="repetitions">Timed products, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static double GigaflopsPerSecond(int m, int n, int k, bool transposeA, bool transposeB, int threads, int repetitions)
    {
        Validate(m, n, k, threads, repetitions);
        return Measure(transposeA ? Op.Transpose : Op.None, transposeB ? Op.Transpose : Op.None, m, n, k, threads, repetitions);
    }

    /// <summary>The name of the micro-kernel the benchmark runs on (Avx512, Avx2, Vector128 or Scalar).</summary>
    public static string KernelName => MicroKernel.Best.Kind.ToString();

    private static void Validate(int m, int n, int k, int threads, int repetitions)
    {
        if (m < 1) throw new ArgumentOutOfRangeException(nameof(m), m, $"m must be at least 1, got {m}.");
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, $"n must be at least 1, got {n}.");
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be at least 1, got {k}.");
        if (threads < 1 || threads > Environment.ProcessorCount)
            throw new ArgumentOutOfRangeException(nameof(threads), threads,
                $"threads must be between 1 and {Environment.ProcessorCount}, got {threads}.");
        if (repetitions < 1)
            throw new ArgumentOutOfRangeException(nameof(repetitions), repetitions, $"repetitions must be at least 1, got {repetitions}.");
    }

    /// <summary>Median GFLOP/s of one transposition variant.</summary>
    internal static double Measure(Op opA, Op opB, int m, int n, int k, int threads, int repetitions)
    {
        var random = new Random(12345);
        float[] a = RandomMatrix(random, m * k), b = RandomMatrix(random, k * n), c = new float[m * n];
        int lda = opA == Op.None ? k : m, ldb = opB == Op.None ? n : k;
        Sgemm.Multiply(opA, opB, m, n, k, a, lda, b, ldb, c, n, accumulate: false, threads);
        var seconds = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            long start = Stopwatch.GetTimestamp();
            Sgemm.Multiply(opA, opB, m, n, k, a, lda, b, ldb, c, n, accumulate: false, threads);
            seconds[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(seconds);
        return 2.0 * m * n * k / seconds[repetitions / 2] / 1e9;
    }

    private static float[] RandomMatrix(Random random, int length)
    {
        var x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        return x;
    }
}
