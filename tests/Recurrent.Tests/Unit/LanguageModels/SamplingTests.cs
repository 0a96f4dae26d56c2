// Sampling filters at the library level, on crafted logits: top-k and top-p (nucleus) never choose a token
// outside the allowed set (and do choose every token inside it), temperature → 0 is argmax, and the
// evaluator agrees with a token-at-a-time reference on an untrained model.
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Sampling;

namespace Recurrent.Tests.LanguageModels;

public sealed class SamplingTests
{
    private static SequenceModel<float> Model(int vocabulary) => new(new ModelConfig
    {
        Input = InputKind.Embedding, InputSize = vocabulary, EmbeddingSize = 4, Cell = CellKind.Gru, HiddenSize = 8, OutputSize = vocabulary,
    }, seed: 1);

    // Probabilities 0.30, 0.25, 0.15, 0.10, 0.08, 0.05, 0.04, 0.03 (sum 1), shuffled across ids.
    private static readonly int[] Ids = [5, 2, 7, 0, 3, 6, 1, 4];
    private static readonly double[] Probabilities = [0.30, 0.25, 0.15, 0.10, 0.08, 0.05, 0.04, 0.03];

    private static float[] Logits()
    {
        var logits = new float[8];
        for (int r = 0; r < 8; r++) logits[Ids[r]] = (float)Math.Log(Probabilities[r]);
        return logits;
    }

    [Theory]
    [InlineData(1, 1.0, 1)]
    [InlineData(3, 1.0, 3)]
    [InlineData(0, 0.5, 2)]   // 0.30 + 0.25 ≥ 0.5
    [InlineData(0, 0.56, 3)]  // 0.55 < 0.56 ≤ 0.70
    [InlineData(0, 0.9, 6)]   // 0.88 < 0.9 ≤ 0.93
    [InlineData(4, 0.9, 4)]   // top-k cuts first
    [InlineData(5, 0.6, 3)]   // top-p cuts first
    public void TopKAndTopPNeverLeaveTheAllowedSet(int topK, double topP, int allowed)
    {
        var sampler = new TokenSampler(Model(8), seed: 123);
        var options = new SamplingOptions { TopK = topK, TopP = topP };
        var seen = new int[8];
        float[] logits = Logits();
        for (int i = 0; i < 4000; i++) seen[sampler.Choose(logits, options)]++;
        var permitted = Ids.Take(allowed).ToHashSet();
        for (int id = 0; id < 8; id++)
        {
            if (permitted.Contains(id)) Assert.True(seen[id] > 0, $"token {id} is allowed but was never drawn");
            else Assert.True(seen[id] == 0, $"token {id} is outside the allowed set but was drawn {seen[id]} times");
        }
    }

    [Fact]
    public void TopPWithATemperatureFiltersTheTemperedDistribution()
    {
        // At temperature 0.5 the probabilities are ∝ p²: 0.09, 0.0625, 0.0225, ... of 0.1964, so the top one holds
        // 45.8%, the top two 77.7% (without tempering they would hold 55%) and the top three 89.1%.
        var sampler = new TokenSampler(Model(8), seed: 9);
        var options = new SamplingOptions { Temperature = 0.5, TopP = 0.75 };
        var drawn = Enumerable.Range(0, 3000).Select(_ => sampler.Choose(Logits(), options)).ToHashSet();
        Assert.Equal(new HashSet<int> { Ids[0], Ids[1] }, drawn);
        var wider = new SamplingOptions { Temperature = 0.5, TopP = 0.8 };
        drawn = Enumerable.Range(0, 3000).Select(_ => sampler.Choose(Logits(), wider)).ToHashSet();
        Assert.Equal(new HashSet<int> { Ids[0], Ids[1], Ids[2] }, drawn);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-7)]
    [InlineData(1e-6)]
    public void TemperatureAtOrBelowTheThresholdIsArgmax(double temperature)
    {
        var options = TextGenerator.Options(temperature);
        Assert.True(options.ArgMax);
        Assert.False(TextGenerator.Options(1e-5).ArgMax);
    }

    [Fact]
    public void TemperatureTowardsZeroConvergesToArgmax()
    {
        // Without ties, a small positive temperature already puts all the mass on the largest logit: the limit is argmax.
        var rng = new Recurrent.Randomness.Rng(3);
        var sampler = new TokenSampler(Model(50), seed: 4);
        for (int trial = 0; trial < 200; trial++)
        {
            var logits = new float[50];
            for (int j = 0; j < 50; j++) logits[j] = (float)rng.Uniform(-5, 5);
            int greedy = sampler.Choose(logits, new SamplingOptions { ArgMax = true });
            Assert.Equal(greedy, sampler.Choose(logits, new SamplingOptions { Temperature = 1e-4 }));
        }
    }

    [Fact]
    public void GenerationWithTheSameSeedIsReproducibleAndArgmaxIgnoresTheSeed()
    {
        var tokenizer = new CharTokenizer("abcdefgh \n".EnumerateRunes().Select(r => r.Value));
        var generator = new TextGenerator(Model(tokenizer.VocabularySize), tokenizer);
        var sampling = TextGenerator.Options(1.0, topK: 5);
        Assert.Equal(generator.Generate("ab", 60, sampling, seed: 1), generator.Generate("ab", 60, sampling, seed: 1));
        Assert.NotEqual(generator.Generate("ab", 60, sampling, seed: 1), generator.Generate("ab", 60, sampling, seed: 2));
        var greedy = TextGenerator.Options(0);
        Assert.Equal(generator.Generate("ab", 60, greedy, seed: 1), generator.Generate("ab", 60, greedy, seed: 2));
        Assert.StartsWith("ab", generator.Generate("ab", 5, greedy, seed: 1));
        Assert.Throws<UnknownTokenException>(() => generator.Generate("xyz", 5, greedy, seed: 1));
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(3, 4)]
    [InlineData(4, 7)]
    [InlineData(50, 16)]
    public void TheEvaluatorAgreesWithATokenAtATimeReference(int batch, int sequenceLength)
    {
        var model = Model(10);
        var rng = new Recurrent.Randomness.Rng(8);
        int[] ids = Enumerable.Range(0, 103).Select(_ => rng.NextInt(10)).ToArray();
        var result = LanguageModelEvaluator.Evaluate(model, TokenStream.FromArray(ids), batch, sequenceLength);
        var (nats, predictions) = ReferenceEvaluation.CrossEntropy(model, ids, batch);
        Assert.Equal(102, result.Predictions);
        Assert.Equal(predictions, result.Predictions);
        Assert.Equal(nats / predictions, result.MeanLoss, 1e-5);
    }
}
