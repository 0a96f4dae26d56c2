// AdamTests.cs — Adam<T> and AdamW<T> against a double-precision scalar reference of torch.optim.Adam / AdamW.
using Recurrent.Optimizers;

namespace Recurrent.Tests.Optimizers;

public class AdamTests
{
    /// <summary>torch.optim.AdamW's update; weightDecay 0 is torch.optim.Adam.</summary>
    private static double[] Reference(double beta1, double beta2, double eps, double weightDecay)
    {
        var m = new double[OptimizerHarness.Count];
        var v = new double[OptimizerHarness.Count];
        return OptimizerHarness.Reference((p, g, lr, step) =>
        {
            int t = step + 1;
            double bc1 = 1 - Math.Pow(beta1, t);
            double bc2 = 1 - Math.Pow(beta2, t);
            for (int i = 0; i < p.Length; i++)
            {
                p[i] *= 1 - lr * weightDecay;
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                double denom = Math.Sqrt(v[i]) / Math.Sqrt(bc2) + eps;
                p[i] -= lr / bc1 * (m[i] / denom);
            }
        });
    }

    [Theory]
    [InlineData(0.9, 0.999, 1e-8)]
    [InlineData(0.8, 0.99, 1e-3)]
    [InlineData(0.0, 0.5, 1e-8)]
    public void AdamMatchesReference_Double(double beta1, double beta2, double eps) =>
        OptimizerHarness.AssertCloseDouble(
            Reference(beta1, beta2, eps, weightDecay: 0),
            OptimizerHarness.Run(new Adam<double>(OptimizerHarness.Count, beta1, beta2, eps)));

    [Theory]
    [InlineData(0.9, 0.999, 1e-8)]
    [InlineData(0.8, 0.99, 1e-3)]
    public void AdamMatchesReference_Float(double beta1, double beta2, double eps) =>
        OptimizerHarness.AssertCloseFloat(
            Reference(beta1, beta2, eps, weightDecay: 0),
            OptimizerHarness.Run(new Adam<float>(OptimizerHarness.Count, beta1, beta2, eps)));

    [Theory]
    [InlineData(0.9, 0.999, 1e-8, 0.01)]
    [InlineData(0.9, 0.999, 1e-8, 0.5)]
    [InlineData(0.8, 0.99, 1e-3, 2.0)]
    public void AdamWMatchesReference_Double(double beta1, double beta2, double eps, double weightDecay) =>
        OptimizerHarness.AssertCloseDouble(
            Reference(beta1, beta2, eps, weightDecay),
            OptimizerHarness.Run(new AdamW<double>(OptimizerHarness.Count, beta1, beta2, eps, weightDecay)));

    [Theory]
    [InlineData(0.9, 0.999, 1e-8, 0.01)]
    [InlineData(0.8, 0.99, 1e-3, 2.0)]
    public void AdamWMatchesReference_Float(double beta1, double beta2, double eps, double weightDecay) =>
        OptimizerHarness.AssertCloseFloat(
            Reference(beta1, beta2, eps, weightDecay),
            OptimizerHarness.Run(new AdamW<float>(OptimizerHarness.Count, beta1, beta2, eps, weightDecay)));

    [Fact]
    public void AdamWDiffersFromAdamWithWeightDecay()
    {
        double[] adam = OptimizerHarness.Run(new Adam<double>(OptimizerHarness.Count));
        double[] adamW = OptimizerHarness.Run(new AdamW<double>(OptimizerHarness.Count, weightDecay: 0.5));
        Assert.NotEqual(adam, adamW);
    }

    [Fact]
    public void AdamWWithoutWeightDecayEqualsAdamExactly()
    {
        Assert.Equal(
            OptimizerHarness.Run(new Adam<double>(OptimizerHarness.Count, 0.8, 0.99, 1e-6)),
            OptimizerHarness.Run(new AdamW<double>(OptimizerHarness.Count, 0.8, 0.99, 1e-6, weightDecay: 0)));
        Assert.Equal(
            OptimizerHarness.Run(new Adam<float>(OptimizerHarness.Count)),
            OptimizerHarness.Run(new AdamW<float>(OptimizerHarness.Count, weightDecay: 0)));
    }

    [Fact]
    public void DefaultsArePyTorchs()
    {
        var adamW = new AdamW<double>(1);
        Assert.Equal((0.9, 0.999, 1e-8, 0.01), (adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void RejectsBadBetas(double beta)
    {
        Assert.Equal("beta1", Assert.ThrowsAny<ArgumentException>(() => new Adam<double>(3, beta1: beta)).ParamName);
        Assert.Equal("beta2", Assert.ThrowsAny<ArgumentException>(() => new Adam<double>(3, beta2: beta)).ParamName);
        Assert.Equal("beta1", Assert.ThrowsAny<ArgumentException>(() => new AdamW<float>(3, beta1: beta)).ParamName);
        Assert.Equal("beta2", Assert.ThrowsAny<ArgumentException>(() => new AdamW<float>(3, beta2: beta)).ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-8)]
    [InlineData(double.PositiveInfinity)]
    public void RejectsBadEpsilon(double eps)
    {
        Assert.Equal("eps", Assert.ThrowsAny<ArgumentException>(() => new Adam<double>(3, eps: eps)).ParamName);
        Assert.Equal("eps", Assert.ThrowsAny<ArgumentException>(() => new AdamW<double>(3, eps: eps)).ParamName);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void RejectsBadWeightDecay(double weightDecay)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new AdamW<double>(3, weightDecay: weightDecay));
        Assert.Equal("weightDecay", ex.ParamName);
        Assert.Contains(weightDecay.ToString(), ex.Message);
    }
}
