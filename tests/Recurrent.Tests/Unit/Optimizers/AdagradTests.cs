// AdagradTests.cs — Adagrad<T> against a double-precision scalar reference of torch.optim.Adagrad.
using Recurrent.Optimizers;

namespace Recurrent.Tests.Optimizers;

public class AdagradTests
{
    private static double[] Reference(double eps)
    {
        var sum = new double[OptimizerHarness.Count];
        return OptimizerHarness.Reference((p, g, lr, _) =>
        {
            for (int i = 0; i < p.Length; i++)
            {
                sum[i] += g[i] * g[i];
                p[i] -= lr * g[i] / (Math.Sqrt(sum[i]) + eps);
            }
        });
    }

    [Theory]
    [InlineData(1e-10)]
    [InlineData(0.5)]
    public void MatchesReference_Double(double eps) =>
        OptimizerHarness.AssertCloseDouble(Reference(eps), OptimizerHarness.Run(new Adagrad<double>(OptimizerHarness.Count, eps)));

    [Theory]
    [InlineData(1e-10)]
    [InlineData(0.5)]
    public void MatchesReference_Float(double eps) =>
        OptimizerHarness.AssertCloseFloat(Reference(eps), OptimizerHarness.Run(new Adagrad<float>(OptimizerHarness.Count, eps)));

    [Fact]
    public void DefaultEpsilonIsPyTorchs() => Assert.Equal(1e-10, new Adagrad<float>(1).Epsilon);

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-8)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void RejectsBadEpsilon(double eps)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new Adagrad<double>(3, eps));
        Assert.Equal("eps", ex.ParamName);
    }
}
