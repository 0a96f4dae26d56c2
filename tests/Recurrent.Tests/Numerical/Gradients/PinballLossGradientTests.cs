// Finite-difference checks of the pinball loss gradient: on the kernel's predictions alone, and through a dense
// last-step SequenceModel<double> whose head emits V values × Q quantiles per row (the layout TrainQuantiles uses).
// The loss is piecewise linear with kinks at p == y, so every case first asserts each prediction is at least
// 1e-3 from its target: ε = 1e-6 perturbations then never cross a kink and central differences are exact.
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Randomness;
using Xunit.Abstractions;
using static Recurrent.Tests.Gradients.GradientSetup;

namespace Recurrent.Tests.Gradients;

public sealed class PinballLossGradientTests(ITestOutputHelper log)
{
    private const double KinkMargin = 1e-3;

    [Fact]
    public void KernelGradientMatchesFiniteDifferences()
    {
        const int N = 11;
        double[] quantiles = [0.05, 0.3, 0.5, 0.77, 0.95];
        int q = quantiles.Length;
        var rng = new Rng(7001);
        double[] y = Uniform(rng, N, 2.0);
        double[] p = Uniform(rng, N * q, 2.0);
        for (int k = 0; k < p.Length; k++)                  // push any near-tie 0.05 off the kink
        {
            double d = p[k] - y[k / q];
            if (Math.Abs(d) < 0.05) p[k] = y[k / q] + (d >= 0 ? 0.05 : -0.05);
        }
        AssertAwayFromKinks(p, y, q);
        Assert.Contains(p.Select((v, k) => v > y[k / q]), above => above);  // both sides of the kink occur
        Assert.Contains(p.Select((v, k) => v > y[k / q]), above => !above);

        var grad = new double[p.Length];
        PinballLoss.LossAndGradient<double>(p, y, quantiles, grad);
        new GradientChecker(log).Check("predictions", [N, q],
            () => PinballLoss.LossAndGradient<double>(p, y, quantiles, Span<double>.Empty), () => p, grad);
    }

    [Theory]
    [InlineData(CellKind.Lstm, false)]
    [InlineData(CellKind.Gru, true)]
    public void DenseLastStepPinballThroughTheModel(CellKind kind, bool bidirectional)
    {
        const int T = Steps, B = Batch, V = 2;
        double[] quantiles = [0.1, 0.5, 0.9];
        int q = quantiles.Length;
        var rng = new Rng(7100 + (ulong)kind * 10 + (bidirectional ? 1UL : 0));
        var model = Model(Config(InputKind.Dense, kind, peepholes: false, layers: 2, bidirectional, HeadKind.LastStep, V * q), 71);
        double[] x = Uniform(rng, T * B * Features);
        double[] y = Uniform(rng, B * V);                  // (B,V); the output is (B, V·Q)
        RandomInitialState(model, B, rng);
        double Loss()
        {
            model.Forward(x, T, B, training: false);
            return PinballLoss.LossAndGradient(model.Output, y, quantiles, Span<double>.Empty);
        }

        model.Forward(x, T, B, training: false);
        AssertAwayFromKinks(model.Output.ToArray(), y, q);
        var dOut = new double[model.Output.Length];
        PinballLoss.LossAndGradient(model.Output, y, quantiles, dOut);
        model.Parameters.ZeroGradients();
        model.Backward(dOut);

        var targets = GradientTarget.Parameters(model.Parameters);
        targets.AddRange(InitialStateTargets(model, B));
        targets.Add(GradientTarget.Of("input", [T, B, Features], x, model.InputGradient));
        new GradientChecker(log).CheckAll(Loss, targets);
    }

    private static void AssertAwayFromKinks(double[] p, double[] y, int q)
    {
        for (int k = 0; k < p.Length; k++)
            Assert.True(Math.Abs(p[k] - y[k / q]) >= KinkMargin, $"prediction {k} = {p[k]:R} is within {KinkMargin} of its target {y[k / q]:R}");
    }
}
