// Finite-difference checks of the encoder–decoder in double precision: the loss is the decoder's
// cross-entropy (some targets ignored), so every encoder parameter receives its gradient only through the
// decoder's initial-state gradient handed to the encoder's final state. Also the one-to-many model, whose
// feature projection learns only through that same initial-state gradient.
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Randomness;
using Recurrent.Seq2Seq;
using Xunit.Abstractions;
using static Recurrent.Tests.Gradients.GradientSetup;

namespace Recurrent.Tests.Gradients;

public sealed class Seq2SeqGradientTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(CellKind.Lstm, 2)]
    [InlineData(CellKind.Gru, 2)]
    [InlineData(CellKind.RnnTanh, 1)]
    public void EncoderLearnsThroughTheDecoderInitialStateGradient(CellKind cell, int layers)
    {
        const int V = 7, Ts = 4, Td = 3, B = 2;
        var config = new Seq2SeqConfig
        {
            Vocabulary = V, EmbeddingSize = 3, Cell = cell, HiddenSize = 5, Layers = layers, SourceLength = Ts, MaxTargetLength = 4,
        };
        var model = new Seq2SeqModel<double>(config, 3);
        var rng = new Rng(600 + (ulong)cell);
        RandomizeAll(model.Parameters, rng);
        int[] source = Tokens(rng, Ts * B, V);
        int[] input = Tokens(rng, Td * B, V);
        int[] targets = Targets(rng, Td * B, V, 5); // one ignored position
        double Loss()
        {
            var logits = model.Forward(source, Ts, input, Td, B, training: false);
            return SoftmaxCrossEntropy.LossAndGradient(logits, targets, V, Span<double>.Empty, out _);
        }
        var logits = model.Forward(source, Ts, input, Td, B, training: false);
        var d = new double[logits.Length];
        SoftmaxCrossEntropy.LossAndGradient(logits, targets, V, d, out int counted);
        Assert.Equal(Td * B - 1, counted);
        model.Parameters.ZeroGradients();
        model.Backward(d);
        var checkTargets = GradientTarget.Parameters(model.Parameters);
        Assert.Contains(checkTargets, t => t.Name == "encoder.rnn.weight_hh_l0");
        Assert.Contains(checkTargets, t => t.Name == "encoder.embedding.weight");
        new GradientChecker(log).CheckAll(Loss, checkTargets);
    }

    // With attention the encoder learns through its outputs too (masked where the source is left padding), and the
    // decoder's input feeding carries h̃ from step to step; one pad id (0) sits in the source so the mask is not all true.
    [Theory]
    [InlineData(CellKind.Lstm, 2, AttentionKind.Luong)]
    [InlineData(CellKind.Gru, 1, AttentionKind.Bahdanau)]
    [InlineData(CellKind.Lstm, 1, AttentionKind.LuongDot)]
    [InlineData(CellKind.RnnTanh, 2, AttentionKind.LuongDot)]
    // A bidirectional encoder: 2H-wide outputs for the attention, the decoder started from the sum of both directions.
    [InlineData(CellKind.Lstm, 2, AttentionKind.Luong, true)]
    [InlineData(CellKind.Gru, 1, AttentionKind.Bahdanau, true)]
    [InlineData(CellKind.Lstm, 1, AttentionKind.None, true)]
    public void AttendingModelMatchesFiniteDifferences(CellKind cell, int layers, AttentionKind attention, bool bidirectional = false)
    {
        const int V = 7, Ts = 4, Td = 3, B = 2;
        var config = new Seq2SeqConfig
        {
            Vocabulary = V, EmbeddingSize = 3, Cell = cell, HiddenSize = 5, Layers = layers, SourceLength = Ts, MaxTargetLength = 4,
            Attention = attention, BidirectionalEncoder = bidirectional,
        };
        var model = new Seq2SeqModel<double>(config, 3);
        var rng = new Rng(650 + (ulong)cell + 10 * (ulong)attention + (bidirectional ? 100UL : 0));
        RandomizeAll(model.Parameters, rng);
        int[] source = Tokens(rng, Ts * B, V);
        for (int i = 0; i < source.Length; i++) if (source[i] == Seq2SeqVocabulary.Pad) source[i] = 3;
        source[1] = Seq2SeqVocabulary.Pad; // row 1 is left-padded by one
        int[] input = Tokens(rng, Td * B, V);
        int[] targets = Targets(rng, Td * B, V, 5);
        double Loss()
        {
            var logits = model.Forward(source, Ts, input, Td, B, training: false);
            return SoftmaxCrossEntropy.LossAndGradient(logits, targets, V, Span<double>.Empty, out _);
        }
        var logits = model.Forward(source, Ts, input, Td, B, training: false);
        var d = new double[logits.Length];
        SoftmaxCrossEntropy.LossAndGradient(logits, targets, V, d, out _);
        model.Parameters.ZeroGradients();
        model.Backward(d);
        var checkTargets = GradientTarget.Parameters(model.Parameters);
        if (bidirectional) Assert.Contains(checkTargets, t => t.Name == "encoder.rnn.weight_hh_l0_reverse");
        if (attention != AttentionKind.None)
        {
            Assert.Contains(checkTargets, t => t.Name == "decoder.attention.out.weight");
            Assert.Equal(0.0, model.Decoder.Attention!.Weights(0)[1 * Ts + 0]);
        }
        new GradientChecker(log).CheckAll(Loss, checkTargets);
    }

    [Theory]
    [InlineData(CellKind.Lstm)]
    [InlineData(CellKind.Gru)]
    public void OneToManyFeatureProjectionLearnsThroughTheInitialState(CellKind cell)
    {
        const int V = 6, F = 4, Td = 3, B = 3;
        var model = new ConditionedGenerator<double>(new ConditionedGeneratorConfig
        {
            Features = F, Vocabulary = V, EmbeddingSize = 3, Cell = cell, HiddenSize = 5, Layers = 2, MaxLength = 5,
        }, 4);
        var rng = new Rng(700 + (ulong)cell);
        RandomizeAll(model.Parameters, rng);
        double[] features = Uniform(rng, B * F);
        int[] input = Tokens(rng, Td * B, V);
        int[] targets = Targets(rng, Td * B, V, 2, 7);
        double Loss()
        {
            var logits = model.Forward(features, input, Td, B, training: false);
            return SoftmaxCrossEntropy.LossAndGradient(logits, targets, V, Span<double>.Empty, out _);
        }
        var logits = model.Forward(features, input, Td, B, training: false);
        var d = new double[logits.Length];
        SoftmaxCrossEntropy.LossAndGradient(logits, targets, V, d, out _);
        model.Parameters.ZeroGradients();
        model.Backward(d);
        var checkTargets = GradientTarget.Parameters(model.Parameters);
        Assert.Contains(checkTargets, t => t.Name == "init.weight");
        new GradientChecker(log).CheckAll(Loss, checkTargets);
    }
}
