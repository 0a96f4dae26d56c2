// Finite-difference checks in double precision of the one-to-many generator attending over a feature grid (Show,
// Attend and Tell): every parameter — the feature projection to the initial state, the decoder's embedding,
// recurrence and head, and the attention's score and output weights — against the teacher-forced cross-entropy
// (one target ignored), with the grid (B,R,F) as the decoder's memory. The grid is an input of a frozen network:
// the attention is told not to compute its gradient, which must then stay zero — unless learned region positions are
// added to the grid, whose gradient is the memory gradient summed over the batch (checked like every parameter).
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Randomness;
using Recurrent.Seq2Seq;
using Xunit.Abstractions;
using static Recurrent.Tests.Gradients.GradientSetup;

namespace Recurrent.Tests.Gradients;

public sealed class CaptionGradientTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(CellKind.Lstm, 1, AttentionKind.Bahdanau, RegionPositionKind.None)]
    [InlineData(CellKind.Lstm, 2, AttentionKind.Luong, RegionPositionKind.None)]
    [InlineData(CellKind.Gru, 1, AttentionKind.LuongDot, RegionPositionKind.None)]
    [InlineData(CellKind.RnnTanh, 2, AttentionKind.Bahdanau, RegionPositionKind.None)]
    [InlineData(CellKind.Lstm, 1, AttentionKind.Luong, RegionPositionKind.PerRegion)]
    [InlineData(CellKind.Gru, 2, AttentionKind.Bahdanau, RegionPositionKind.PerRegion)]
    [InlineData(CellKind.Lstm, 1, AttentionKind.Luong, RegionPositionKind.RowColumn)]
    [InlineData(CellKind.Gru, 2, AttentionKind.Bahdanau, RegionPositionKind.RowColumn)]
    public void AttendingGeneratorMatchesFiniteDifferences(CellKind cell, int layers, AttentionKind attention, RegionPositionKind positions)
    {
        const int V = 7, F = 5, R = 4, Td = 3, B = 2;   // R: a 2×2 grid, so rows and columns differ
        var model = new ConditionedGenerator<double>(new ConditionedGeneratorConfig
        {
            Features = F, Vocabulary = V, EmbeddingSize = 3, Cell = cell, HiddenSize = 5, Layers = layers, MaxLength = 5,
            Attention = attention, Regions = R, RegionPositions = positions,
        }, 4);
        var rng = new Rng(800 + (ulong)cell + 10 * (ulong)attention);
        RandomizeAll(model.Parameters, rng);
        double[] features = Uniform(rng, B * F);
        double[] grid = Uniform(rng, B * R * F);
        int[] input = Tokens(rng, Td * B, V);
        int[] targets = Targets(rng, Td * B, V, 4);
        double Loss()
        {
            var logits = model.Forward(features, grid, input, Td, B, training: false);
            return SoftmaxCrossEntropy.LossAndGradient(logits, targets, V, Span<double>.Empty, out _);
        }
        var logits = model.Forward(features, grid, input, Td, B, training: false);
        var d = new double[logits.Length];
        SoftmaxCrossEntropy.LossAndGradient(logits, targets, V, d, out int counted);
        Assert.Equal(Td * B - 1, counted);
        model.Parameters.ZeroGradients();
        model.Backward(d);
        var checkTargets = GradientTarget.Parameters(model.Parameters);
        Assert.Contains(checkTargets, t => t.Name == "init.weight");
        Assert.Contains(checkTargets, t => t.Name == "decoder.attention.out.weight");
        if (attention == AttentionKind.Bahdanau) Assert.Contains(checkTargets, t => t.Name == "decoder.attention.key.weight");
        if (attention == AttentionKind.Luong) Assert.Contains(checkTargets, t => t.Name == "decoder.attention.score.weight");
        // The grid is laid out (R,B,F): region j of example b is memory row j·B + b, plus region j's position vector,
        // or its row's and column's (region 2 of the 2×2 grid: row 1, column 0).
        var memory = model.Decoder.Attention!.Memory;
        if (positions == RegionPositionKind.PerRegion)
        {
            Assert.Contains(checkTargets, t => t.Name == "position.weight");
            var p = model.Parameters.Value(model.Parameters["position.weight"]);
            Assert.Equal(grid[(1 * R + 2) * F + 3] + p[2 * F + 3], memory[(2 * B + 1) * F + 3], 12);
        }
        else if (positions == RegionPositionKind.RowColumn)
        {
            Assert.Contains(checkTargets, t => t.Name == "position.row.weight");
            Assert.Contains(checkTargets, t => t.Name == "position.column.weight");
            var row = model.Parameters.Value(model.Parameters["position.row.weight"]);
            var column = model.Parameters.Value(model.Parameters["position.column.weight"]);
            Assert.Equal(grid[(1 * R + 2) * F + 3] + row[1 * F + 3] + column[0 * F + 3], memory[(2 * B + 1) * F + 3], 12);
        }
        else
        {
            Assert.All(model.Decoder.MemoryGradient.ToArray(), g => Assert.Equal(0.0, g));
            Assert.Equal(grid[(1 * R + 2) * F + 3], memory[(2 * B + 1) * F + 3]);
        }
        new GradientChecker(log).CheckAll(Loss, checkTargets);
    }

    // The grid matters: changing one region of one example changes that example's logits and not the other's.
    [Fact]
    public void EachExampleAttendsOverItsOwnGrid()
    {
        const int V = 6, F = 4, R = 3, Td = 2, B = 2;
        var model = new ConditionedGenerator<double>(new ConditionedGeneratorConfig
        {
            Features = F, Vocabulary = V, EmbeddingSize = 3, HiddenSize = 4, MaxLength = 4, Attention = AttentionKind.Luong, Regions = R,
        }, 5);
        var rng = new Rng(11);
        double[] features = Uniform(rng, B * F), grid = Uniform(rng, B * R * F);
        int[] input = Tokens(rng, Td * B, V);
        double[] before = model.Forward(features, grid, input, Td, B, training: false).ToArray();
        grid[(0 * R + 1) * F + 2] += 0.5; // example 0, region 1
        double[] after = model.Forward(features, grid, input, Td, B, training: false).ToArray();
        for (int t = 0; t < Td; t++)
        {
            Assert.NotEqual(before.AsSpan((t * B + 0) * V, V).ToArray(), after.AsSpan((t * B + 0) * V, V).ToArray());
            Assert.Equal(before.AsSpan((t * B + 1) * V, V).ToArray(), after.AsSpan((t * B + 1) * V, V).ToArray());
        }
    }
}
