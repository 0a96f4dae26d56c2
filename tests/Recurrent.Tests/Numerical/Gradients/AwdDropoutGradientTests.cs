// Finite-difference checks of the AWD-LSTM dropouts in training mode: locked dropout (on the stack's input, between
// layers, on the outputs before the head), embedding dropout (whole vocabulary rows) and weight drop (DropConnect on
// W_hh). Masks are random per forward, so every forward of a check starts from the same generator state (a fresh
// Rng with one seed for the stack, the model's DropoutRng restored for the model): the same masks are redrawn, the
// loss is a fixed function of θ, and backward must apply exactly the masks its forward used.
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Tensors;
using Xunit.Abstractions;
using static Recurrent.Tests.Gradients.GradientSetup;

namespace Recurrent.Tests.Gradients;

public sealed class AwdDropoutGradientTests(ITestOutputHelper log)
{
    // The stack alone: input dropout, locked or element masks between 3 layers, weight drop, one and two directions.
    // dInput starts non-zero: the stack adds into it, and the check reads what it added.
    [Theory]
    [InlineData(CellKind.RnnTanh, false, true)]
    [InlineData(CellKind.RnnRelu, false, false)]
    [InlineData(CellKind.Lstm, false, true)]
    [InlineData(CellKind.Lstm, true, false)]
    [InlineData(CellKind.Gru, false, true)]
    [InlineData(CellKind.Gru, false, false)]
    public void StackWithInputDropoutLockedMasksAndWeightDrop(CellKind kind, bool peepholes, bool bidirectional)
    {
        const int I = Features, H = Hidden, B = Batch, T = Steps, L = 3;
        var rng = new Rng(8100 + (ulong)kind * 10 + (peepholes ? 1UL : 0) + (bidirectional ? 5UL : 0));
        var store = new ParameterStore<double>();
        var stack = new RecurrentStack<double>(store, "", kind, I, H, L, bidirectional, dropout: 0.3, peepholes: peepholes,
            inputDropout: 0.25, lockedDropout: bidirectional, weightDrop: 0.35);
        store.Seal();
        RandomizeAll(store, rng);
        int state = stack.StateSize(B);
        double[] x = Uniform(rng, T * B * I);
        double[] h0 = Uniform(rng, state, ParameterRange);
        double[] wOut = Uniform(rng, T * B * stack.OutputSize);
        double[] wH = Uniform(rng, state);

        double Loss(bool training)
        {
            stack.Forward(x, T, B, h0, default, training, new Rng(99));
            return Dot(stack.Output, wOut) + Dot(stack.FinalH, wH);
        }

        double evaluation = Loss(training: false);
        Assert.True(Math.Abs(Loss(training: true) - evaluation) > 1e-3, "The dropout masks changed nothing; the check would not test them.");
        store.ZeroGradients();
        double[] before = Uniform(rng, x.Length);
        double[] dx = (double[])before.Clone();
        var dh0 = new double[state];
        stack.Backward(wOut, wH, default, dx, dh0, default, T);
        for (int i = 0; i < dx.Length; i++) dx[i] -= before[i];

        var targets = GradientTarget.Parameters(store);
        targets.Add(GradientTarget.Of("x", [T, B, I], x, dx));
        targets.Add(GradientTarget.Of("h0", [L * stack.Directions, B, H], h0, dh0));
        new GradientChecker(log).CheckAll(() => Loss(training: true), targets);
    }

    public static TheoryData<string, CellKind, HeadKind, int> ModelCases() => new()
    {
        // what, cell, head, vocabulary (6 ≤ T·B = 12 takes the per-vocabulary token path; 20 the per-token path)
        { "input", CellKind.Lstm, HeadKind.PerStep, Vocabulary },
        { "input", CellKind.Gru, HeadKind.LastStep, 20 },
        { "output", CellKind.Lstm, HeadKind.PerStep, Vocabulary },
        { "output", CellKind.RnnTanh, HeadKind.LastStep, Vocabulary },
        { "embedding", CellKind.Lstm, HeadKind.PerStep, Vocabulary },
        { "embedding", CellKind.Gru, HeadKind.PerStep, 20 },
        { "weight", CellKind.Lstm, HeadKind.PerStep, Vocabulary },
        { "weight", CellKind.Gru, HeadKind.LastStep, 20 },
        { "locked", CellKind.Lstm, HeadKind.PerStep, Vocabulary },
        { "all", CellKind.Lstm, HeadKind.PerStep, Vocabulary },
        { "all", CellKind.Gru, HeadKind.PerStep, 20 },
        { "all", CellKind.RnnTanh, HeadKind.LastStep, Vocabulary },
    };

