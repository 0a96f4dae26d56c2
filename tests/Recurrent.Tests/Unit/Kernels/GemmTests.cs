// GemmTests.cs — Gemm.Multiply, Axpy, Dot, AddRowsInto and BroadcastRows against scalar references with
// double accumulation, over shapes that include 0, 1, odd sizes and sizes on both sides of every vector
// width (4, 8, 16 lanes), on strided views (leading dimension = width + 3) placed at an offset inside a
// guarded buffer, so that reads of padding (NaN there) and writes outside the logical matrix both show up.
// tests/run-without-simd.sh re-runs this file with hardware intrinsics disabled and with AVX2 disabled.
using System.Numerics;
using Recurrent.Kernels;

namespace Recurrent.Tests.Kernels;

public class GemmTests
{
    private const int Pad = 3;      // leading dimension = logical width + Pad
    private const int Guard = 5;    // elements before the view and after it

    private static readonly int[] SmallSizes = [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17];
    private static readonly int[] BoundarySizes = [3, 4, 5, 15, 16, 17, 31, 32, 33, 63, 64, 65];

    private static IEnumerable<(int M, int N, int K)> Shapes()
    {
        foreach (int m in SmallSizes)
            foreach (int n in SmallSizes)
                foreach (int k in SmallSizes)
                    yield return (m, n, k);
        // N is the Axpy length (NN, TN), K the Dot length (NT): cross every vector boundary in both.
        foreach (int m in new[] { 1, 3 })
            foreach (int n in BoundarySizes)
                foreach (int k in BoundarySizes)
                    yield return (m, n, k);
        yield return (37, 129, 67);
        yield return (70, 1, 300);
        yield return (1, 300, 70);
    }

    /// <summary>A (rows, width) matrix with row stride width + Pad, at offset Guard in a buffer with Guard
    /// trailing elements. Logical elements get values from <paramref name="value"/>, all others <paramref name="fill"/>.</summary>
    private sealed class Strided
    {
        public readonly double[] Buffer;
        public readonly int Rows, Width, Ld;

        public Strided(int rows, int width, Func<double> value, double fill)
        {
            Rows = rows;
            Width = width;
            Ld = width + Pad;
            Buffer = new double[Guard + rows * Ld + Guard];
            Array.Fill(Buffer, fill);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < width; c++)
                    Buffer[Guard + r * Ld + c] = value();
        }

        public double this[int r, int c] => Buffer[Guard + r * Ld + c];

        public bool IsLogical(int index)
        {
            int i = index - Guard;
            return i >= 0 && i < Rows * Ld && i % Ld < Width;
        }

