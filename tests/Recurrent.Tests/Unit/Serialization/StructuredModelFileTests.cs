// Cell structures in model files: a layer-normalised LSTM/GRU and a Mogrifier LSTM (full rank and rank K) are written
// with their settings in the configuration JSON and their extra tensors (rnn.ln_*, rnn.mogrifier_*) under the
// ParameterStore's names, and read back into a model that computes the same outputs and final states bit for bit.
using System.Text.Json;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Serialization;

namespace Recurrent.Tests.Serialization;

public sealed class StructuredModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recurrent-structured-file-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Structures() => new("layernorm_lstm", "layernorm_gru", "mogrifier", "mogrifier_rank2");

    private static ModelConfig Config(string name) => name switch
    {
        "layernorm_lstm" => new() { Input = InputKind.Embedding, InputSize = 9, EmbeddingSize = 4, Cell = CellKind.Lstm, HiddenSize = 5, Layers = 2, Bidirectional = true, LayerNorm = true, OutputSize = 9 },
        "layernorm_gru" => new() { Input = InputKind.Embedding, InputSize = 9, EmbeddingSize = 4, Cell = CellKind.Gru, HiddenSize = 5, LayerNorm = true, OutputSize = 9 },
        "mogrifier" => new() { Input = InputKind.Embedding, InputSize = 9, EmbeddingSize = 4, Cell = CellKind.Lstm, HiddenSize = 5, Layers = 2, MogrifierRounds = 5, OutputSize = 9 },
        _ => new() { Input = InputKind.Embedding, InputSize = 9, EmbeddingSize = 4, Cell = CellKind.Lstm, HiddenSize = 5, MogrifierRounds = 4, MogrifierRank = 2, OutputSize = 9, TieWeights = true },
    };

    [Theory]
    [MemberData(nameof(Structures))]
    public void StructuredModel_RoundTripsThroughAModelFile_AndComputesTheSame(string name)
    {
        var config = Config(name);
        var model = new SequenceModel<float>(config, seed: 3);
        // Move every parameter off its initial value (gains start at 1, biases at 0) so a lost or swapped tensor shows.
        var rng = new Rng(4);
        var values = model.Parameters.Values;
        for (int i = 0; i < values.Length; i++) values[i] += (float)rng.Uniform(-0.3, 0.3);
        string path = Path.Combine(_dir, name + ".safetensors");
        ModelFile.Save(path, model);

        var content = ModelFile.Read(path);
        Assert.Equal(config, content.Config);
        var extra = model.Parameters.Parameters.Where(p => p.Name.Contains(".ln_", StringComparison.Ordinal) || p.Name.Contains(".mogrifier_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(extra);
        foreach (var p in extra)
        {
            var t = content.Parameters.Single(t => t.Name == p.Name);
            Assert.Equal(p.Shape, t.Shape);
            Assert.Equal(model.Parameters.Value(p).ToArray(), t.Data);
        }
        string json = JsonSerializer.Serialize(content.Config, ModelFile.JsonOptions);
        if (config.LayerNorm) Assert.Contains("\"LayerNorm\":true", json);
        if (config.MogrifierRounds > 0) Assert.Contains($"\"MogrifierRounds\":{config.MogrifierRounds}", json);
        if (config.MogrifierRank > 0) Assert.Contains($"\"MogrifierRank\":{config.MogrifierRank}", json);

        var loaded = ModelFile.CreateModel(content, path);
        Assert.Equal(model.Parameters.Values, loaded.Parameters.Values);
        int steps = 6, batch = 2;
        int[] tokens = Enumerable.Range(0, steps * batch).Select(i => (i * 5 + 2) % config.InputSize).ToArray();
        foreach (var m in new[] { model, loaded })
        {
            var h0 = m.InitialH(batch);
            for (int i = 0; i < h0.Length; i++) h0[i] = MathF.Sin(i) * 0.4f;
            var c0 = m.InitialC(batch);
            for (int i = 0; i < c0.Length; i++) c0[i] = MathF.Cos(i) * 0.4f;
        }
        Assert.Equal(model.Forward(tokens, steps, batch, training: false).ToArray(), loaded.Forward(tokens, steps, batch, training: false).ToArray());
        Assert.Equal(model.FinalH.ToArray(), loaded.FinalH.ToArray());
        Assert.Equal(model.FinalC.ToArray(), loaded.FinalC.ToArray());
    }

    [Fact]
    public void PlainModel_JsonHasNoStructureEntries()
    {
        string json = JsonSerializer.Serialize(new ModelConfig { InputSize = 9, HiddenSize = 5, OutputSize = 9 }, ModelFile.JsonOptions);
        Assert.DoesNotContain("LayerNorm", json);
        Assert.DoesNotContain("Mogrifier", json);
    }
}