    // The whole model on token ids with an embedding, cross-entropy, from a random initial state, training: true.
    [Theory]
    [MemberData(nameof(ModelCases))]
    public void ModelOnTokensWithEachDropout(string what, CellKind cell, HeadKind head, int vocabulary)
    {
        const int T = Steps, B = Batch, O = 4;
        var rng = new Rng(8200 + (ulong)what.Length * 100 + (ulong)cell * 10 + (ulong)vocabulary);
        bool all = what == "all";
        var config = Config(InputKind.Embedding, cell, peepholes: false, layers: 2, bidirectional: false, head, O) with
        {
            InputSize = vocabulary,
            Dropout = what is "locked" or "all" ? 0.3 : 0,
            LockedDropout = what is "locked" or "all",
            InputDropout = what is "input" || all ? 0.3 : 0,
            OutputDropout = what is "output" || all ? 0.4 : 0,
            EmbeddingDropout = what is "embedding" || all ? 0.4 : 0,
            WeightDrop = what is "weight" || all ? 0.3 : 0,
        };
        var model = Model(config, 82);
        int[] tokens = Tokens(rng, T * B, vocabulary);
        int rows = head == HeadKind.PerStep ? T * B : B;
        int[] targets = Targets(rng, rows, O);
        RandomInitialState(model, B, rng);
        var masks = model.DropoutRng.State;

        double Loss(bool training)
        {
            model.DropoutRng.Restore(masks);
            model.Forward(tokens, T, B, training);
            return SoftmaxCrossEntropy.LossAndGradient(model.Output, targets, O, Span<double>.Empty, out _);
        }

        double evaluation = Loss(training: false);
        Assert.True(Math.Abs(Loss(training: true) - evaluation) > 1e-4, "The dropout masks changed nothing; the check would not test them.");
        var dLogits = new double[model.Output.Length];
        SoftmaxCrossEntropy.LossAndGradient(model.Output, targets, O, dLogits, out _);
        model.Parameters.ZeroGradients();
        model.Backward(dLogits);

        var checks = GradientTarget.Parameters(model.Parameters);
        checks.AddRange(InitialStateTargets(model, B));
        new GradientChecker(log).CheckAll(() => Loss(training: true), checks);
    }

    // Dense inputs (peephole LSTM) with input, locked between-layer, output and weight dropout: the input gradient too.
    [Fact]
    public void DenseModelWithEveryDropout()
    {
        const int T = Steps, B = Batch, O = 3;
        var rng = new Rng(8300);
        var config = Config(InputKind.Dense, CellKind.Lstm, peepholes: true, layers: 2, bidirectional: false, HeadKind.PerStep, O) with
        {
            Dropout = 0.2, LockedDropout = true, InputDropout = 0.3, OutputDropout = 0.3, WeightDrop = 0.3,
        };
        var model = Model(config, 83);
        double[] x = Uniform(rng, T * B * Features);
        int[] targets = Targets(rng, T * B, O);
        var masks = model.DropoutRng.State;

        double Loss()
        {
            model.DropoutRng.Restore(masks);
            model.Forward(x, T, B, training: true);
            return SoftmaxCrossEntropy.LossAndGradient(model.Output, targets, O, Span<double>.Empty, out _);
        }

        Loss();
        var dLogits = new double[model.Output.Length];
        SoftmaxCrossEntropy.LossAndGradient(model.Output, targets, O, dLogits, out _);
        model.Parameters.ZeroGradients();
        model.Backward(dLogits);
        var checks = GradientTarget.Parameters(model.Parameters);
        checks.Add(GradientTarget.Of("input", [T, B, Features], x, model.InputGradient));
        new GradientChecker(log).CheckAll(Loss, checks);
    }
}
