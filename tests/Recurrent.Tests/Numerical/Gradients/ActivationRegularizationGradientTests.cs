// Finite-difference checks of AWD-LSTM's AR and TAR through the real training path: Trainer.Train (and TrainPadded)
// with ActivationRegularization and TemporalActivationRegularization on; the gradient it hands the step engine
// (captured by the gradient hook, before the update) and the model's input gradient must match central differences
// of cross-entropy + α·mean(h²) + β·mean((h_t − h_{t−1})²) over the last recurrent layer's outputs, for every
// parameter of a 2-layer dense-input model and for the inputs. The step's reported Loss + Penalty is that loss.
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Optimizers;
using Recurrent.Randomness;
using Recurrent.Schedules;
using Recurrent.Training;
using Xunit.Abstractions;
using static Recurrent.Tests.Gradients.GradientSetup;

namespace Recurrent.Tests.Gradients;

public sealed class ActivationRegularizationGradientTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(CellKind.Lstm, false, HeadKind.PerStep, false)]
    [InlineData(CellKind.Gru, true, HeadKind.LastStep, false)]
    [InlineData(CellKind.Lstm, false, HeadKind.PerStep, true)]
    public void LossWithArAndTarMatchesFiniteDifferences(CellKind cell, bool bidirectional, HeadKind head, bool padded)
    {
        const int T = Steps, B = Batch, O = 4;
        const double alpha = 0.7, beta = 1.3;
        var rng = new Rng(7100);
        var model = Model(Config(InputKind.Dense, cell, peepholes: false, layers: 2, bidirectional, head, O), 71);
        double[] x = Uniform(rng, T * B * Features);
        int[] lengths = padded ? [T, 2, 3] : [];
        int rows = head == HeadKind.PerStep ? T * B : B;
        int[] targets = Targets(rng, rows, O);
        if (padded)
            for (int t = 0; t < T; t++)
                for (int b = 0; b < B; b++)
                    if (t >= lengths[b]) targets[t * B + b] = -1;

        var options = new TrainerOptions { ActivationRegularization = alpha, TemporalActivationRegularization = beta };
        var trainer = new Trainer<double>(model, new Sgd<double>(model.Parameters.Count), new ConstantSchedule(0.1), options);
        double[] gradient = [];
        trainer.GradientHook = g => gradient = g.ToArray();
        double[] before = model.Parameters.Values.ToArray();
        StepResult step = padded ? trainer.TrainPadded(x, lengths, targets, T, B) : trainer.Train(x, targets, T, B);
        double[] dx = model.InputGradient.ToArray();
        before.CopyTo(model.Parameters.Values, 0);

        double Penalty() => ActivationRegularization.PenaltyAndGradient<double>(model.Stack.Output, Span<double>.Empty, T, B,
            model.Stack.OutputSize, alpha, beta, lengths);
        double Loss()
        {
            model.Forward(x, T, B, training: false, lengths);
            return SoftmaxCrossEntropy.LossAndGradient(model.Output, targets, O, Span<double>.Empty, out _) + Penalty();
        }

        double total = Loss();
        Assert.True(step.Penalty > 1e-3, $"penalty {step.Penalty}");
        Assert.Equal(Penalty(), step.Penalty, 12);
        Assert.Equal(total, step.Loss + step.Penalty, 12);

        var checks = model.Parameters.Parameters
            .Select(p => new GradientTarget(p.Name, p.Shape, () => model.Parameters.Value(p), gradient.AsSpan(p.Offset, p.Length).ToArray()))
            .ToList();
        if (!padded) checks.Add(GradientTarget.Of("input", [T, B, Features], x, dx));
        new GradientChecker(log).CheckAll(Loss, checks);
        if (padded)
        {
            // Features at padding positions are ignored: their gradient is zero; the valid ones are checked.
            var valid = Enumerable.Range(0, T * B * Features).Where(i => (i / Features) / B < lengths[(i / Features) % B]).ToArray();
            foreach (int i in Enumerable.Range(0, T * B * Features).Except(valid)) Assert.Equal(0.0, dx[i]);
            double[] xv = valid.Select(i => x[i]).ToArray();
            double LossValid() { for (int k = 0; k < valid.Length; k++) x[valid[k]] = xv[k]; return Loss(); }
            new GradientChecker(log).CheckAll(LossValid, [GradientTarget.Of("input (valid steps)", [valid.Length], xv, valid.Select(i => dx[i]).ToArray())]);
        }
    }
}
