// Finite-difference checks of SequenceModel<double>.Backward through the whole model — input layer
// (embedding, one-hot, dense), recurrent stack, linear head — and the losses' gradients: softmax
// cross-entropy with ignored targets, and MSE with a row mask, per-step and last-step heads. Every
// parameter, the initial states and (dense) the input are checked. Forward runs with training: false.
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Randomness;
using Xunit.Abstractions;
using static Recurrent.Tests.Gradients.GradientSetup;

namespace Recurrent.Tests.Gradients;

public sealed class SequenceModelGradientTests(ITestOutputHelper log)
{
    public static TheoryData<CellKind, bool> AllCells => Cells;

    [Theory]
    [MemberData(nameof(AllCells))]
    public void EmbeddingPerStepCrossEntropyWithIgnoredTargets(CellKind kind, bool peepholes)
    {
        const int T = Steps, B = Batch, V = Vocabulary;
        var rng = new Rng(2000 + (ulong)kind * 10 + (peepholes ? 1UL : 0));
        var model = Model(Config(InputKind.Embedding, kind, peepholes, layers: 2, bidirectional: false, HeadKind.PerStep, V), 21);
        int[] tokens = Tokens(rng, T * B);
        int[] targets = Targets(rng, T * B, V, 1, 5, 10);
        RandomInitialState(model, B, rng);
        CheckTokenCrossEntropy(model, tokens, targets, expectedCounted: T * B - 3);
    }

    [Theory]
    [MemberData(nameof(AllCells))]
    public void OneHotPerStepCrossEntropy(CellKind kind, bool peepholes)
    {
        const int T = Steps, B = Batch, V = Vocabulary;
        var rng = new Rng(3000 + (ulong)kind * 10 + (peepholes ? 1UL : 0));
        var model = Model(Config(InputKind.OneHot, kind, peepholes, layers: 1, bidirectional: true, HeadKind.PerStep, V), 31);
        int[] tokens = Tokens(rng, T * B);
        int[] targets = Targets(rng, T * B, V, 4);
        RandomInitialState(model, B, rng);
        CheckTokenCrossEntropy(model, tokens, targets, expectedCounted: T * B - 1);
    }

    // SequenceModel projects each vocabulary entry once when V <= T*B (above: V=6, T*B=12) and looks the
    // input vectors up per token otherwise; V=17 > 12 here takes the per-token path.
    [Theory]
    [MemberData(nameof(AllCells))]
    public void TokenInputsWithVocabularyLargerThanTheWindow(CellKind kind, bool peepholes)
    {
        const int T = Steps, B = Batch, V = 17;
        var rng = new Rng(2500 + (ulong)kind * 10 + (peepholes ? 1UL : 0));
        foreach (var input in new[] { InputKind.Embedding, InputKind.OneHot })
        {
            var model = Model(Config(input, kind, peepholes, layers: 2, bidirectional: false, HeadKind.PerStep, V) with { InputSize = V }, 22);
            int[] tokens = Tokens(rng, T * B, V);
            int[] targets = Targets(rng, T * B, V, 2, 7);
            RandomInitialState(model, B, rng);
            CheckTokenCrossEntropy(model, tokens, targets, expectedCounted: T * B - 2);
        }
    }

    [Theory]
    [MemberData(nameof(CellsByDirection), MemberType = typeof(GradientSetup))]
    public void DenseLastStepMaskedMse(CellKind kind, bool peepholes, bool bidirectional)
    {
        const int T = Steps, B = Batch, O = 2;
        var rng = new Rng(4000 + (ulong)kind * 10 + (peepholes ? 1UL : 0) + (bidirectional ? 5UL : 0));
        var model = Model(Config(InputKind.Dense, kind, peepholes, layers: 2, bidirectional, HeadKind.LastStep, O), 41);
        double[] x = Uniform(rng, T * B * Features);
        double[] y = Uniform(rng, B * O);          // (B,O)
        double[] mask = [1, 0, 1];                 // the middle sequence does not count
        RandomInitialState(model, B, rng);
        CheckDenseMse(model, x, y, mask, expectedCounted: 2);
    }

