// SoftmaxCrossEntropyTests.cs — the fused loss and gradient against a direct double-precision
// log-sum-exp computation, with ignored rows, no counted rows, huge logits and bad targets.
using Recurrent.Losses;

namespace Recurrent.Tests.Losses;

public class SoftmaxCrossEntropyTests
{
    /// <summary>Mean over counted rows of logsumexp(z) - z[y]; gradient (softmax - onehot)/count.</summary>
    private static double Reference(double[] logits, int[] targets, int classes, out double[] gradient, out int counted)
    {
        int rows = targets.Length;
        gradient = new double[rows * classes];
        counted = targets.Count(t => t >= 0);
        if (counted == 0) return 0;
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            if (targets[r] < 0) continue;
            var z = logits.AsSpan(r * classes, classes);
            double max = double.NegativeInfinity;
            foreach (double v in z) max = Math.Max(max, v);
            double sum = 0;
            foreach (double v in z) sum += Math.Exp(v - max);
            double lse = max + Math.Log(sum);
            total += lse - z[targets[r]];
            for (int j = 0; j < classes; j++)
                gradient[r * classes + j] = (Math.Exp(z[j] - lse) - (j == targets[r] ? 1 : 0)) / counted;
        }
        return total / counted;
    }

    private static (double[] Logits, int[] Targets) Case(int rows, int classes, int seed, double scale, int ignoreEvery)
    {
        var random = new Random(seed);
        var logits = new double[rows * classes];
        for (int i = 0; i < logits.Length; i++) logits[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        var targets = new int[rows];
        for (int r = 0; r < rows; r++)
            targets[r] = ignoreEvery > 0 && r % ignoreEvery == 1 ? (r % 2 == 0 ? -100 : SoftmaxCrossEntropy.IgnoreIndex) : random.Next(classes);
        return (logits, targets);
    }

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(5, 2, 0)]
    [InlineData(7, 5, 3)]
    [InlineData(12, 33, 2)]
    [InlineData(4, 65, 0)]
    public void Double_MatchesReference(int rows, int classes, int ignoreEvery)
    {
        var (logits, targets) = Case(rows, classes, rows * 100 + classes, 4.0, ignoreEvery);
        double want = Reference(logits, targets, classes, out double[] wantGrad, out int wantCounted);
        var grad = Enumerable.Repeat(99.0, rows * classes).ToArray(); // stale values must be overwritten
        double loss = SoftmaxCrossEntropy.LossAndGradient<double>(logits, targets, classes, grad, out int counted);
        Assert.Equal(wantCounted, counted);
        Assert.True(Math.Abs(loss - want) <= 1e-12 * Math.Max(1, Math.Abs(want)), $"loss {loss:R} vs {want:R}");
        for (int i = 0; i < grad.Length; i++)
            Assert.True(Math.Abs(grad[i] - wantGrad[i]) <= 1e-14, $"dLogits[{i}] = {grad[i]:R}, reference {wantGrad[i]:R}");
    }

    // Every class count 1..300 (the vector path's full vectors and scalar tails), with and without a gradient.
    [Fact]
    public void Float_MatchesReferenceAtEveryWidth()
    {
        for (int classes = 1; classes <= 300; classes++)
        {
            Float_MatchesReference(3, classes, classes % 3);
            var (logits, targets) = Case(3, classes, classes, 8.0, 0);
            double want = Reference(logits, targets, classes, out _, out _);
            double loss = SoftmaxCrossEntropy.LossAndGradient<float>(logits.Select(v => (float)v).ToArray(), targets, classes, Span<float>.Empty, out _);
            Assert.True(Math.Abs(loss - want) <= 1e-5 * Math.Max(1, Math.Abs(want)), $"classes {classes}: loss without gradient {loss:R} vs {want:R}");
        }
    }

    [Theory]
    [InlineData(7, 5, 3)]
    [InlineData(12, 33, 2)]
    [InlineData(3, 1000, 0)]
    public void Float_MatchesReference(int rows, int classes, int ignoreEvery)
    {
        var (logits, targets) = Case(rows, classes, rows * 100 + classes + 1, 8.0, ignoreEvery);
        double want = Reference(logits, targets, classes, out double[] wantGrad, out int wantCounted);
        float[] logitsF = logits.Select(v => (float)v).ToArray();
        var grad = Enumerable.Repeat(99f, rows * classes).ToArray();
        double loss = SoftmaxCrossEntropy.LossAndGradient<float>(logitsF, targets, classes, grad, out int counted);
        Assert.Equal(wantCounted, counted);
        Assert.True(Math.Abs(loss - want) <= 1e-5 * Math.Max(1, Math.Abs(want)), $"loss {loss:R} vs {want:R}");
        for (int i = 0; i < grad.Length; i++)
            Assert.True(Math.Abs(grad[i] - wantGrad[i]) <= 1e-6 * (Math.Abs(wantGrad[i]) + 1.0 / counted),
                $"dLogits[{i}] = {grad[i]:R}, reference {wantGrad[i]:R}");
    }

    [Fact]
    public void IgnoredRows_HaveZeroGradient_AndDoNotCount()
    {
        var (logits, targets) = Case(9, 4, 42, 3.0, 3); // rows 1, 4, 7 ignored (-1 and -100)
        Assert.Contains(SoftmaxCrossEntropy.IgnoreIndex, targets);
        Assert.Contains(-100, targets);
        var grad = Enumerable.Repeat(5.0, logits.Length).ToArray();
        double loss = SoftmaxCrossEntropy.LossAndGradient<double>(logits, targets, 4, grad, out int counted);
        Assert.Equal(6, counted);
        for (int r = 0; r < 9; r++)
            if (targets[r] < 0) Assert.All(grad[(r * 4)..((r + 1) * 4)], g => Assert.Equal(0.0, g));

        // Same loss as computing over the counted rows alone.
        int[] keep = Enumerable.Range(0, 9).Where(r => targets[r] >= 0).ToArray();
        double[] keptLogits = keep.SelectMany(r => logits[(r * 4)..((r + 1) * 4)]).ToArray();
        int[] keptTargets = keep.Select(r => targets[r]).ToArray();
        double lossKept = SoftmaxCrossEntropy.LossAndGradient<double>(keptLogits, keptTargets, 4, new double[keptLogits.Length], out _);
        Assert.Equal(lossKept, loss, 1e-14);
    }

    [Fact]
    public void AllRowsIgnored_ZeroLossAndZeroGradient()
    {
        var logits = new float[] { 1, 2, 3, 4, 5, 6 };
        var grad = Enumerable.Repeat(7f, 6).ToArray();
        double loss = SoftmaxCrossEntropy.LossAndGradient<float>(logits, [-1, -1], 3, grad, out int counted);
        Assert.Equal(0.0, loss);
        Assert.Equal(0, counted);
        Assert.All(grad, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void NoRows_ZeroLoss()
    {
        double loss = SoftmaxCrossEntropy.LossAndGradient<float>(ReadOnlySpan<float>.Empty, ReadOnlySpan<int>.Empty, 3,
            Span<float>.Empty, out int counted);
        Assert.Equal(0.0, loss);
        Assert.Equal(0, counted);
    }

    [Fact]
    public void HugeLogits_StayFinite()
    {
        // Rows: a confident correct answer, a confident wrong one (loss ≈ 2e4), all equal huge logits.
        var logits = new float[] { 1e4f, -1e4f, 0f, -1e4f, 1e4f, 0f, 1e4f, 1e4f, 1e4f };
        int[] targets = [0, 0, 2];
        double want = Reference(logits.Select(v => (double)v).ToArray(), targets, 3, out double[] wantGrad, out _);
        var grad = new float[9];
        double loss = SoftmaxCrossEntropy.LossAndGradient<float>(logits, targets, 3, grad, out _);
        Assert.True(double.IsFinite(loss), $"loss {loss}");
        Assert.Equal(want, loss, 1e-3);
        Assert.True(Math.Abs(loss - (2e4 + Math.Log(3)) / 3) <= 1e-3);
        for (int i = 0; i < 9; i++)
        {
            Assert.True(float.IsFinite(grad[i]), $"dLogits[{i}] = {grad[i]}");
            Assert.Equal(wantGrad[i], grad[i], 1e-6);
        }
    }

    [Fact]
    public void GradientRowsSumToZero_ForCountedRows()
    {
        var (logits, targets) = Case(10, 17, 7, 6.0, 4);
        float[] logitsF = logits.Select(v => (float)v).ToArray();
        var grad = new float[logits.Length];
        SoftmaxCrossEntropy.LossAndGradient<float>(logitsF, targets, 17, grad, out int counted);
        Assert.True(counted > 0 && counted < 10);
        for (int r = 0; r < 10; r++)
        {
            double sum = grad.AsSpan(r * 17, 17).ToArray().Sum(g => (double)g);
            Assert.True(Math.Abs(sum) <= 1e-6, $"row {r} gradient sums to {sum}");
            if (targets[r] >= 0) Assert.True(grad[r * 17 + targets[r]] < 0, $"row {r}: target logit gradient should be negative");
        }
    }

    [Fact]
    public void EmptyGradient_ComputesLossOnly()
    {
        var (logits, targets) = Case(4, 3, 9, 2.0, 0);
        double want = Reference(logits, targets, 3, out _, out _);
        double loss = SoftmaxCrossEntropy.LossAndGradient<double>(logits, targets, 3, Span<double>.Empty, out int counted);
        Assert.Equal(4, counted);
        Assert.Equal(want, loss, 1e-12);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(int.MaxValue)]
    public void TargetOutOfRange_ThrowsNamingTheRow(int badTarget)
    {
        var logits = new float[4 * 3];
        int[] targets = [0, 2, -1, badTarget];
        var ex = Assert.Throws<ArgumentException>(() =>
            SoftmaxCrossEntropy.LossAndGradient<float>(logits, targets, 3, new float[12], out _));
        Assert.Equal("targets", ex.ParamName);
        Assert.Contains("row 3", ex.Message);
        Assert.Contains(badTarget.ToString(), ex.Message);
    }

    [Fact]
    public void BadShapes_Throw()
    {
        var e1 = Assert.Throws<ArgumentException>(() =>
            SoftmaxCrossEntropy.LossAndGradient<float>(new float[5], [0, 1], 3, new float[6], out _));
        Assert.Equal("logits", e1.ParamName);
        var e2 = Assert.Throws<ArgumentException>(() =>
            SoftmaxCrossEntropy.LossAndGradient<float>(new float[0], [], 0, new float[0], out _));
        Assert.Equal("classes", e2.ParamName);
    }
}
