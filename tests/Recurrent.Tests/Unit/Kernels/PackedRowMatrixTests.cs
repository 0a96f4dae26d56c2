// PackedRowMatrix (the strip-packed batch-1 product of generation) against a scalar double-precision loop at
// every N in 0..300 and several K, with and without accumulation; and columns do not depend on their strip.
using Recurrent.Kernels;
using Recurrent.Randomness;

namespace Recurrent.Tests.Kernels;

public sealed class PackedRowMatrixTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(37)]
    [InlineData(128)]
    public void MatchesAScalarLoopAtEveryWidth(int k)
    {
        var rng = new Rng((ulong)k + 11);
        for (int n = 0; n <= 300; n++)
        {
            var x = Enumerable.Range(0, k).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
            var w = Enumerable.Range(0, k * n).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
            var y0 = Enumerable.Range(0, n).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
            var packed = new PackedRowMatrix(w, k, n);
            foreach (bool accumulate in new[] { false, true })
            {
                var y = (float[])y0.Clone();
                packed.Multiply(x, y, accumulate);
                for (int j = 0; j < n; j++)
                {
                    double s = accumulate ? y0[j] : 0;
                    for (int p = 0; p < k; p++) s += (double)x[p] * w[p * n + j];
                    Assert.True(Math.Abs(s - y[j]) <= 1e-5 * Math.Sqrt(k + 1), $"k={k} n={n} j={j}: {y[j]} vs {s}");
                }
            }
        }
    }

    // A column's value is the same bits whether it sits in a full strip or the zero-padded last one.
    [Fact]
    public void AColumnGivesTheSameBitsInAnyStrip()
    {
        var rng = new Rng(3);
        int k = 50, n = 3 * PackedRowMatrix.Strip + 5;
        var x = Enumerable.Range(0, k).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        var w = Enumerable.Range(0, k * n).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        var full = new float[n];
        new PackedRowMatrix(w, k, n).Multiply(x, full, accumulate: false);
        for (int first = 0; first < n; first += 7)
        {
            int width = Math.Min(13, n - first);
            var part = new float[k * width];
            for (int p = 0; p < k; p++) Array.Copy(w, p * n + first, part, p * width, width);
            var y = new float[width];
            new PackedRowMatrix(part, k, width).Multiply(x, y, accumulate: false);
            for (int j = 0; j < width; j++) Assert.Equal(BitConverter.SingleToInt32Bits(full[first + j]), BitConverter.SingleToInt32Bits(y[j]));
        }
    }

    [Fact]
    public void RejectsWrongLengths()
    {
        var packed = new PackedRowMatrix(new float[6], 2, 3);
        Assert.Throws<ArgumentException>(() => packed.Multiply(new float[3], new float[3], false));
        Assert.Throws<ArgumentException>(() => packed.Multiply(new float[2], new float[2], false));
        Assert.Throws<ArgumentException>(() => new PackedRowMatrix(new float[5], 2, 3));
    }
}
