// SgdTests.cs — Sgd<T> against a double-precision scalar reference of torch.optim.SGD (dampening 0).
using Recurrent.Optimizers;

namespace Recurrent.Tests.Optimizers;

public class SgdTests
{
    private static double[] Reference(double momentum, bool nesterov)
    {
        var buf = new double[OptimizerHarness.Count];
        return OptimizerHarness.Reference((p, g, lr, step) =>
        {
            for (int i = 0; i < p.Length; i++)
            {
                double update = g[i];
                if (momentum != 0)
                {
                    buf[i] = step == 0 ? g[i] : momentum * buf[i] + g[i];
                    update = nesterov ? g[i] + momentum * buf[i] : buf[i];
                }

                p[i] -= lr * update;
            }
        });
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.9, false)]
    [InlineData(0.5, true)]
    [InlineData(0.9, true)]
    public void MatchesReference_Double(double momentum, bool nesterov) =>
        OptimizerHarness.AssertCloseDouble(
            Reference(momentum, nesterov),
            OptimizerHarness.Run(new Sgd<double>(OptimizerHarness.Count, momentum, nesterov)));

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.9, false)]
    [InlineData(0.9, true)]
    public void MatchesReference_Float(double momentum, bool nesterov) =>
        OptimizerHarness.AssertCloseFloat(
            Reference(momentum, nesterov),
            OptimizerHarness.Run(new Sgd<float>(OptimizerHarness.Count, momentum, nesterov)));

    [Fact]
    public void FirstStepUsesTheGradientAsTheMomentumBuffer()
    {
        // torch starts the buffer at g, not at (1 - dampening)·g from zero: after one step p = p0 - lr·g.
        var sgd = new Sgd<double>(2, momentum: 0.9);
        double[] p = [1.0, -2.0];
        sgd.Step(p, [0.5, 0.25], 0.1);
        Assert.Equal(1.0 - 0.1 * 0.5, p[0]);
        Assert.Equal(-2.0 - 0.1 * 0.25, p[1]);
        Assert.Equal([0.5, 0.25], sgd.State[0].Value);
    }

    [Fact]
    public void NesterovDiffersFromPlainMomentum()
    {
        double[] plain = OptimizerHarness.Run(new Sgd<double>(OptimizerHarness.Count, momentum: 0.9));
        double[] nesterov = OptimizerHarness.Run(new Sgd<double>(OptimizerHarness.Count, momentum: 0.9, nesterov: true));
        double largest = 0;
        for (int i = 0; i < plain.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs(plain[i] - nesterov[i]));
        }

        Assert.True(largest > 1e-3, $"nesterov and plain momentum differ by only {largest:E3}");
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void RejectsMomentumOutsideUnitInterval(double momentum)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new Sgd<double>(3, momentum));
        Assert.Equal("momentum", ex.ParamName);
        Assert.Contains(momentum.ToString(), ex.Message);
    }

    [Fact]
    public void NesterovRequiresMomentum()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new Sgd<double>(3, momentum: 0, nesterov: true));
        Assert.Equal("nesterov", ex.ParamName);
    }
}
