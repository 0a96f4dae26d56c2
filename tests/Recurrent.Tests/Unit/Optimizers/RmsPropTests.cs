// RmsPropTests.cs — RmsProp<T> against a double-precision scalar reference of torch.optim.RMSprop.
using Recurrent.Optimizers;

namespace Recurrent.Tests.Optimizers;

public class RmsPropTests
{
    private static double[] Reference(double alpha, double eps)
    {
        var sq = new double[OptimizerHarness.Count];
        return OptimizerHarness.Reference((p, g, lr, _) =>
        {
            for (int i = 0; i < p.Length; i++)
            {
                sq[i] = alpha * sq[i] + (1 - alpha) * g[i] * g[i];
                p[i] -= lr * g[i] / (Math.Sqrt(sq[i]) + eps);
            }
        });
    }

    [Theory]
    [InlineData(0.99, 1e-8)]
    [InlineData(0.95, 1e-8)]
    [InlineData(0.5, 0.1)]
    public void MatchesReference_Double(double alpha, double eps) =>
        OptimizerHarness.AssertCloseDouble(Reference(alpha, eps), OptimizerHarness.Run(new RmsProp<double>(OptimizerHarness.Count, alpha, eps)));

    [Theory]
    [InlineData(0.99, 1e-8)]
    [InlineData(0.95, 1e-8)]
    public void MatchesReference_Float(double alpha, double eps) =>
        OptimizerHarness.AssertCloseFloat(Reference(alpha, eps), OptimizerHarness.Run(new RmsProp<float>(OptimizerHarness.Count, alpha, eps)));

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void RejectsBadAlpha(double alpha)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new RmsProp<double>(3, alpha));
        Assert.Equal("alpha", ex.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    public void RejectsBadEpsilon(double eps)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new RmsProp<double>(3, eps: eps));
        Assert.Equal("eps", ex.ParamName);
    }
}
