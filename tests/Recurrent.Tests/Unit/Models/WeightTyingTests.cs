// Weight tying (ModelConfig.TieWeights): one (V, E) matrix serves the embedding and the head. The parameter count
// drops by V·H (less the E·H projection when E ≠ H); the model file holds the matrix once and reads back to the same
// logits; a default model's JSON has no trace of the option; the untied equivalent that exporters write and the
// step-by-step sampler give the model's own logits; configurations without a table to share are refused by name.
using System.Text.Json;
using Recurrent.Interop;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Sampling;
using Recurrent.Serialization;
using Recurrent.Tests.Data;

namespace Recurrent.Tests.Models;

public sealed class WeightTyingTests
{
    private const int V = 23, H = 16;

    private static ModelConfig Config(int embedding, bool tied, CellKind cell = CellKind.Lstm) => new()
    {
        Input = InputKind.Embedding, InputSize = V, EmbeddingSize = embedding, Cell = cell, HiddenSize = H, Layers = 2,
        OutputSize = V, TieWeights = tied,
    };

    /// <summary>A tied model with every parameter from U(±0.5), so no term is zero (the bias starts at zero otherwise).</summary>
    private static SequenceModel<float> Tied(int embedding, CellKind cell = CellKind.Lstm)
    {
        var model = new SequenceModel<float>(Config(embedding, tied: true, cell), seed: 3);
        var rng = new Rng(11);
        var values = model.Parameters.Values;
        for (int i = 0; i < values.Length; i++) values[i] = (float)rng.Uniform(-0.5, 0.5);
        return model;
    }

