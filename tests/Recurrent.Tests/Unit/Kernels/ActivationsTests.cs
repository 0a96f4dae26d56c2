// ActivationsTests.cs — Sigmoid/Tanh/Relu/Softsign/HardSigmoid against Math-based double references over a grid that
// includes large |x| (no overflow, no NaN), and the gradient-from-output helpers against central finite differences
// (hard sigmoid also at its kinks, where the subgradient 0 is the documented choice).
using Recurrent.Kernels;

namespace Recurrent.Tests.Kernels;

public class ActivationsTests
{
    /// <summary>-30..30 in steps of 1/64 (exact in float), plus values where exp over/underflows.</summary>
    private static IEnumerable<double> Grid()
    {
        for (int i = -30 * 64; i <= 30 * 64; i++) yield return i / 64.0;
        foreach (double x in new[] { 1e-30, -1e-30, 87.0, -87.0, 89.0, -89.0, 104.0, -104.0, 709.0, -709.0, 711.0, -711.0, 1000.0, -1000.0 })
            yield return x;
    }

    private static double SigmoidReference(double x) => 1.0 / (1.0 + Math.Exp(-x));

    [Fact]
    public void Sigmoid_Double_MatchesReference()
    {
        foreach (double x in Grid())
        {
            double got = Activations.Sigmoid(x), want = x >= 0 ? SigmoidReference(x) : Math.Exp(x) / (1 + Math.Exp(x));
            Assert.True(double.IsFinite(got) && got >= 0 && got <= 1, $"sigmoid({x}) = {got}");
            Assert.True(Math.Abs(got - want) <= 1e-14 * want, $"sigmoid({x}) = {got:R}, reference {want:R}");
        }
    }

    [Fact]
    public void Sigmoid_Float_MatchesReference()
    {
        foreach (double xd in Grid())
        {
            float x = (float)xd;
            float got = Activations.Sigmoid(x);
            Assert.True(float.IsFinite(got) && got >= 0 && got <= 1, $"sigmoid({x}f) = {got}");
            double want = SigmoidReference(x);
            if (want > 1e-30) // below that float is subnormal and only absolute accuracy is meaningful
                Assert.True(Math.Abs(got - want) <= 1e-6 * want, $"sigmoid({x}f) = {got:R}, reference {want:R}");
            else
                Assert.True(Math.Abs(got - want) <= 1e-37, $"sigmoid({x}f) = {got:R}, reference {want:R}");
        }
    }

    [Fact]
    public void Sigmoid_HugeArguments_SaturateWithoutNaN()
    {
        Assert.Equal(1f, Activations.Sigmoid(1000f));
        Assert.Equal(0f, Activations.Sigmoid(-1000f));
        Assert.Equal(1.0, Activations.Sigmoid(1000.0));
        Assert.Equal(0.0, Activations.Sigmoid(-1000.0));
        Assert.Equal(1f, Activations.Sigmoid(float.MaxValue));
        Assert.Equal(0f, Activations.Sigmoid(float.MinValue));
        Assert.Equal(1.0, Activations.Sigmoid(double.PositiveInfinity));
        Assert.Equal(0.0, Activations.Sigmoid(double.NegativeInfinity));
    }

    [Fact]
    public void Tanh_MatchesReference()
    {
        foreach (double x in Grid())
        {
            double got = Activations.Tanh(x), want = Math.Tanh(x);
            Assert.True(Math.Abs(got - want) <= 1e-15 * Math.Abs(want) + 1e-300, $"tanh({x}) = {got:R}, reference {want:R}");
            float gotF = Activations.Tanh((float)x);
            double wantF = Math.Tanh((float)x);
            Assert.True(Math.Abs(gotF - wantF) <= 1e-6 * Math.Abs(wantF) + 1e-38, $"tanh({(float)x}f) = {gotF:R}, reference {wantF:R}");
        }
        Assert.Equal(1f, Activations.Tanh(1000f));
        Assert.Equal(-1f, Activations.Tanh(-1000f));
    }

    [Fact]
    public void Relu_MatchesReference()
    {
        foreach (double x in Grid())
        {
            Assert.Equal(Math.Max(x, 0.0), Activations.Relu(x));
            Assert.Equal(MathF.Max((float)x, 0f), Activations.Relu((float)x));
        }
    }

    [Fact]
    public void Softsign_MatchesReference_AndStaysInsideMinusOneOne()
    {
        foreach (double x in Grid())
        {
            double want = x / (1 + Math.Abs(x));
            Assert.True(Math.Abs(Activations.Softsign(x) - want) <= 1e-16 * Math.Abs(want) + 1e-300, $"softsign({x})");
            float f = (float)x;
            float got = Activations.Softsign(f);
            double wantF = f / (1 + Math.Abs((double)f));
            Assert.True(Math.Abs(got - wantF) <= 2e-7 * Math.Abs(wantF) + 1e-38, $"softsign({f}f) = {got:R}, reference {wantF:R}");
            Assert.InRange(got, -1f, 1f);
        }
        Assert.Equal(0.5, Activations.Softsign(1.0));
        Assert.Equal(-0.75, Activations.Softsign(-3.0));
        Assert.Equal(1f, Activations.Softsign(float.MaxValue));
        Assert.True(Activations.Softsign(1e4f) < 1f, "softsign saturates only polynomially: below 1 at 1e4");
    }

