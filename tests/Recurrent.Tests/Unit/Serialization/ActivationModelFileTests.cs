// The activation choices in model files: a non-default choice is written into the configuration JSON by name and
// read back (the loaded model computes the same outputs); the defaults are left out, so a default model's
// configuration is the very JSON older builds wrote, and a configuration without the entries (an older file) reads
// as sigmoid/tanh; an unknown name, a number or an impossible combination is refused with a message naming the file.
using System.Text.Json;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tests.Cli;

namespace Recurrent.Tests.Serialization;

public sealed class ActivationModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recurrent-activation-file-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ModelConfig Config(CellKind cell, GateActivation gate, CellActivation activation) => new()
    {
        Input = InputKind.Dense, InputSize = 3, Cell = cell, HiddenSize = 5, OutputSize = 2, GateActivation = gate, Activation = activation,
    };

    public static TheoryData<CellKind, GateActivation, CellActivation> NonDefault() => new()
    {
        { CellKind.Lstm, GateActivation.HardSigmoid, CellActivation.Softsign },
        { CellKind.Lstm, GateActivation.Sigmoid, CellActivation.Softsign },
        { CellKind.Gru, GateActivation.HardSigmoid, CellActivation.Tanh },
        { CellKind.RnnTanh, GateActivation.Sigmoid, CellActivation.Softsign },
    };

    [Theory]
    [MemberData(nameof(NonDefault))]
    public void NonDefaultActivations_RoundTrip_AndTheLoadedModelComputesTheSame(CellKind cell, GateActivation gate, CellActivation activation)
    {
        var model = new SequenceModel<float>(Config(cell, gate, activation), seed: 3);
        string path = Path.Combine(_dir, "m.safetensors");
        ModelFile.Save(path, model);
        var content = ModelFile.Read(path);
        Assert.Equal(model.Config, content.Config);
        Assert.Equal(gate, content.Config.GateActivation);
        Assert.Equal(activation, content.Config.Activation);
        var loaded = ModelFile.CreateModel(content, path);
        float[] x = Enumerable.Range(0, 4 * 2 * 3).Select(i => MathF.Sin(i) * 2).ToArray();
        Assert.Equal(model.Forward(x, 4, 2, training: false).ToArray(), loaded.Forward(x, 4, 2, training: false).ToArray());

        string json = JsonSerializer.Serialize(model.Config, ModelFile.JsonOptions);
        if (activation != CellActivation.Tanh) Assert.Contains($"\"Activation\":\"{activation}\"", json);
        if (gate != GateActivation.Sigmoid) Assert.Contains($"\"GateActivation\":\"{gate}\"", json);
    }

    [Fact]
    public void DefaultActivations_AreLeftOutOfTheJson_AndAConfigurationWithoutThemReadsAsTheDefaults()
    {
        var config = Config(CellKind.Lstm, GateActivation.Sigmoid, CellActivation.Tanh);
        string json = JsonSerializer.Serialize(config, ModelFile.JsonOptions);
        Assert.DoesNotContain("Activation", json);
        var read = JsonSerializer.Deserialize<ModelConfig>(json, ModelFile.JsonOptions)!;
        Assert.Equal(GateActivation.Sigmoid, read.GateActivation);
        Assert.Equal(CellActivation.Tanh, read.Activation);
        // Names are read in any letter case, like the other enums of the configuration.
        var lower = JsonSerializer.Deserialize<ModelConfig>(json.Replace("\"Cell\":\"Lstm\"", "\"Cell\":\"Lstm\",\"Activation\":\"softsign\",\"GateActivation\":\"hardsigmoid\""), ModelFile.JsonOptions)!;
        Assert.Equal(CellActivation.Softsign, lower.Activation);
        Assert.Equal(GateActivation.HardSigmoid, lower.GateActivation);
    }

    [Theory]
    [InlineData("\"Activation\":\"Relu6\"", "CellActivation 'Relu6' is not one this build knows (Tanh, Softsign)")]
    [InlineData("\"GateActivation\":\"Swish\"", "GateActivation 'Swish' is not one this build knows (Sigmoid, HardSigmoid)")]
    [InlineData("\"Activation\":1", "CellActivation must be one of Tanh, Softsign (a name)")]
    public void AnUnknownActivation_IsRefused_NamingTheFileTheValueAndTheKnownNames(string entry, string expected)
    {
        string path = Path.Combine(_dir, "unknown.safetensors");
        ModelFile.Save(path, new SequenceModel<float>(Config(CellKind.Lstm, GateActivation.Sigmoid, CellActivation.Tanh), seed: 1));
        File.WriteAllBytes(path, BadInputTests.Resigned(File.ReadAllBytes(path), meta => meta["config"] = meta["config"].Replace("\"Cell\":\"Lstm\"", "\"Cell\":\"Lstm\"," + entry)));
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(path));
        Assert.Contains($"'{path}'", e.Message);
        Assert.Contains(expected, e.Message);

        var r = CliRunner.Run("export", path, "--format", "onnx", "--out", Path.Combine(_dir, "m.onnx"));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("rnn: ", r.Stderr);
        Assert.Contains(expected, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void AnImpossibleCombination_IsRefused_NamingTheFile()
    {
        string path = Path.Combine(_dir, "relu.safetensors");
        ModelFile.Save(path, new SequenceModel<float>(Config(CellKind.RnnRelu, GateActivation.Sigmoid, CellActivation.Tanh), seed: 1));
        File.WriteAllBytes(path, BadInputTests.Resigned(File.ReadAllBytes(path), meta => meta["config"] = meta["config"].Replace("\"Cell\":\"RnnRelu\"", "\"Cell\":\"RnnRelu\",\"Activation\":\"Softsign\"")));
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.CreateModel(ModelFile.Read(path), path));
        Assert.Contains($"'{path}'", e.Message);
        Assert.Contains("RnnRelu's non-linearity is ReLU", e.Message);
    }
}