        public T[] As<T>() where T : IFloatingPointIeee754<T> => Buffer.Select(T.CreateTruncating).ToArray();
        public static Span<T> View<T>(T[] buffer, int rows, int ld) => buffer.AsSpan(Guard, rows * ld);
    }

    private static double[] Reference(bool transA, bool transB, int m, int n, int k,
        Strided a, Strided b, Strided c, bool accumulate, out double[] magnitude)
    {
        var result = new double[m * n];
        magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = accumulate ? c[i, j] : 0, mag = accumulate ? Math.Abs(c[i, j]) : 0;
                for (int p = 0; p < k; p++)
                {
                    double x = transA ? a[p, i] : a[i, p];
                    double y = transB ? b[j, p] : b[p, j];
                    s += x * y;
                    mag += Math.Abs(x * y);
                }
                result[i * n + j] = s;
                magnitude[i * n + j] = mag;
            }
        return result;
    }

    private static void CheckOne<T>(bool transA, bool transB, int m, int n, int k, bool accumulate, Random random,
        Func<int, double> relativeTolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string shape = $"opA={(transA ? "T" : "N")} opB={(transB ? "T" : "N")} M={m} N={n} K={k} accumulate={accumulate} ({typeof(T).Name})";
        // Values exactly representable in float, so float and double see the same inputs.
        double Next() => (float)(random.NextDouble() * 2 - 1);
        var a = transA ? new Strided(k, m, Next, double.NaN) : new Strided(m, k, Next, double.NaN);
        var b = transB ? new Strided(n, k, Next, double.NaN) : new Strided(k, n, Next, double.NaN);
        var c = new Strided(m, n, Next, -7777.0);

        double[] expected = Reference(transA, transB, m, n, k, a, b, c, accumulate, out double[] magnitude);

        T[] aT = a.As<T>(), bT = b.As<T>(), cT = c.As<T>();
        T[] aCopy = (T[])aT.Clone(), bCopy = (T[])bT.Clone(), cBefore = (T[])cT.Clone();
        Gemm.Multiply(transA ? Op.Transpose : Op.None, transB ? Op.Transpose : Op.None, m, n, k,
            Strided.View(aT, a.Rows, a.Ld), a.Ld, Strided.View(bT, b.Rows, b.Ld), b.Ld,
            Strided.View(cT, c.Rows, c.Ld), c.Ld, accumulate);

        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double got = double.CreateChecked(cT[Guard + i * c.Ld + j]);
                double want = expected[i * n + j];
                double tol = relativeTolerance(k) * magnitude[i * n + j];
                if (!(Math.Abs(got - want) <= tol))
                    Assert.Fail($"{shape}: C[{i},{j}] = {got:R}, reference {want:R}, |diff| {Math.Abs(got - want):E3} > tol {tol:E3}");
            }
        for (int idx = 0; idx < cT.Length; idx++)
            if (!c.IsLogical(idx) && !BitEquals(cT[idx], cBefore[idx]))
                Assert.Fail($"{shape}: C element {idx} outside the logical (M,N) view changed from {cBefore[idx]} to {cT[idx]}");
        Assert.True(BitEqual(aT, aCopy), $"{shape}: A was modified");
        Assert.True(BitEqual(bT, bCopy), $"{shape}: B was modified");
    }

    private static bool BitEquals<T>(T x, T y) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in x))
            .SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in y)));

    private static bool BitEqual<T>(T[] x, T[] y) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan())
            .SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(y.AsSpan()));

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(false, false, true)]
    [InlineData(false, true, false)]
    [InlineData(false, true, true)]
    [InlineData(true, false, false)]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    [InlineData(true, true, true)]
    public void Multiply_Float_MatchesReference(bool transA, bool transB, bool accumulate)
    {
        var random = new Random(1000 + (transA ? 4 : 0) + (transB ? 2 : 0) + (accumulate ? 1 : 0));
        // Worst-case float rounding of a K-term sum is about K·2^-24 of Σ|a·b|; 1e-6·K leaves ~16x slack.
        foreach (var (m, n, k) in Shapes()) CheckOne<float>(transA, transB, m, n, k, accumulate, random, kk => 1e-6 * Math.Max(kk, 1));
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(false, false, true)]
    [InlineData(false, true, false)]
    [InlineData(false, true, true)]
    [InlineData(true, false, false)]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    [InlineData(true, true, true)]
    public void Multiply_Double_MatchesReference(bool transA, bool transB, bool accumulate)
    {
        var random = new Random(2000 + (transA ? 4 : 0) + (transB ? 2 : 0) + (accumulate ? 1 : 0));
        foreach (var (m, n, k) in Shapes()) CheckOne<double>(transA, transB, m, n, k, accumulate, random, _ => 1e-12);
    }

    [Fact]
    public void Multiply_KZero_ClearsOrKeepsC()
    {
        var cleared = new float[] { 1, 2, 99, 3, 4, 99 }; // (2,2) with ldc 3
        Gemm.Multiply(Op.None, Op.None, 2, 2, 0, ReadOnlySpan<float>.Empty, 1, ReadOnlySpan<float>.Empty, 2,
            cleared, 3, accumulate: false);
        Assert.Equal(new float[] { 0, 0, 99, 0, 0, 99 }, cleared);

        var kept = new float[] { 1, 2, 99, 3, 4, 99 };
        Gemm.Multiply(Op.None, Op.None, 2, 2, 0, ReadOnlySpan<float>.Empty, 1, ReadOnlySpan<float>.Empty, 2,
            kept, 3, accumulate: true);
        Assert.Equal(new float[] { 1, 2, 99, 3, 4, 99 }, kept);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Multiply_SameInputsTwice_BitIdentical(bool transA, bool transB)
    {
        const int m = 23, n = 131, k = 257;
        var random = new Random(7);
        var a = new float[m * k];
        var b = new float[k * n];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(random.NextDouble() * 2 - 1);
        for (int i = 0; i < b.Length; i++) b[i] = (float)(random.NextDouble() * 2 - 1);
        int lda = transA ? m : k, ldb = transB ? k : n;
        var c1 = new float[m * n];
        var c2 = new float[m * n];
        Op opA = transA ? Op.Transpose : Op.None, opB = transB ? Op.Transpose : Op.None;
        Gemm.Multiply(opA, opB, m, n, k, a, lda, b, ldb, c1, n, accumulate: false);
        Gemm.Multiply(opA, opB, m, n, k, a, lda, b, ldb, c2, n, accumulate: false);
        Assert.True(BitEqual(c1, c2), "two identical GEMMs gave different bits");
        Assert.Contains(c1, v => v != 0f); // the product is not trivially zero
    }

    /// <summary>tests/run-without-simd.sh re-runs the kernel tests with DOTNET_EnableHWIntrinsic=0 and
    /// DOTNET_EnableAVX2=0; this checks that the runtime honoured the setting, so those runs really took the
    /// scalar and the 128-bit paths instead of silently repeating the default one.</summary>
    [Fact]
    public void SimdSettingFromEnvironment_IsInEffect()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0")
            Assert.False(Vector.IsHardwareAccelerated, "DOTNET_EnableHWIntrinsic=0 but Vector<T> is still accelerated");
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX2") == "0")
            Assert.True(Vector<float>.Count <= 4, $"DOTNET_EnableAVX2=0 but Vector<float>.Count is {Vector<float>.Count}");
    }

    // ---- Axpy / Dot at every length 0..300 ----

    private static T[] RandomArray<T>(Random random, int length) where T : IFloatingPointIeee754<T>
    {
        var x = new T[length];
        for (int i = 0; i < length; i++) x[i] = T.CreateTruncating((float)(random.NextDouble() * 2 - 1));
        return x;
    }

    private static void CheckAxpy<T>(double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(11);
        foreach (double alphaD in new[] { 0.0, 1.0, -0.75, 1.3125 })
            for (int len = 0; len <= 300; len++)
            {
                int xOffset = len % 3, yOffset = 1 + len % 2; // misaligned views of distinct arrays
                T[] xBuf = RandomArray<T>(random, xOffset + len + Guard);
                T[] yBuf = RandomArray<T>(random, yOffset + len + Guard);
                T[] yBefore = (T[])yBuf.Clone();
                T alpha = T.CreateChecked(alphaD);
                Gemm.Axpy(alpha, xBuf.AsSpan(xOffset, len), yBuf.AsSpan(yOffset, len));
                for (int i = 0; i < yBuf.Length; i++)
                {
                    bool inside = i >= yOffset && i < yOffset + len;
                    if (!inside)
                    {
                        Assert.True(BitEquals(yBuf[i], yBefore[i]), $"Axpy len {len}: y[{i}] outside the view changed");
                        continue;
                    }
                    double y0 = double.CreateChecked(yBefore[i]);
                    double ax = alphaD * double.CreateChecked(xBuf[xOffset + i - yOffset]);
                    double want = y0 + ax;
                    double got = double.CreateChecked(yBuf[i]);
                    Assert.True(Math.Abs(got - want) <= tolerance * (Math.Abs(y0) + Math.Abs(ax)),
                        $"Axpy({typeof(T).Name}) alpha {alphaD} len {len}: y[{i - yOffset}] = {got:R}, reference {want:R}");
                }
            }
    }

    private static void CheckDot<T>(double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(12);
        for (int len = 0; len <= 300; len++)
        {
            int xOffset = len % 3, yOffset = 2 - len % 2;
            T[] xBuf = RandomArray<T>(random, xOffset + len);
            T[] yBuf = RandomArray<T>(random, yOffset + len);
            double want = 0, magnitude = 0;
            for (int i = 0; i < len; i++)
            {
                double p = double.CreateChecked(xBuf[xOffset + i]) * double.CreateChecked(yBuf[yOffset + i]);
                want += p;
                magnitude += Math.Abs(p);
            }
            double got = double.CreateChecked(Gemm.Dot<T>(xBuf.AsSpan(xOffset, len), yBuf.AsSpan(yOffset, len)));
            Assert.True(Math.Abs(got - want) <= tolerance * Math.Max(len, 1) * magnitude,
                $"Dot({typeof(T).Name}) len {len}: {got:R}, reference {want:R}");
        }
    }

    [Fact]
    public void Axpy_Float_EveryLength() => CheckAxpy<float>(1.2e-7); // one float rounding: 2^-24 ≈ 6e-8 per op

    [Fact]
    public void Axpy_Double_EveryLength() => CheckAxpy<double>(1e-15);

    [Fact]
    public void Dot_Float_EveryLength() => CheckDot<float>(1e-6);

    [Fact]
    public void Dot_Double_EveryLength() => CheckDot<double>(1e-15);

    [Fact]
    public void Dot_LengthZero_IsZero()
    {
        Assert.Equal(0f, Gemm.Dot<float>(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty));
        Assert.Equal(0.0, Gemm.Dot<double>(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty));
    }

    // ---- AddRowsInto / BroadcastRows ----

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(4, 16)]
    [InlineData(5, 33)]
    [InlineData(9, 65)]
    public void AddRowsInto_AddsEveryRow(int rows, int n)
    {
        var random = new Random(rows * 100 + n);
        float[] x = RandomArray<float>(random, rows * n);
        float[] y = RandomArray<float>(random, n + Guard);
        float[] before = (float[])y.Clone();
        Gemm.AddRowsInto<float>(x, rows, n, y.AsSpan(0, n));
        for (int j = 0; j < n; j++)
        {
            double want = before[j], magnitude = Math.Abs(before[j]);
            for (int r = 0; r < rows; r++) { want += x[r * n + j]; magnitude += Math.Abs(x[r * n + j]); }
            Assert.True(Math.Abs(y[j] - want) <= 1e-6 * (rows + 1) * magnitude, $"column {j}: {y[j]} vs {want}");
        }
        for (int j = n; j < y.Length; j++) Assert.Equal(before[j], y[j]);
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(6, 17)]
    public void BroadcastRows_WritesBiasIntoEveryRow(int rows, int n)
    {
        var random = new Random(rows * 100 + n);
        double[] bias = RandomArray<double>(random, n);
        double[] y = RandomArray<double>(random, rows * n + Guard);
        double[] tail = y[(rows * n)..];
        Gemm.BroadcastRows<double>(bias, rows, n, y.AsSpan(0, rows * n));
        for (int r = 0; r < rows; r++)
            Assert.Equal(bias, y[(r * n)..((r + 1) * n)]);
        Assert.Equal(tail, y[(rows * n)..]);
    }
}
