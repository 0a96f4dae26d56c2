// Trainer.TrainQuantiles: one step is exactly forward → PinballLoss → backward → update on the (B, V·Q) output
// with (B, V) targets; a small dense GRU trained on target = x_last + N(0, 0.5²) learns calibrated conditional
// quantiles (held-out coverage near 0.1/0.5/0.9 on each half of the input range, not only overall, which a
// model ignoring its input could also reach); and the shape and quantile arguments are checked.
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Randomness;
using Recurrent.Schedules;
using Recurrent.Training;
using Xunit.Abstractions;

namespace Recurrent.Tests.Training;

public sealed class TrainQuantilesTests(ITestOutputHelper log)
{
    private const int Steps = 4;
    private const double NoiseSd = 0.5;
    private static readonly double[] Levels = [0.1, 0.5, 0.9];

    private static ModelConfig Config(int outputSize, int hidden = 16) => new()
    {
        Input = InputKind.Dense, InputSize = 1, Cell = CellKind.Gru, HiddenSize = hidden,
        Head = HeadKind.LastStep, OutputSize = outputSize,
    };

    /// <summary>x (T,B,1) from U(±1); targets (B) = x at the last step + N(0, 0.5²).</summary>
    private static void Batch(Rng rng, int batch, float[] x, float[] targets)
    {
        for (int i = 0; i < Steps * batch; i++) x[i] = (float)rng.Uniform(-1, 1);
        for (int b = 0; b < batch; b++) targets[b] = x[(Steps - 1) * batch + b] + (float)(NoiseSd * rng.NextGaussian());
    }

    // One SGD step through TrainQuantiles equals the same step done by hand, with V = 2 values per row, so the
    // (B, V·Q) output / (B, V) target layout and the plain update θ − lr·g are both pinned down.
    [Fact]
    public void OneStepEqualsForwardPinballBackwardUpdate()
    {
        const int B = 3, V = 2, T = 3;
        const double Lr = 0.1;
        var config = new ModelConfig
        {
            Input = InputKind.Dense, InputSize = 2, Cell = CellKind.Lstm, HiddenSize = 5,
            Head = HeadKind.LastStep, OutputSize = V * Levels.Length,
        };
        var trained = new SequenceModel<double>(config, 9);
        var manual = new SequenceModel<double>(config, 9);
        var rng = new Rng(11);
        double[] x = Enumerable.Range(0, T * B * 2).Select(_ => rng.Uniform(-1, 1)).ToArray();
        double[] y = Enumerable.Range(0, B * V).Select(_ => rng.Uniform(-1, 1)).ToArray();

        manual.Forward(x, T, B, training: true);
        var dOut = new double[manual.Output.Length];
        double wantLoss = PinballLoss.LossAndGradient(manual.Output, y, Levels, dOut);
        manual.Parameters.ZeroGradients();
        manual.Backward(dOut);
        double[] want = manual.Parameters.Values.ToArray();
        for (int i = 0; i < want.Length; i++) want[i] -= Lr * manual.Parameters.Gradients[i];

        var trainer = new Trainer<double>(trained, new Sgd<double>(trained.Parameters.Count), new ConstantSchedule(Lr));
        var result = trainer.TrainQuantiles(x, y, Levels, T, B);

        Assert.False(result.Skipped);
        Assert.Equal(wantLoss, result.Loss);
        Assert.Equal(B, result.Counted);
        Assert.True(result.GradientNorm > 0);
        Assert.Equal(want, trained.Parameters.Values.ToArray());
        Assert.NotEqual(manual.Parameters.Values.ToArray(), trained.Parameters.Values.ToArray());
    }

