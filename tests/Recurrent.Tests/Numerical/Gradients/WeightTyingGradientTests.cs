// Finite-difference checks of weight tying (ModelConfig.TieWeights, TiedHead): the embedding table's gradient must be
// the sum of its two uses (input lookup and output layer), the projection's (E ≠ D·H) its own, for embedding width
// equal to and different from the top layer's, on both input paths of SequenceModel (projected once per vocabulary
// entry when V ≤ T·B, looked up per token otherwise), bidirectional, and with truncated backward.
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Randomness;
using Xunit.Abstractions;
using static Recurrent.Tests.Gradients.GradientSetup;

namespace Recurrent.Tests.Gradients;

public sealed class WeightTyingGradientTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(CellKind.Lstm, Hidden, Vocabulary, false, 0)]       // E = H: no projection; vocabulary-projected input path
    [InlineData(CellKind.Lstm, Embedding, Vocabulary, false, 0)]    // E ≠ H: head.proj.weight
    [InlineData(CellKind.Gru, Embedding, 17, false, 0)]             // per-token input path (V > T·B)
    [InlineData(CellKind.Gru, Hidden, 17, false, 0)]
    [InlineData(CellKind.RnnTanh, Embedding, Vocabulary, true, 0)]  // bidirectional: E vs D·H = 14
    [InlineData(CellKind.Lstm, Embedding, Vocabulary, false, 2)]    // truncated backward
    public void TheSharedTableGetsTheSumOfBothUses(CellKind cell, int embedding, int vocabulary, bool bidirectional, int backwardSteps)
    {
        const int T = Steps, B = Batch;
        var config = Config(InputKind.Embedding, cell, peepholes: false, layers: 2, bidirectional, HeadKind.PerStep, vocabulary) with
        {
            InputSize = vocabulary, EmbeddingSize = embedding, TieWeights = true,
        };
        var model = Model(config, 41);
        int width = (bidirectional ? 2 : 1) * Hidden;
        Assert.Equal(embedding != width, model.Parameters.Parameters.Any(p => p.Name == "head.proj.weight"));
        Assert.DoesNotContain(model.Parameters.Parameters, p => p.Name == "head.weight");

        var rng = new Rng(4100 + (ulong)embedding + (ulong)vocabulary);
        int[] tokens = Tokens(rng, T * B, vocabulary);
        int[] targets = Targets(rng, T * B, vocabulary, 2, 7);
        RandomInitialState(model, B, rng);
        double Loss()
        {
            model.Forward(tokens, T, B, training: false);
            return SoftmaxCrossEntropy.LossAndGradient(model.Output, targets, vocabulary, Span<double>.Empty, out _);
        }

        model.Forward(tokens, T, B, training: false);
        var dLogits = new double[model.Output.Length];
        SoftmaxCrossEntropy.LossAndGradient(model.Output, targets, vocabulary, dLogits, out _);
        model.Parameters.ZeroGradients();
        model.Backward(dLogits, backwardSteps);

        if (backwardSteps == 0)
        {
            var checks = GradientTarget.Parameters(model.Parameters);
            checks.AddRange(InitialStateTargets(model, B));
            new GradientChecker(log).CheckAll(Loss, checks);
            return;
        }
        // Truncated: the head and the table's output use see every step; the recurrent layers and the table's input
        // use only the last k steps. Checked on the head's own parameters, where truncation changes nothing.
        var headOnly = GradientTarget.Parameters(model.Parameters).Where(t => t.Name.StartsWith("head.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(headOnly);
        new GradientChecker(log).CheckAll(Loss, headOnly);
    }
}