    // Dropout 0.25 in the config, and one training forward (which draws a mask) before the checks, all of
    // which run with training: false: evaluation must be deterministic and its backward apply no stale mask.
    [Theory]
    [MemberData(nameof(AllCells))]
    public void DensePerStepMaskedMse(CellKind kind, bool peepholes)
    {
        const int T = Steps, B = Batch, O = 3;
        var rng = new Rng(5000 + (ulong)kind * 10 + (peepholes ? 1UL : 0));
        var model = Model(Config(InputKind.Dense, kind, peepholes, layers: 2, bidirectional: true, HeadKind.PerStep, O, dropout: 0.25), 51);
        double[] x = Uniform(rng, T * B * Features);
        double[] y = Uniform(rng, T * B * O);      // (T,B,O)
        double[] mask = [1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1];
        RandomInitialState(model, B, rng);
        model.Forward(x, T, B, training: true);
        CheckDenseMse(model, x, y, mask, expectedCounted: 9);
    }

    private void CheckTokenCrossEntropy(SequenceModel<double> model, int[] tokens, int[] targets, int expectedCounted)
    {
        const int T = Steps, B = Batch;
        int classes = model.Config.OutputSize;
        double Loss()
        {
            model.Forward(tokens, T, B, training: false);
            return SoftmaxCrossEntropy.LossAndGradient(model.Output, targets, classes, Span<double>.Empty, out _);
        }

        model.Forward(tokens, T, B, training: false);
        var dLogits = new double[model.Output.Length];
        SoftmaxCrossEntropy.LossAndGradient(model.Output, targets, classes, dLogits, out int counted);
        Assert.Equal(expectedCounted, counted);
        model.Parameters.ZeroGradients();
        model.Backward(dLogits);

        var targetsToCheck = GradientTarget.Parameters(model.Parameters);
        targetsToCheck.AddRange(InitialStateTargets(model, B));
        new GradientChecker(log).CheckAll(Loss, targetsToCheck);
    }

    private void CheckDenseMse(SequenceModel<double> model, double[] x, double[] y, double[] mask, int expectedCounted)
    {
        const int T = Steps, B = Batch;
        int outputs = model.Config.OutputSize;
        double Loss()
        {
            model.Forward(x, T, B, training: false);
            return MeanSquaredError.LossAndGradient(model.Output, y, outputs, mask, Span<double>.Empty, out _);
        }

        model.Forward(x, T, B, training: false);
        var dOut = new double[model.Output.Length];
        MeanSquaredError.LossAndGradient(model.Output, y, outputs, mask, dOut, out int counted);
        Assert.Equal(expectedCounted, counted);
        // Masked rows are outside the loss (so FD alone could not tell if they leaked into it): their
        // targets must not change it, and their output gradient must be zero.
        double before = Loss();
        double[] yMoved = y.ToArray();
        for (int r = 0; r < mask.Length; r++)
            if (mask[r] == 0)
                for (int j = 0; j < outputs; j++) { yMoved[r * outputs + j] += 1.0; Assert.Equal(0.0, dOut[r * outputs + j]); }
        model.Forward(x, T, B, training: false);
        Assert.Equal(before, MeanSquaredError.LossAndGradient(model.Output, yMoved, outputs, mask, Span<double>.Empty, out _));
        model.Parameters.ZeroGradients();
        model.Backward(dOut);

        var targets = GradientTarget.Parameters(model.Parameters);
        targets.AddRange(InitialStateTargets(model, B));
        targets.Add(GradientTarget.Of("input", [T, B, Features], x, model.InputGradient));
        new GradientChecker(log).CheckAll(Loss, targets);
    }
}