    [Fact]
    public void HardSigmoid_IsOnnxHardSigmoidWithAlpha02Beta05()
    {
        foreach (double x in Grid())
        {
            double want = Math.Max(0, Math.Min(1, 0.2 * x + 0.5));
            Assert.True(Math.Abs(Activations.HardSigmoid(x) - want) <= 1e-16, $"hard_sigmoid({x}) = {Activations.HardSigmoid(x):R}, reference {want:R}");
            float f = (float)x;
            float wantF = MathF.Max(0f, MathF.Min(1f, 0.2f * f + 0.5f));
            Assert.Equal(wantF, Activations.HardSigmoid(f));
        }
        Assert.Equal(0.5, Activations.HardSigmoid(0.0));
        Assert.Equal(0.0, Activations.HardSigmoid(-3.0));
        Assert.Equal(1.0, Activations.HardSigmoid(3.0));
        Assert.Equal(0.7, Activations.HardSigmoid(1.0), 15);
    }

    // ---- derivatives from the forward output vs central differences of the forward function (double) ----

    private static void CheckGradient(Func<double, double> f, Func<double, double> gradFromOutput, string name, bool skipKink)
    {
        const double h = 1e-6;
        for (int i = -8 * 16; i <= 8 * 16; i++)
        {
            double x = i / 16.0 + 1.0 / 1024; // off the grid points, so relu's kink at 0 is never straddled
            if (skipKink && Math.Abs(x) < 2 * h) continue;
            double fd = (f(x + h) - f(x - h)) / (2 * h);
            double analytic = gradFromOutput(f(x));
            Assert.True(Math.Abs(analytic - fd) <= 1e-8 + 1e-7 * Math.Abs(fd),
                $"{name}'({x}) from output = {analytic:R}, finite difference {fd:R}");
        }
    }

    [Fact]
    public void SigmoidGradFromOutput_MatchesFiniteDifference() =>
        CheckGradient(Activations.Sigmoid, Activations.SigmoidGradFromOutput, "sigmoid", skipKink: false);

    [Fact]
    public void TanhGradFromOutput_MatchesFiniteDifference() =>
        CheckGradient(Activations.Tanh, Activations.TanhGradFromOutput, "tanh", skipKink: false);

    [Fact]
    public void SoftsignGradFromOutput_MatchesFiniteDifference()
    {
        CheckGradient(Activations.Softsign, Activations.SoftsignGradFromOutput, "softsign", skipKink: false);
        Assert.Equal(1.0, Activations.SoftsignGradFromOutput(Activations.Softsign(0.0)));
        Assert.Equal(0.25, Activations.SoftsignGradFromOutput(Activations.Softsign(1.0)));   // 1/(1+1)²
        Assert.Equal(1.0 / 16, Activations.SoftsignGradFromOutput(Activations.Softsign(-3.0)));
    }

    // The grid x = i/16 + 1/1024 stays 1/1024 away from the kinks at ±2.5, far more than the step 1e-6.
    [Fact]
    public void HardSigmoidGradFromOutput_MatchesFiniteDifference_AndIsZeroAtTheKinks()
    {
        CheckGradient(Activations.HardSigmoid, Activations.HardSigmoidGradFromOutput, "hard_sigmoid", skipKink: false);
        Assert.Equal(0.2, Activations.HardSigmoidGradFromOutput(Activations.HardSigmoid(0.0)));
        Assert.Equal(0.0, Activations.HardSigmoidGradFromOutput(Activations.HardSigmoid(2.5)));    // y = 1: the flat side's slope
        Assert.Equal(0.0, Activations.HardSigmoidGradFromOutput(Activations.HardSigmoid(-2.5)));   // y = 0
        Assert.Equal(0.0, Activations.HardSigmoidGradFromOutput(Activations.HardSigmoid(7.0)));
        Assert.Equal(0.2f, Activations.HardSigmoidGradFromOutput(Activations.HardSigmoid(2.4f)));
        Assert.Equal(0f, Activations.HardSigmoidGradFromOutput(Activations.HardSigmoid(-2.6f)));
    }

    [Fact]
    public void ReluGradFromOutput_MatchesFiniteDifference()
    {
        CheckGradient(Activations.Relu, Activations.ReluGradFromOutput, "relu", skipKink: true);
        Assert.Equal(0.0, Activations.ReluGradFromOutput(Activations.Relu(0.0))); // 0 at the kink, as PyTorch
        Assert.Equal(0f, Activations.ReluGradFromOutput(Activations.Relu(-3f)));
        Assert.Equal(1f, Activations.ReluGradFromOutput(Activations.Relu(3f)));
    }

    [Fact]
    public void GradFromOutput_FloatMatchesDoubleFormula()
    {
        for (int i = -200; i <= 200; i++)
        {
            float x = i / 20f;
            float s = Activations.Sigmoid(x), t = Activations.Tanh(x);
            Assert.True(Math.Abs(Activations.SigmoidGradFromOutput(s) - s * (1.0 - s)) <= 1e-7, $"sigmoid' at {x}");
            Assert.True(Math.Abs(Activations.TanhGradFromOutput(t) - (1.0 - (double)t * t)) <= 2e-7, $"tanh' at {x}");
        }
        Assert.Equal(0f, Activations.SigmoidGradFromOutput(Activations.Sigmoid(-1000f)));
        Assert.Equal(0f, Activations.SigmoidGradFromOutput(Activations.Sigmoid(1000f)));
        Assert.Equal(0f, Activations.TanhGradFromOutput(Activations.Tanh(1000f)));
    }
}
