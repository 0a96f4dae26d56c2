// The one-to-many generator with and without a grid: a generator without attention has exactly its former
// parameters and writes its configuration as before (no Attention/Regions entries), so older files and callers are
// unchanged; impossible combinations are refused; an attending generator needs its grid and one without refuses
// one; the attention weights of a decoded caption have one row per word plus the end token, each summing to 1,
// greedy and beam alike.
using System.Text.Json;
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Seq2Seq;
using Recurrent.Serialization;

namespace Recurrent.Tests.Captioning;

public sealed class AttendingGeneratorTests
{
    [Fact]
    public void WithoutAttentionTheParametersAndTheWrittenConfigurationAreAsBefore()
    {
        var config = new ConditionedGeneratorConfig { Features = 4, Vocabulary = 6, EmbeddingSize = 3, HiddenSize = 5, MaxLength = 4 };
        var model = new ConditionedGenerator<float>(config, 1);
        Assert.Null(model.Decoder.Attention);
        Assert.DoesNotContain(model.Parameters.Parameters, p => p.Name.Contains("attention", StringComparison.Ordinal));
        string json = JsonSerializer.Serialize(config, ModelFile.JsonOptions);
        Assert.DoesNotContain("Attention", json);
        Assert.DoesNotContain("Regions", json);
        var attending = config with { Attention = AttentionKind.Bahdanau, Regions = 3 };
        var back = JsonSerializer.Deserialize<ConditionedGeneratorConfig>(JsonSerializer.Serialize(attending, ModelFile.JsonOptions), ModelFile.JsonOptions)!;
        Assert.Equal(attending, back);
    }

    [Fact]
    public void ImpossibleCombinationsAndMissingOrStrayGridsAreRefused()
    {
        var plain = new ConditionedGeneratorConfig { Features = 4, Vocabulary = 6, EmbeddingSize = 3, HiddenSize = 5, MaxLength = 4 };
        Assert.Equal("Regions", Assert.Throws<ArgumentException>(() => (plain with { Regions = 3 }).Validate()).ParamName);
        Assert.Equal("Regions", Assert.Throws<ArgumentException>(() => (plain with { Attention = AttentionKind.Luong }).Validate()).ParamName);
        Assert.Equal("Attention", Assert.Throws<ArgumentException>(() => (plain with { Attention = AttentionKind.LuongDot, Regions = 2 }).Validate()).ParamName);
        Assert.Equal("RegionPositions", Assert.Throws<ArgumentException>(() => (plain with { RegionPositions = RegionPositionKind.PerRegion }).Validate()).ParamName);
        // Row and column positions need a square grid: 6 regions have no rows and columns, 9 do (3×3); per-region ones do not.
        var notSquare = Assert.Throws<ArgumentException>(() => (plain with { Attention = AttentionKind.Luong, Regions = 6, RegionPositions = RegionPositionKind.RowColumn }).Validate());
        Assert.Contains("6 regions is not a square", notSquare.Message);
        var perRegion = new ConditionedGenerator<float>(plain with { Attention = AttentionKind.Luong, Regions = 6, RegionPositions = RegionPositionKind.PerRegion }, 2);
        Assert.Equal([6, 4], perRegion.Parameters["position.weight"].Shape);
        var square = new ConditionedGenerator<float>(plain with { Attention = AttentionKind.Luong, Regions = 9, RegionPositions = RegionPositionKind.RowColumn }, 2);
        Assert.Equal([3, 4], square.Parameters["position.row.weight"].Shape);
        Assert.Equal([3, 4], square.Parameters["position.column.weight"].Shape);
        Assert.False(square.Parameters.Contains("position.weight"));

        var attending = new ConditionedGenerator<float>(plain with { Attention = AttentionKind.Luong, Regions = 3 }, 2);
        var e = Assert.Throws<ArgumentException>(() => attending.Generate(new float[4], 1));
        Assert.Contains("expected (B,R,F) = 1*3*4", e.Message);
        var model = new ConditionedGenerator<float>(plain, 2);
        e = Assert.Throws<ArgumentException>(() => model.Generate(new float[4], new float[12], 1));
        Assert.Contains("has no attention", e.Message);
        Assert.Throws<InvalidOperationException>(() => model.AttentionWeights(new float[4], default, new Hypothesis([3], true, 0)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void AttentionWeightsHaveARowPerWordAndTheEndTokenEachSummingToOne(int beam)
    {
        const int F = 4, R = 5;
        var model = new ConditionedGenerator<float>(new ConditionedGeneratorConfig
        {
            Features = F, Vocabulary = 7, EmbeddingSize = 3, HiddenSize = 6, MaxLength = 6, Attention = AttentionKind.Bahdanau, Regions = R,
        }, 3);
        var rng = new Rng(4);
        float[] features = Enumerable.Range(0, 2 * F).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        float[] grid = Enumerable.Range(0, 2 * R * F).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        Hypothesis[] all = model.Generate(features, grid, 2, beam);
        for (int b = 0; b < 2; b++)
        {
            float[] weights = model.AttentionWeights(features.AsSpan(b * F, F), grid.AsSpan(b * R * F, R * F), all[b]);
            Assert.Equal((all[b].Tokens.Length + (all[b].Finished ? 1 : 0)) * R, weights.Length);
            for (int t = 0; t < weights.Length / R; t++) Assert.Equal(1.0, weights.AsSpan(t * R, R).ToArray().Sum(), 1e-5);
            // The same example alone decodes the same way (the batch's other grid does not leak in).
            Assert.Equal(all[b].Tokens, model.Generate(features.AsSpan(b * F, F), grid.AsSpan(b * R * F, R * F), 1, beam)[0].Tokens);
        }
    }
}
