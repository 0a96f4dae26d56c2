// PinballLossTests.cs — the pinball (quantile) loss and its gradient against a plain double computation for
// float and double, hand-computed values, the subgradient 0 at p == y, the property the forecaster relies on
// (the constant minimising it is the sample's q-quantile), and the argument checks.
using Recurrent.Losses;
using Recurrent.Randomness;

namespace Recurrent.Tests.Losses;

public class PinballLossTests
{
    /// <summary>mean over (i, j) of max(q·u, (q − 1)·u), u = y_i − p_ij; gradient −q + [p &gt; y], 0 at p == y, over N·Q.</summary>
    private static double Reference(double[] p, double[] y, double[] quantiles, out double[] gradient)
    {
        int n = y.Length, q = quantiles.Length;
        gradient = new double[p.Length];
        double total = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < q; j++)
            {
                double level = quantiles[j], u = y[i] - p[i * q + j];
                total += Math.Max(level * u, (level - 1) * u);
                gradient[i * q + j] = u == 0 ? 0 : (-level + (u < 0 ? 1 : 0)) / (n * q);
            }
        return total / (n * q);
    }

    /// <summary>Float-representable values in ±2; every 7th prediction equals its target (the kink).</summary>
    private static (double[] P, double[] Y) Case(int n, int q, int seed)
    {
        var random = new Random(seed);
        double Next() => (float)(random.NextDouble() * 4 - 2);
        double[] y = Enumerable.Range(0, n).Select(_ => Next()).ToArray();
        double[] p = Enumerable.Range(0, n * q).Select(k => k % 7 == 3 ? y[k / q] : Next()).ToArray();
        return (p, y);
    }

    public static TheoryData<int, double[]> Shapes => new()
    {
        { 1, [0.5] },
        { 1, [0.1, 0.5, 0.9] },
        { 13, [0.25] },
        { 40, [0.05, 0.1, 0.5, 0.9, 0.95] },
        { 257, [0.1, 0.5, 0.9] },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesReference_DoubleAndFloat(int n, double[] quantiles)
    {
        int q = quantiles.Length;
        var (p, y) = Case(n, q, n * 31 + q);
        double want = Reference(p, y, quantiles, out double[] wantGrad);
        Assert.True(want > 0);

        var grad = Enumerable.Repeat(9.0, p.Length).ToArray();
        double loss = PinballLoss.LossAndGradient<double>(p, y, quantiles, grad);
        Assert.Equal(want, loss, 1e-14);
        for (int k = 0; k < p.Length; k++) Assert.Equal(wantGrad[k], grad[k], 1e-15);

        var gradF = Enumerable.Repeat(9f, p.Length).ToArray();
        double lossF = PinballLoss.LossAndGradient<float>(p.Select(v => (float)v).ToArray(), y.Select(v => (float)v).ToArray(),
            quantiles, gradF);
        Assert.True(Math.Abs(lossF - want) <= 1e-12 * Math.Max(1, want), $"float loss {lossF:R} vs {want:R}");
        for (int k = 0; k < p.Length; k++)
            Assert.True(Math.Abs(gradF[k] - wantGrad[k]) <= 1e-7 * Math.Abs(wantGrad[k]), $"float gradient [{k}] {gradF[k]:R} vs {wantGrad[k]:R}");
    }

    [Theory]
    [InlineData(1.0, 0.0, 0.9, 0.9, -0.9)]   // under-prediction costs q per unit: q·(y − p)
    [InlineData(0.0, 1.0, 0.9, 0.1, 0.1)]    // over-prediction costs 1 − q per unit: (1 − q)·(p − y)
    [InlineData(3.0, 1.0, 0.1, 0.2, -0.1)]   // 0.1·2
    [InlineData(-1.0, 1.0, 0.25, 1.5, 0.75)] // 0.75·2
    [InlineData(2.0, 2.0, 0.3, 0.0, 0.0)]    // at the kink: no loss, subgradient 0
    public void SingleValue_HandComputed(double y, double p, double q, double loss, double gradient)
    {
        var grad = new double[1];
        Assert.Equal(loss, PinballLoss.LossAndGradient<double>([p], [y], [q], grad), 1e-15);
        Assert.Equal(gradient, grad[0], 1e-15);
    }

    [Fact]
    public void MeanOverValuesAndQuantiles_HandComputed()
    {
        // Two values (y = 1, y = −2), quantiles 0.1 and 0.9; predictions (N=2, Q=2), quantile innermost.
        double[] p = [0.0, 2.0,    // value 0: p_0.1 = 0 (under by 1: 0.1·1), p_0.9 = 2 (over by 1: 0.1·1)
                      -2.0, -4.0]; // value 1: p_0.1 = −2 (exact: 0),         p_0.9 = −4 (under by 2: 0.9·2)
        var grad = new double[4];
        double loss = PinballLoss.LossAndGradient<double>(p, [1.0, -2.0], [0.1, 0.9], grad);
        Assert.Equal((0.1 + 0.1 + 0 + 1.8) / 4, loss, 1e-15);
        double[] want = [-0.1 / 4, 0.1 / 4, 0.0, -0.9 / 4];
        for (int k = 0; k < 4; k++) Assert.Equal(want[k], grad[k], 1e-15);
    }

    [Fact]
    public void EmptyGradient_ComputesLossOnly()
    {
        double[] quantiles = [0.1, 0.5, 0.9];
        var (p, y) = Case(9, 3, 4);
        double want = Reference(p, y, quantiles, out _);
        Assert.Equal(want, PinballLoss.LossAndGradient<double>(p, y, quantiles, Span<double>.Empty), 1e-14);
    }

    [Fact]
    public void NaNTarget_GivesNaNLoss()
    {
        Assert.True(double.IsNaN(PinballLoss.LossAndGradient<float>([0f, 1f], [float.NaN], [0.2, 0.8], new float[2])));
    }

    // The property quantile forecasting rests on: over a constant prediction, the pinball loss is minimised at the
    // sample's q-quantile. Gradient descent on three constants at once (one per quantile, (N, Q) predictions with
    // each row the same) from far away, using only the kernel's gradient, must end at the three sample quantiles.
    [Fact]
    public void GradientDescentOnAConstant_FindsTheSampleQuantiles()
    {
        const int N = 10_000;
        double[] quantiles = [0.1, 0.5, 0.9];
        const int Q = 3;
        var rng = new Rng(2024);
        double[] y = Enumerable.Range(0, N).Select(_ => rng.NextGaussian()).ToArray();
        double[] sorted = y.Order().ToArray();

        double[] constants = [3.0, -3.0, -3.0];
        var p = new double[N * Q];
        var grad = new double[N * Q];
        const int Iterations = 3000;
        double lr = 0.5, decay = Math.Pow(1e-4 / lr, 1.0 / Iterations);
        for (int it = 0; it < Iterations; it++, lr *= decay)
        {
            for (int i = 0; i < N; i++) constants.CopyTo(p, i * Q);
            PinballLoss.LossAndGradient<double>(p, y, quantiles, grad);
            for (int j = 0; j < Q; j++)
            {
                double d = 0;                       // dL/dc_j = Σ_i dL/dp_ij = (F_n(c_j) − q_j)/Q away from ties
                for (int i = 0; i < N; i++) d += grad[i * Q + j];
                constants[j] -= lr * Q * d;
            }
        }

        for (int j = 0; j < Q; j++)
        {
            // N·q is an integer, so every point between the (N·q)-th and (N·q + 1)-th order statistics minimises it.
            int k = (int)Math.Round(N * quantiles[j]);
            double low = sorted[k - 1], high = sorted[k];
            Assert.True(constants[j] >= low - 2e-3 && constants[j] <= high + 2e-3,
                $"q={quantiles[j]}: descent ended at {constants[j]:F5}; sample quantile in [{low:F5}, {high:F5}]");
            double lossThere = ConstantLoss(y, quantiles[j], constants[j]);
            foreach (double shift in new[] { -0.1, -0.02, 0.02, 0.1 })
                Assert.True(ConstantLoss(y, quantiles[j], constants[j] + shift) > lossThere, $"q={quantiles[j]}: not minimal vs shift {shift}");
        }
        // And the sample quantiles are those of N(0, 1): z_0.1 = −1.2816, z_0.5 = 0, z_0.9 = 1.2816 (sd ≈ 0.017, 0.013).
        Assert.Equal(-1.2816, constants[0], 0.06);
        Assert.Equal(0.0, constants[1], 0.05);
        Assert.Equal(1.2816, constants[2], 0.06);
    }

    private static double ConstantLoss(double[] y, double q, double c)
    {
        var p = Enumerable.Repeat(c, y.Length).ToArray();
        return PinballLoss.LossAndGradient<double>(p, y, [q], Span<double>.Empty);
    }

    public static TheoryData<double[], string> BadQuantiles => new()
    {
        { [], "empty" },
        { [0.0], "outside (0, 1)" },
        { [1.0], "outside (0, 1)" },
        { [-0.1, 0.5], "outside (0, 1)" },
        { [0.5, 1.5], "outside (0, 1)" },
        { [0.1, double.NaN], "outside (0, 1)" },
        { [0.5, 0.5], "strictly increasing" },
        { [0.9, 0.1], "strictly increasing" },
    };

    [Theory]
    [MemberData(nameof(BadQuantiles))]
    public void BadQuantiles_Throw(double[] quantiles, string message)
    {
        int q = Math.Max(1, quantiles.Length);
        var ex = Assert.Throws<ArgumentException>(() =>
            PinballLoss.LossAndGradient<float>(new float[2 * q], new float[2], quantiles, new float[2 * q]));
        Assert.Equal("quantiles", ex.ParamName);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void BadShapes_Throw()
    {
        double[] quantiles = [0.1, 0.9];
        var empty = Assert.Throws<ArgumentException>(() =>
            PinballLoss.LossAndGradient<float>([], [], quantiles, []));
        Assert.Equal("targets", empty.ParamName);
        Assert.Contains("empty", empty.Message);

        var predictions = Assert.Throws<ArgumentException>(() =>
            PinballLoss.LossAndGradient<float>(new float[5], new float[3], quantiles, []));
        Assert.Equal("predictions", predictions.ParamName);
        Assert.Contains("3*2", predictions.Message);

        var gradient = Assert.Throws<ArgumentException>(() =>
            PinballLoss.LossAndGradient<float>(new float[6], new float[3], quantiles, new float[5]));
        Assert.Equal("dPredictions", gradient.ParamName);
        Assert.Contains("5", gradient.Message);
    }
}
