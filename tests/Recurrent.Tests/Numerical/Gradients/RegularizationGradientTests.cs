// Finite-difference checks of the L1/L2 penalties: loss = cross-entropy + Regularization.Penalty, gradient
// = model backward + Regularization.AddGradient, over every parameter of a 2-layer bidirectional peephole
// LSTM with an embedding (weights, recurrent weights, peepholes, embedding and head are penalised;
// biases are not). Also checks directly that biases get no penalty gradient and no penalty.
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Randomness;
using Recurrent.Tensors;
using Recurrent.Training;
using Xunit.Abstractions;
using static Recurrent.Tests.Gradients.GradientSetup;

namespace Recurrent.Tests.Gradients;

public sealed class RegularizationGradientTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(0.02, 0.0)]
    [InlineData(0.0, 0.05)]
    [InlineData(0.02, 0.05)]
    public void PenalisedLossMatchesFiniteDifferences(double l1, double l2)
    {
        const int T = Steps, B = Batch, V = Vocabulary;
        var rng = new Rng(6000);
        var model = Model(Config(InputKind.Embedding, CellKind.Lstm, peepholes: true, layers: 2, bidirectional: true, HeadKind.PerStep, V), 61);
        var store = model.Parameters;
        int[] tokens = Tokens(rng, T * B);
        int[] targets = Targets(rng, T * B, V, 3, 8);
        // L1's kink is at w = 0: a ±ε step must not cross it, so every weight stays well beyond ε of zero.
        foreach (var p in store.Parameters.Where(p => p.Role == ParameterRole.Weight))
            foreach (double w in store.Value(p))
                Assert.True(Math.Abs(w) > 10 * GradientChecker.Epsilon, $"{p.Name} has a weight {w:R} within 10ε of the L1 kink.");

        double Loss()
        {
            model.Forward(tokens, T, B, training: false);
            return SoftmaxCrossEntropy.LossAndGradient(model.Output, targets, V, Span<double>.Empty, out _)
                   + Regularization.Penalty(store, l1, l2);
        }

        model.Forward(tokens, T, B, training: false);
        var dLogits = new double[model.Output.Length];
        SoftmaxCrossEntropy.LossAndGradient(model.Output, targets, V, dLogits, out _);
        store.ZeroGradients();
        model.Backward(dLogits);
        double[] dataOnly = store.Gradients.ToArray();
        Regularization.AddGradient(store, l1, l2);

        // Biases: the penalty adds nothing to their gradient; weights: it adds λ1·sign(w) + λ2·w.
        var biases = store.Parameters.Where(p => p.Role == ParameterRole.Bias).ToList();
        Assert.Contains(biases, p => p.Name == "head.bias");
        Assert.Contains(biases, p => p.Name.StartsWith("rnn.bias_hh_l1_reverse", StringComparison.Ordinal));
        foreach (var p in store.Parameters)
        {
            ReadOnlySpan<double> g = store.Gradient(p), w = store.Value(p), d = dataOnly.AsSpan(p.Offset, p.Length);
            for (int i = 0; i < p.Length; i++)
            {
                double expected = p.Role == ParameterRole.Bias ? 0 : l1 * Math.Sign(w[i]) + l2 * w[i];
                Assert.True(Math.Abs(g[i] - d[i] - expected) <= 1e-14,
                    $"{p.Name}[{i}] ({p.Role}): penalty gradient {g[i] - d[i]:R}, expected {expected:R}.");
            }
        }
        // ...and the penalty itself does not read biases.
        double penalty = Regularization.Penalty(store, l1, l2);
        Assert.True(penalty > 0);
        double[] values = store.Values.ToArray();
        foreach (var p in biases) store.Value(p).Fill(3.0);
        Assert.Equal(penalty, Regularization.Penalty(store, l1, l2));
        values.CopyTo(store.Values, 0);

        new GradientChecker(log).CheckAll(Loss, GradientTarget.Parameters(store));
    }
}
