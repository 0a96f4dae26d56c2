// MeanSquaredErrorTests.cs — loss and gradient against a direct double computation, with and without a
// row mask, plus the argument checks.
using Recurrent.Losses;

namespace Recurrent.Tests.Losses;

public class MeanSquaredErrorTests
{
    private static double Reference(double[] p, double[] y, int features, double[]? mask, out double[] gradient)
    {
        int rows = p.Length / features;
        gradient = new double[p.Length];
        int counted = Enumerable.Range(0, rows).Count(r => mask is null || mask[r] != 0);
        if (counted == 0) return 0;
        double n = counted * features, total = 0;
        for (int r = 0; r < rows; r++)
        {
            if (mask is not null && mask[r] == 0) continue;
            for (int j = r * features; j < (r + 1) * features; j++)
            {
                total += (p[j] - y[j]) * (p[j] - y[j]);
                gradient[j] = 2 * (p[j] - y[j]) / n;
            }
        }
        return total / n;
    }

    private static (double[] P, double[] Y) Case(int rows, int features, int seed)
    {
        var random = new Random(seed);
        double Next() => (float)(random.NextDouble() * 4 - 2);
        return (Enumerable.Range(0, rows * features).Select(_ => Next()).ToArray(),
                Enumerable.Range(0, rows * features).Select(_ => Next()).ToArray());
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(6, 3)]
    [InlineData(10, 1)]
    public void NoMask_MatchesReference(int rows, int features)
    {
        var (p, y) = Case(rows, features, rows * 10 + features);
        double want = Reference(p, y, features, null, out double[] wantGrad);

        var grad = Enumerable.Repeat(9.0, p.Length).ToArray();
        double loss = MeanSquaredError.LossAndGradient<double>(p, y, features, ReadOnlySpan<double>.Empty, grad, out int counted);
        Assert.Equal(rows, counted);
        Assert.Equal(want, loss, 1e-13);
        for (int i = 0; i < p.Length; i++) Assert.Equal(wantGrad[i], grad[i], 1e-14);

        var gradF = new float[p.Length];
        double lossF = MeanSquaredError.LossAndGradient<float>(p.Select(v => (float)v).ToArray(), y.Select(v => (float)v).ToArray(),
            features, ReadOnlySpan<float>.Empty, gradF, out _);
        Assert.True(Math.Abs(lossF - want) <= 1e-6 * Math.Max(1, want), $"float loss {lossF:R} vs {want:R}");
        for (int i = 0; i < p.Length; i++) Assert.True(Math.Abs(gradF[i] - wantGrad[i]) <= 1e-6 * (Math.Abs(wantGrad[i]) + 1e-3));
    }

    [Fact]
    public void Mask_RemovesRowsFromSumAndCount()
    {
        const int rows = 6, features = 3;
        var (p, y) = Case(rows, features, 77);
        double[] mask = [1, 0, 1, 1, 0, 1];
        double want = Reference(p, y, features, mask, out double[] wantGrad);

        var grad = Enumerable.Repeat(9.0, p.Length).ToArray();
        double loss = MeanSquaredError.LossAndGradient<double>(p, y, features, mask, grad, out int counted);
        Assert.Equal(4, counted);
        Assert.Equal(want, loss, 1e-13);
        for (int i = 0; i < p.Length; i++) Assert.Equal(wantGrad[i], grad[i], 1e-14);
        for (int r = 0; r < rows; r++)
            if (mask[r] == 0) Assert.All(grad[(r * features)..((r + 1) * features)], g => Assert.Equal(0.0, g));

        // An all-ones mask is the same as no mask.
        double lossOnes = MeanSquaredError.LossAndGradient<double>(p, y, features, Enumerable.Repeat(1.0, rows).ToArray(),
            new double[p.Length], out _);
        double lossNone = MeanSquaredError.LossAndGradient<double>(p, y, features, ReadOnlySpan<double>.Empty, new double[p.Length], out _);
        Assert.Equal(lossNone, lossOnes);
        Assert.NotEqual(lossNone, loss);
    }

    [Fact]
    public void AllRowsMasked_ZeroLossAndGradient()
    {
        var (p, y) = Case(3, 2, 5);
        var grad = Enumerable.Repeat(9.0, 6).ToArray();
        double loss = MeanSquaredError.LossAndGradient<double>(p, y, 2, new double[3], grad, out int counted);
        Assert.Equal(0.0, loss);
        Assert.Equal(0, counted);
        Assert.All(grad, g => Assert.Equal(0.0, g));
    }

    [Fact]
    public void EmptyGradient_ComputesLossOnly()
    {
        var (p, y) = Case(4, 2, 6);
        double want = Reference(p, y, 2, null, out _);
        Assert.Equal(want, MeanSquaredError.LossAndGradient<double>(p, y, 2, ReadOnlySpan<double>.Empty, Span<double>.Empty, out _), 1e-13);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void MaskLengthMismatch_Throws(int maskLength)
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            MeanSquaredError.LossAndGradient<float>(new float[6], new float[6], 2, new float[maskLength], new float[6], out _));
        Assert.Equal("mask", ex.ParamName);
        Assert.Contains(maskLength.ToString(), ex.Message);
    }

    [Fact]
    public void BadShapes_Throw()
    {
        Assert.Equal("features", Assert.Throws<ArgumentException>(() =>
            MeanSquaredError.LossAndGradient<float>(new float[6], new float[6], 0, default, default, out _)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() =>
            MeanSquaredError.LossAndGradient<float>(new float[6], new float[4], 2, default, default, out _)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() =>
            MeanSquaredError.LossAndGradient<float>(new float[7], new float[7], 2, default, default, out _)).ParamName);
    }
}
