// Finite-difference checks of SequenceModel<double>.Backward with per-row lengths (a padded batch):
// uni- and bidirectional stacks of every cell, last-step and per-step heads, dense and token inputs.
// Lengths (4, 2, 1) on T=4 make one full row, one half row and a single-step row. Besides the usual
// parameter, initial-state and input gradients, the checks assert that padding positions carry no
// gradient: the loss does not move when padded inputs change, and their analytic gradient is exactly zero.
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Randomness;
using Xunit.Abstractions;
using static Recurrent.Tests.Gradients.GradientSetup;

namespace Recurrent.Tests.Gradients;

public sealed class VariableLengthGradientTests(ITestOutputHelper log)
{
    private static readonly int[] Lengths = [4, 2, 1]; // (B) with T = Steps = 4

    [Theory]
    [MemberData(nameof(CellsByDirection), MemberType = typeof(GradientSetup))]
    public void DenseLastStepCrossEntropyWithLengths(CellKind kind, bool peepholes, bool bidirectional)
    {
        const int T = Steps, B = Batch, C = 3;
        var rng = new Rng(7000 + (ulong)kind * 10 + (peepholes ? 1UL : 0) + (bidirectional ? 5UL : 0));
        var model = Model(Config(InputKind.Dense, kind, peepholes, layers: 2, bidirectional, HeadKind.LastStep, C), 71);
        double[] x = Uniform(rng, T * B * Features);
        int[] y = [2, 0, 1];
        RandomInitialState(model, B, rng);
        double Loss()
        {
            model.Forward(x, T, B, training: false, Lengths);
            return SoftmaxCrossEntropy.LossAndGradient(model.Output, y, C, Span<double>.Empty, out _);
        }

        model.Forward(x, T, B, training: false, Lengths);
        var dLogits = new double[model.Output.Length];
        SoftmaxCrossEntropy.LossAndGradient(model.Output, y, C, dLogits, out _);
        model.Parameters.ZeroGradients();
        model.Backward(dLogits);
        double[] dx = model.InputGradient.ToArray();
        AssertPaddingInputsInert(x, dx, Loss);

        var targets = GradientTarget.Parameters(model.Parameters);
        targets.AddRange(InitialStateTargets(model, B));
        targets.Add(GradientTarget.Of("input", [T, B, Features], x, dx));
        new GradientChecker(log).CheckAll(Loss, targets);
    }

    [Theory]
    [MemberData(nameof(CellsByDirection), MemberType = typeof(GradientSetup))]
    public void EmbeddingPerStepCrossEntropyWithLengths(CellKind kind, bool peepholes, bool bidirectional)
    {
        const int T = Steps, B = Batch, V = Vocabulary;
        var rng = new Rng(7500 + (ulong)kind * 10 + (peepholes ? 1UL : 0) + (bidirectional ? 5UL : 0));
        var model = Model(Config(InputKind.Embedding, kind, peepholes, layers: 2, bidirectional, HeadKind.PerStep, V), 75);
        int[] tokens = Tokens(rng, T * B);
        int[] targets = Tokens(rng, T * B, V);
        // Padding positions carry real-looking targets: the per-step output there is zero and its gradient
        // dropped, so the loss must count only valid positions — checked by comparing with ignored targets.
        int[] masked = targets.ToArray();
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++)
                if (t >= Lengths[b]) masked[t * B + b] = SoftmaxCrossEntropy.IgnoreIndex;
        RandomInitialState(model, B, rng);
        double Loss()
        {
            model.Forward(tokens, T, B, training: false, Lengths);
            return SoftmaxCrossEntropy.LossAndGradient(model.Output, masked, V, Span<double>.Empty, out _);
        }

        model.Forward(tokens, T, B, training: false, Lengths);
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++)
                if (t >= Lengths[b])
                    foreach (double v in model.Output.Slice((t * B + b) * V, V)) Assert.Equal(0.0, v);
        var dLogits = new double[model.Output.Length];
        SoftmaxCrossEntropy.LossAndGradient(model.Output, masked, V, dLogits, out int counted);
        Assert.Equal(4 + 2 + 1, counted);
        // A gradient arriving at padding positions (here: from unmasked targets) must not reach the parameters.
        var dUnmasked = new double[model.Output.Length];
        SoftmaxCrossEntropy.LossAndGradient(model.Output, targets, V, dUnmasked, out _);
        model.Parameters.ZeroGradients();
        model.Backward(dUnmasked);
        double[] gradFromUnmasked = model.Parameters.Gradients.ToArray();
        for (int i = 0; i < dUnmasked.Length; i++)
        {
            int row = i / V, t = row / B, b = row % B;
            if (t < Lengths[b]) dUnmasked[i] = 0; // keep only the padding part
        }
        model.Parameters.ZeroGradients();
        model.Backward(dUnmasked);
        foreach (double g in model.Parameters.Gradients) Assert.Equal(0.0, g);
        Assert.Contains(gradFromUnmasked, g => g != 0);

        model.Forward(tokens, T, B, training: false, Lengths);
        model.Parameters.ZeroGradients();
        model.Backward(dLogits);
        var checkTargets = GradientTarget.Parameters(model.Parameters);
        checkTargets.AddRange(InitialStateTargets(model, B));
        new GradientChecker(log).CheckAll(Loss, checkTargets);
    }

    // Inputs at padding positions: analytic gradient exactly zero, and the loss does not change when they move.
    private static void AssertPaddingInputsInert(double[] x, double[] dx, Func<double> loss)
    {
        const int T = Steps, B = Batch, F = Features;
        double before = loss();
        double[] saved = x.ToArray();
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++)
            {
                if (t < Lengths[b]) continue;
                for (int f = 0; f < F; f++)
                {
                    int i = (t * B + b) * F + f;
                    Assert.Equal(0.0, dx[i]);
                    x[i] += 3.0;
                }
            }
        Assert.Equal(before, loss());
        saved.CopyTo(x, 0);
    }
}
