// The AWD-LSTM dropout settings in model files: when on they are written into the configuration JSON and read back
// (the loaded model is the same model: equal configuration, same evaluation outputs); when off they are left out, so
// a default model's configuration is the JSON older builds wrote, and a configuration without them (an older file)
// reads as "off".
using System.Text.Json;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;

namespace Recurrent.Tests.Serialization;

public sealed class AwdDropoutModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recurrent-awd-file-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Names = ["LockedDropout", "InputDropout", "OutputDropout", "EmbeddingDropout", "WeightDrop"];

    private static ModelConfig Config() => new()
    {
        Input = InputKind.Embedding, InputSize = 7, EmbeddingSize = 4, Cell = CellKind.Lstm, HiddenSize = 5, Layers = 2, OutputSize = 7,
    };

    [Fact]
    public void TheSettingsRoundTripAndTheLoadedModelComputesTheSame()
    {
        var config = Config() with { Dropout = 0.2, LockedDropout = true, InputDropout = 0.1, OutputDropout = 0.3, EmbeddingDropout = 0.05, WeightDrop = 0.25 };
        var model = new SequenceModel<float>(config, seed: 3);
        string path = Path.Combine(_dir, "m.safetensors");
        ModelFile.Save(path, model);
        var content = ModelFile.Read(path);
        Assert.Equal(config, content.Config);
        var loaded = ModelFile.CreateModel(content, path);
        int[] tokens = Enumerable.Range(0, 4 * 3).Select(i => i % 7).ToArray();
        Assert.Equal(model.Forward(tokens, 4, 3, training: false).ToArray(), loaded.Forward(tokens, 4, 3, training: false).ToArray());

        string json = JsonSerializer.Serialize(config, ModelFile.JsonOptions);
        foreach (string name in Names) Assert.Contains($"\"{name}\":", json);
    }

    [Fact]
    public void OffTheyAreLeftOutAndAConfigurationWithoutThemReadsAsOff()
    {
        var config = Config() with { Dropout = 0.2 };
        string json = JsonSerializer.Serialize(config, ModelFile.JsonOptions);
        foreach (string name in Names) Assert.DoesNotContain(name, json);
        var read = JsonSerializer.Deserialize<ModelConfig>(json, ModelFile.JsonOptions)!;
        Assert.Equal(config, read);
        Assert.False(read.LockedDropout);
        Assert.Equal(0, read.InputDropout + read.OutputDropout + read.EmbeddingDropout + read.WeightDrop);
    }
}
