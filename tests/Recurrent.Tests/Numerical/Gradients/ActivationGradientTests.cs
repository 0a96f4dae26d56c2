// Finite-difference checks of SequenceModel<double>.Backward for every activation combination — LSTM (with and
// without peepholes) and GRU × gates {sigmoid, hard sigmoid} × cell {tanh, softsign}, and the tanh RNN with softsign —
// through the whole model: every parameter, the initial states and (dense) the input. Inputs are drawn from U(±3) so
// some gate pre-activations fall beyond ±2.5, where the hard sigmoid is flat and its gradient must be exactly 0.
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Randomness;
using Xunit.Abstractions;
using static Recurrent.Tests.Gradients.GradientSetup;

namespace Recurrent.Tests.Gradients;

public sealed class ActivationGradientTests(ITestOutputHelper log)
{
    /// <summary>(cell, peepholes, gate activation, cell activation): every combination each cell can take, defaults left to the other tests.</summary>
    public static TheoryData<CellKind, bool, GateActivation, CellActivation> Combinations()
    {
        var data = new TheoryData<CellKind, bool, GateActivation, CellActivation>();
        foreach (var (kind, peepholes) in new[] { (CellKind.Lstm, false), (CellKind.Lstm, true), (CellKind.Gru, false) })
            foreach (var gate in Enum.GetValues<GateActivation>())
                foreach (var cell in Enum.GetValues<CellActivation>())
                    if (gate != GateActivation.Sigmoid || cell != CellActivation.Tanh)
                        data.Add(kind, peepholes, gate, cell);
        data.Add(CellKind.RnnTanh, false, GateActivation.Sigmoid, CellActivation.Softsign);
        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void DenseBidirectionalPerStepMse(CellKind kind, bool peepholes, GateActivation gate, CellActivation cell)
    {
        const int T = Steps, B = Batch, O = 3;
        var rng = new Rng(7000 + (ulong)kind * 100 + (ulong)gate * 10 + (ulong)cell + (peepholes ? 50UL : 0));
        var config = Config(InputKind.Dense, kind, peepholes, layers: 2, bidirectional: true, HeadKind.PerStep, O)
            with { GateActivation = gate, Activation = cell };
        var model = Model(config, 71);
        Assert.Equal(gate, model.Stack.GateActivation);
        Assert.Equal(cell, model.Stack.Activation);
        double[] x = Uniform(rng, T * B * Features, 3.0);
        double[] y = Uniform(rng, T * B * O);
        RandomInitialState(model, B, rng);
        double Loss()
        {
            model.Forward(x, T, B, training: false);
            return MeanSquaredError.LossAndGradient(model.Output, y, O, [], Span<double>.Empty, out _);
        }

        model.Forward(x, T, B, training: false);
        var dOut = new double[model.Output.Length];
        MeanSquaredError.LossAndGradient(model.Output, y, O, [], dOut, out _);
        model.Parameters.ZeroGradients();
        model.Backward(dOut);
        var targets = GradientTarget.Parameters(model.Parameters);
        targets.AddRange(InitialStateTargets(model, B));
        targets.Add(GradientTarget.Of("input", [T, B, Features], x, model.InputGradient));
        new GradientChecker(log).CheckAll(Loss, targets);
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void EmbeddingTwoLayerCrossEntropy(CellKind kind, bool peepholes, GateActivation gate, CellActivation cell)
    {
        const int T = Steps, B = Batch, V = Vocabulary;
        var rng = new Rng(8000 + (ulong)kind * 100 + (ulong)gate * 10 + (ulong)cell + (peepholes ? 50UL : 0));
        var config = Config(InputKind.Embedding, kind, peepholes, layers: 2, bidirectional: false, HeadKind.PerStep, V)
            with { GateActivation = gate, Activation = cell };
        var model = Model(config, 81);
        int[] tokens = Tokens(rng, T * B);
        int[] targets = Targets(rng, T * B, V, 3);
        RandomInitialState(model, B, rng);
        double Loss()
        {
            model.Forward(tokens, T, B, training: false);
            return SoftmaxCrossEntropy.LossAndGradient(model.Output, targets, V, Span<double>.Empty, out _);
        }

        model.Forward(tokens, T, B, training: false);
        var dLogits = new double[model.Output.Length];
        SoftmaxCrossEntropy.LossAndGradient(model.Output, targets, V, dLogits, out _);
        model.Parameters.ZeroGradients();
        model.Backward(dLogits);
        var checkTargets = GradientTarget.Parameters(model.Parameters);
        checkTargets.AddRange(InitialStateTargets(model, B));
        new GradientChecker(log).CheckAll(Loss, checkTargets);
    }

    // The same weights give different outputs under each activation: the choice reaches the kernels in both directions.
    [Fact]
    public void EachCombinationComputesSomethingDifferent()
    {
        var rng = new Rng(9);
        double[] x = Uniform(rng, Steps * Batch * Features, 3.0);
        var outputs = new List<double[]>();
        foreach (var gate in Enum.GetValues<GateActivation>())
            foreach (var cell in Enum.GetValues<CellActivation>())
            {
                var model = Model(Config(InputKind.Dense, CellKind.Lstm, false, 1, true, HeadKind.PerStep, 2) with { GateActivation = gate, Activation = cell }, 5);
                outputs.Add(model.Forward(x, Steps, Batch, training: false).ToArray());
            }
        for (int i = 0; i < outputs.Count; i++)
            for (int j = i + 1; j < outputs.Count; j++)
                Assert.True(outputs[i].Zip(outputs[j]).Max(p => Math.Abs(p.First - p.Second)) > 1e-3, $"combinations {i} and {j} give the same outputs");
    }
}