    private static int[] Tokens(int n, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => rng.NextInt(V)).ToArray();
    }

    [Theory]
    [InlineData(H, V * H)]                 // E = H: the head's (V, H) weight is gone
    [InlineData(8, V * H - 8 * H)]         // E ≠ H: gone too, but a (E, H) projection comes in
    public void TheParameterCountDropsByTheHeadWeight(int embedding, int dropped)
    {
        var untied = new SequenceModel<float>(Config(embedding, tied: false), seed: 1);
        var tied = new SequenceModel<float>(Config(embedding, tied: true), seed: 1);
        Assert.Equal(dropped, untied.Parameters.Count - tied.Parameters.Count);
        Assert.Equal(tied.Parameters.Count, ModelMemory.ParameterCount(tied.Config));
        string[] names = tied.Parameters.Parameters.Select(p => p.Name).ToArray();
        Assert.DoesNotContain("head.weight", names);
        Assert.Contains("embedding.weight", names);
        Assert.Contains("head.bias", names);
        Assert.Equal(embedding != H, names.Contains("head.proj.weight"));
    }

    [Theory]
    [InlineData(H)]
    [InlineData(8)]
    public void TheFileHoldsTheSharedMatrixOnceAndReadsBackToTheSameLogits(int embedding)
    {
        using var dir = new TempDirectory();
        var model = Tied(embedding);
        string path = Path.Combine(dir.Path, "tied.safetensors");
        ModelFile.Save(path, model);
        var content = ModelFile.Read(path);
        Assert.True(content.Config.TieWeights);
        Assert.Single(content.Parameters, t => t.Name == "embedding.weight");
        Assert.DoesNotContain(content.Parameters, t => t.Name == "head.weight");
        var loaded = ModelFile.CreateModel(content, path);
        int[] tokens = Tokens(5 * 3, 7);
        float[] expected = model.Forward(tokens, 5, 3, training: false).ToArray();
        Assert.Equal(expected, loaded.Forward(tokens, 5, 3, training: false).ToArray());
    }

    [Fact]
    public void AnUntiedConfigurationWritesNoTieWeightsEntry()
    {
        Assert.DoesNotContain("TieWeights", JsonSerializer.Serialize(Config(8, tied: false), ModelFile.JsonOptions));
        string tied = JsonSerializer.Serialize(Config(8, tied: true), ModelFile.JsonOptions);
        Assert.Contains("\"TieWeights\":true", tied);
        Assert.True(JsonSerializer.Deserialize<ModelConfig>(tied, ModelFile.JsonOptions)!.TieWeights);
    }

    [Theory]
    [InlineData(H, 2)]    // 2 × 3 rows < V: the per-token input path
    [InlineData(8, 12)]   // 12 × 3 rows > V: the vocabulary-projected input path
    public void TheUntiedEquivalentGivesTheSameLogits(int embedding, int steps)
    {
        var model = Tied(embedding);
        var untied = model.Untied();
        Assert.False(untied.Config.TieWeights);
        Assert.Equal(model.Parameters.Count + (embedding == H ? V * H : V * H - 8 * H), untied.Parameters.Count);
        int[] tokens = Tokens(steps * 3, 8);
        float[] expected = model.Forward(tokens, steps, 3, training: false).ToArray();
        float[] actual = untied.Forward(tokens, steps, 3, training: false).ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"logit {i}: {actual[i]} vs {expected[i]}");
        Assert.Same(untied, untied.Untied());
    }

    [Theory]
    [InlineData(H, CellKind.Lstm)]
    [InlineData(8, CellKind.Lstm)]
    [InlineData(8, CellKind.Gru)]
    public void TheSamplerUsesTheTiedWeights(int embedding, CellKind cell)
    {
        var model = Tied(embedding, cell);
        var inference = new StepInference(model);
        model.ResetState();
        int[] one = new int[1];
        var rng = new Rng(6);
        for (int t = 0; t < 20; t++)
        {
            one[0] = rng.NextInt(V);
            float[] expected = model.Forward(one, 1, 1, training: false).ToArray();
            model.CarryState();
            ReadOnlySpan<float> actual = inference.Step(one[0]);
            for (int j = 0; j < expected.Length; j++)
                Assert.True(Math.Abs(expected[j] - actual[j]) <= 2e-5 * Math.Max(1, Math.Abs(expected[j])),
                    $"step {t} logit {j}: {actual[j]} vs {expected[j]}");
        }
    }

    [Theory]
    [InlineData(H)]
    [InlineData(8)]
    public void ThePyTorchExportLoadsAsAnUntiedModelWithTheSameLogits(int embedding)
    {
        using var dir = new TempDirectory();
        var model = Tied(embedding);
        PyTorchExport.Write(model, dir.Path);
        var config = PyTorchImport.ReadConfig(Path.Combine(dir.Path, PyTorchExport.ConfigFile));
        Assert.False(config.TieWeights);
        var state = SafeTensors.Read(Path.Combine(dir.Path, PyTorchExport.StateDictFile));
        Assert.NotNull(state.Find("head.weight"));
        Assert.Null(state.Find("head.proj.weight"));
        var imported = PyTorchImport.Load(Path.Combine(dir.Path, PyTorchExport.StateDictFile), config);
        int[] tokens = Tokens(4 * 2, 9);
        float[] expected = model.Forward(tokens, 4, 2, training: false).ToArray();
        float[] actual = imported.Forward(tokens, 4, 2, training: false).ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"logit {i}: {actual[i]} vs {expected[i]}");
        // With E = H, head.weight is the embedding table itself (what tying in torch would hold under both names).
        if (embedding == H)
            Assert.Equal(state.Find("embedding.weight")!.Data, state.Find("head.weight")!.Data);
    }

    [Theory]
    [InlineData(InputKind.OneHot, HeadKind.PerStep, V, "the input is OneHot")]
    [InlineData(InputKind.Dense, HeadKind.PerStep, V, "the input is Dense")]
    [InlineData(InputKind.Embedding, HeadKind.LastStep, V, "a LastStep head")]
    [InlineData(InputKind.Embedding, HeadKind.PerStep, 5, "OutputSize 5")]
    public void ConfigurationsWithoutATableToShareAreRefused(InputKind input, HeadKind head, int outputs, string message)
    {
        var config = Config(8, tied: true) with { Input = input, Head = head, OutputSize = outputs };
        var e = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Equal(nameof(ModelConfig.TieWeights), e.ParamName);
        Assert.Contains(message, e.Message);
    }
}
