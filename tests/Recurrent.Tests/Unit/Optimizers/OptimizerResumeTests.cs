// Resuming an optimizer from its saved state (buffers + step count) continues bit-identically.
using Recurrent.Optimizers;

namespace Recurrent.Tests.Optimizers;

public sealed class OptimizerResumeTests
{
    private static void Steps(Optimizer<double> opt, double[] p, int from, int to)
    {
        var g = new double[p.Length];
        for (int s = from; s < to; s++)
        {
            for (int i = 0; i < g.Length; i++) g[i] = Math.Sin(0.7 * i + 1.3 * s) + 0.1 * p[i];
            opt.Step(p, g, 0.05);
        }
    }

    [Fact]
    public void AdamResumedFromStateAndStepCountMatchesAnUninterruptedRun()
    {
        var straight = Enumerable.Range(0, 9).Select(i => 0.1 * i).ToArray();
        Steps(new Adam<double>(9), straight, 0, 6);

        var resumed = Enumerable.Range(0, 9).Select(i => 0.1 * i).ToArray();
        var first = new Adam<double>(9);
        Steps(first, resumed, 0, 3);
        var second = new Adam<double>(9);
        foreach (var (name, buffer) in first.State)
            buffer.CopyTo(second.State.Single(kv => kv.Key == name).Value, 0);
        second.RestoreStepCount(first.StepCount);
        Steps(second, resumed, 3, 6);
        Assert.Equal(straight, resumed);

        // Without the step count the bias correction restarts and the result differs: the test can fail.
        var wrong = Enumerable.Range(0, 9).Select(i => 0.1 * i).ToArray();
        var a = new Adam<double>(9);
        Steps(a, wrong, 0, 3);
        var b = new Adam<double>(9);
        foreach (var (name, buffer) in a.State) buffer.CopyTo(b.State.Single(kv => kv.Key == name).Value, 0);
        Steps(b, wrong, 3, 6);
        Assert.NotEqual(straight, wrong);
        Assert.Throws<ArgumentOutOfRangeException>(() => b.RestoreStepCount(-1));
    }
}