    [Fact]
    public void LearnsCalibratedConditionalQuantiles()
    {
        const int B = 64, TrainSteps = 1500, Held = 4000;
        var model = new SequenceModel<float>(Config(Levels.Length), 5);
        var trainer = new Trainer<float>(model, new Adam<float>(model.Parameters.Count), new ConstantSchedule(0.01));
        // Held-out: fresh sequences, scored before and after training by one forward each.
        var hx = new float[Steps * Held];
        var hy = new float[Held];
        Batch(new Rng(999), Held, hx, hy);
        model.ResetState();
        double heldBefore = PinballLoss.LossAndGradient<float>(model.Forward(hx, Steps, Held, training: false), hy, Levels, Span<float>.Empty);

        var rng = new Rng(123);
        var x = new float[Steps * B];
        var y = new float[B];
        var losses = new double[TrainSteps];
        for (int s = 0; s < TrainSteps; s++)
        {
            Batch(rng, B, x, y);
            model.ResetState();
            var r = trainer.TrainQuantiles(x, y, Levels, Steps, B);
            Assert.False(r.Skipped);
            losses[s] = r.Loss;
        }
        double first = losses.Take(10).Average(), last = losses.TakeLast(100).Average();
        log.WriteLine($"training loss: first 10 steps {first:F4}, last 100 {last:F4}");
        Assert.True(last < 0.8 * first, $"the training loss did not decrease enough: {first:F4} → {last:F4}");

        model.ResetState();
        float[] pred = model.Forward(hx, Steps, Held, training: false).ToArray();   // (Held, Q)
        double heldLoss = PinballLoss.LossAndGradient<float>(pred, hy, Levels, Span<float>.Empty);
        // The best possible: the true conditional quantiles x + σ·z_q give E ρ_q = σ·φ(z_q) for Gaussian noise.
        double optimum = NoiseSd * (0.17550 + 0.39894 + 0.17550) / 3;
        log.WriteLine($"held-out pinball loss {heldBefore:F4} before training, {heldLoss:F4} after (optimum {optimum:F4})");
        Assert.True(heldLoss < 0.6 * heldBefore, $"held-out loss {heldBefore:F4} → {heldLoss:F4}");
        Assert.True(heldLoss < 1.08 * optimum, $"held-out loss {heldLoss:F4} vs optimum {optimum:F4}");

        double medianError = 0;
        for (int b = 0; b < Held; b++) medianError += Math.Abs(pred[b * 3 + 1] - hx[(Steps - 1) * Held + b]);
        medianError /= Held;
        log.WriteLine($"mean |median − x_last| {medianError:F4}");
        Assert.True(medianError < 0.1, $"the median does not follow the input: mean |p_0.5 − x_last| = {medianError:F4}");

        foreach (var (name, keep, tolerance) in new (string, Func<float, bool>, double)[]
                 { ("all", _ => true, 0.05), ("x_last < 0", v => v < 0, 0.07), ("x_last >= 0", v => v >= 0, 0.07) })
        {
            int[] rows = Enumerable.Range(0, Held).Where(b => keep(hx[(Steps - 1) * Held + b])).ToArray();
            Assert.True(rows.Length > Held / 3);
            for (int j = 0; j < Levels.Length; j++)
            {
                double below = rows.Count(b => hy[b] < pred[b * 3 + j]) / (double)rows.Length;
                log.WriteLine($"{name}: fraction below the {Levels[j]} prediction = {below:F3}");
                Assert.True(Math.Abs(below - Levels[j]) <= tolerance, $"{name}: {below:F3} of targets below the q={Levels[j]} prediction");
            }
        }
    }

    [Fact]
    public void BadArgumentsThrow()
    {
        var model = new SequenceModel<float>(Config(outputSize: 4, hidden: 3), 1);
        var trainer = new Trainer<float>(model, new Sgd<float>(model.Parameters.Count), new ConstantSchedule(0.1));
        float[] weights = model.Parameters.Values.ToArray();
        var x = new float[2 * 3];                          // T=2, B=3, F=1

        var notMultiple = Assert.Throws<ArgumentException>(() => trainer.TrainQuantiles(x, new float[3], [0.1, 0.5, 0.9], 2, 3));
        Assert.Equal("quantiles", notMultiple.ParamName);
        Assert.Contains("OutputSize 4", notMultiple.Message);

        Assert.Equal("quantiles", Assert.Throws<ArgumentException>(() => trainer.TrainQuantiles(x, new float[6], [0.9, 0.1], 2, 3)).ParamName);
        Assert.Equal("quantiles", Assert.Throws<ArgumentException>(() => trainer.TrainQuantiles(x, new float[6], [], 2, 3)).ParamName);

        // OutputSize 4 = 2 values × 2 quantiles: targets must be (B=3, 2) = 6 values.
        var wrongTargets = Assert.Throws<ArgumentException>(() => trainer.TrainQuantiles(x, new float[3], [0.25, 0.75], 2, 3));
        Assert.Equal("targets", wrongTargets.ParamName);
        Assert.Contains("expected 6", wrongTargets.Message);

        Assert.Equal(weights, model.Parameters.Values.ToArray());
        Assert.Equal(0, trainer.Step);
        var ok = trainer.TrainQuantiles(x.Select((_, i) => 0.1f * i).ToArray(), new float[6], [0.25, 0.75], 2, 3);
        Assert.False(ok.Skipped);
        Assert.Equal(1, trainer.Step);
    }
}
