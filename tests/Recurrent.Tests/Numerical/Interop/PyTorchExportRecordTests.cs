// PyTorchExportRecordTests: tools/interop/make_interop.py ran the model.py that `rnn export --format pytorch`
// wrote for every fixture model under torch and recorded the largest differences to Recurrent's outputs and the
// SHA-256 of the exported files. These tests re-export each model and require the very files the record vouches
// for (so any change to the export needs a rerun of the script), and the recorded differences within 1e-5.
// The same for the activation cases (Fixtures/interop/activation_cases.json: a fixture's weights with softsign and/or
// hard-sigmoid, whose model.py defines the step-by-step StepRecurrent), which together cover LSTM and GRU with every
// non-default (gate, cell) pair and the softsign RNN.
// The structured fixtures (layer-normalised LSTM and GRU, Mogrifier LSTM of full rank and of rank 2; torch twin in the
// script) are cases like the others: their model.py defines the same StepRecurrent with the structure on, loads every extra
// tensor strictly and matched Recurrent's example under torch; activation_cases.json puts activations on them too.
// CI also reruns the script itself where torch is installed.
using System.Security.Cryptography;
using System.Text.Json;
using Recurrent.Interop;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tests.Cli;
using Xunit.Abstractions;

namespace Recurrent.Tests.Interop;

public sealed class PyTorchExportRecordTests(ITestOutputHelper log)
{
    private static JsonElement Record()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(InteropFixtures.Directory, "pytorch_export_record.json")));
        return doc.RootElement.Clone();
    }

    [Theory]
    [MemberData(nameof(InteropFixtures.Cases), MemberType = typeof(InteropFixtures))]
    public void Export_IsTheRecordedOne_AndTorchMatchedIt(string name)
    {
        var record = Record();
        double tolerance = record.GetProperty("tolerance").GetDouble();
        Assert.Equal(1e-5, tolerance);
        Assert.True(record.GetProperty("cases").TryGetProperty(name, out var entry), $"the record has no case '{name}'; rerun tools/interop/make_interop.py");
        Assert.True(entry.GetProperty("passed").GetBoolean());
        foreach (var d in entry.GetProperty("max_abs_diff").EnumerateObject())
        {
            log.WriteLine($"{name} {d.Name}: torch vs Recurrent {d.Value.GetDouble():E2}");
            Assert.InRange(d.Value.GetDouble(), 0, tolerance);
        }
        Assert.Contains("output", entry.GetProperty("max_abs_diff").EnumerateObject().Select(p => p.Name));

        string dir = Directory.CreateTempSubdirectory("rnn-export-").FullName;
        try
        {
            PyTorchExport.Write(InteropFixtures.Import(name), dir);
            foreach (var h in entry.GetProperty("sha256").EnumerateObject())
            {
                string actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, h.Name))));
                Assert.True(h.Value.GetString() == actual,
                    $"{name}/{h.Name} differs from the file the record vouches for; rerun tools/interop/make_interop.py and commit its output.");
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>The cases of activation_cases.json: name → (base fixture, Activation, GateActivation).</summary>
    public static TheoryData<string> ActivationCases() => new(ActivationCaseTable().Keys.Order(StringComparer.Ordinal));

    private static Dictionary<string, (string Base, CellActivation Activation, GateActivation Gate)> ActivationCaseTable()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(InteropFixtures.Directory, "activation_cases.json")));
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (
            p.Value.GetProperty("base").GetString()!,
            Enum.Parse<CellActivation>(p.Value.GetProperty("Activation").GetString()!),
            Enum.Parse<GateActivation>(p.Value.GetProperty("GateActivation").GetString()!)));
    }

    [Theory]
    [MemberData(nameof(ActivationCases))]
    public void ActivationExport_IsTheRecordedOne_AndTorchMatchedIt(string name)
    {
        var (baseName, activation, gate) = ActivationCaseTable()[name];
        var record = Record();
        Assert.True(record.GetProperty("activation_cases").TryGetProperty(name, out var entry), $"the record has no activation case '{name}'; rerun tools/interop/make_interop.py");
        Assert.True(entry.GetProperty("passed").GetBoolean());
        foreach (var d in entry.GetProperty("max_abs_diff").EnumerateObject())
        {
            log.WriteLine($"{name} {d.Name}: torch vs Recurrent {d.Value.GetDouble():E2}");
            Assert.InRange(d.Value.GetDouble(), 0, 1e-5);
        }
        var config = PyTorchImport.ReadConfig(InteropFixtures.Arch(baseName)) with { Activation = activation, GateActivation = gate };
        var model = PyTorchImport.Load(InteropFixtures.StateDict(baseName), config);
        Assert.True(PyTorchExport.HasCustomActivations(model.Config));
        // Plain and layer-normalised or Mogrifier bases alike get the one step-by-step module, with the structure on or off.
        string snippet = PyTorchExport.Snippet(model.Config);
        Assert.Contains("class StepRecurrent(nn.Module):", snippet);
        Assert.Contains($"STEP = dict(layer_norm={(model.Config.LayerNorm ? "True" : "False")}, mogrifier_rounds={model.Config.MogrifierRounds}, ", snippet);
        Assert.Contains("self.rnn = StepRecurrent(cell, features, hidden_size, **kwargs, **STEP)", snippet);
        string dir = Directory.CreateTempSubdirectory("rnn-export-").FullName;
        try
        {
            PyTorchExport.Write(model, dir);
            foreach (var h in entry.GetProperty("sha256").EnumerateObject())
            {
                string actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, h.Name))));
                Assert.True(h.Value.GetString() == actual,
                    $"{name}/{h.Name} differs from the file the record vouches for; rerun tools/interop/make_interop.py and commit its output.");
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void ActivationCases_CoverEveryNonDefaultPairOfLstmAndGru_AndTheSoftsignRnn()
    {
        var covered = ActivationCaseTable().Values
            .Select(c => (PyTorchImport.ReadConfig(InteropFixtures.Arch(c.Base)).Cell, c.Activation, c.Gate)).ToHashSet();
        foreach (var cell in new[] { CellKind.Lstm, CellKind.Gru })
            foreach (var gate in Enum.GetValues<GateActivation>())
                foreach (var activation in Enum.GetValues<CellActivation>())
                    if (gate != GateActivation.Sigmoid || activation != CellActivation.Tanh)
                        Assert.Contains((cell, activation, gate), covered);
        Assert.Contains((CellKind.RnnTanh, CellActivation.Softsign, GateActivation.Sigmoid), covered);
    }

    [Fact]
    public void StructuredCases_CoverLayerNormLstmAndGru_AndMogrifierOfFullAndLowRank_AndTorchMatchedEach()
    {
        var record = Record().GetProperty("cases");
        var structured = InteropFixtures.StructuredNames();
        var configs = structured.Select(n => PyTorchImport.ReadConfig(InteropFixtures.Arch(n))).ToList();
        Assert.Contains(configs, c => c.LayerNorm && c.Cell == CellKind.Lstm);
        Assert.Contains(configs, c => c.LayerNorm && c.Cell == CellKind.Gru);
        Assert.Contains(configs, c => c.MogrifierRounds > 0 && c.MogrifierRank == 0);
        Assert.Contains(configs, c => c.MogrifierRounds > 0 && c.MogrifierRank == 2);
        Assert.Contains(configs, c => c.Bidirectional && c.Head == HeadKind.LastStep);
        foreach (string name in structured)
        {
            Assert.True(record.TryGetProperty(name, out var entry), $"the record has no case '{name}'; rerun tools/interop/make_interop.py");
            Assert.True(entry.GetProperty("passed").GetBoolean());
            log.WriteLine($"{name}: torch ran model.py, largest difference {entry.GetProperty("max_abs_diff").EnumerateObject().Max(d => d.Value.GetDouble()):E2}");
        }
    }

    public static TheoryData<string> StructuredSnippetCases() => new("layernorm_lstm", "layernorm_gru", "mogrifier", "mogrifier_rank2");

    private static ModelConfig StructuredConfig(string name) => name switch
    {
        "layernorm_lstm" => new() { Input = InputKind.Embedding, InputSize = 9, EmbeddingSize = 4, Cell = CellKind.Lstm, HiddenSize = 5, Layers = 2, LayerNorm = true, OutputSize = 9 },
        "layernorm_gru" => new() { Input = InputKind.Dense, InputSize = 3, Cell = CellKind.Gru, HiddenSize = 5, Bidirectional = true, LayerNorm = true, Head = HeadKind.LastStep, OutputSize = 2 },
        "mogrifier" => new() { Input = InputKind.OneHot, InputSize = 7, Cell = CellKind.Lstm, HiddenSize = 5, Layers = 2, MogrifierRounds = 5, OutputSize = 7 },
        _ => new() { Input = InputKind.Dense, InputSize = 3, Cell = CellKind.Lstm, HiddenSize = 5, Bidirectional = true, MogrifierRounds = 4, MogrifierRank = 2, OutputSize = 2 },
    };

    [Theory]
    [MemberData(nameof(StructuredSnippetCases))]
    public void StructuredModel_ModelPyDeclaresEveryExtraTensor_UnderItsStateDictName(string name)
    {
        var config = StructuredConfig(name);
        var model = new SequenceModel<float>(config, seed: 5);
        string snippet = PyTorchExport.Snippet(config);
        Assert.Contains("class StepRecurrent(nn.Module):", snippet);
        Assert.Contains("self.rnn = StepRecurrent(cell, features, hidden_size, **kwargs, **STEP)", snippet);
        Assert.Contains($"STEP = dict(layer_norm={(config.LayerNorm ? "True" : "False")}, mogrifier_rounds={config.MogrifierRounds}, mogrifier_rank={config.MogrifierRank},", snippet);
        Assert.DoesNotContain("nn.LSTM(features", snippet);
        var names = PyTorchExport.StateDict(model).Select(t => t.Name).ToList();
        Assert.Equal(model.Parameters.Parameters.Select(p => p.Name), names);
        if (config.LayerNorm)
        {
            Assert.Contains("rnn.ln_ih_weight_l0", names);
            Assert.Contains("rnn.ln_hh_weight_l0", names);
            Assert.Equal(config.Cell == CellKind.Lstm, names.Contains("rnn.ln_cell_bias_l0"));
        }
        else
        {
            Assert.Contains(config.MogrifierRank == 0 ? "rnn.mogrifier_1_l0" : "rnn.mogrifier_1_a_l0", names);
            Assert.Contains($"rnn.mogrifier_{config.MogrifierRounds}{(config.MogrifierRank == 0 ? "" : "_b")}_l0", names);
        }
        // Every extra tensor's base name appears in the module's registration code (ln_*, mogrifier_{j}[_a|_b]).
        foreach (string n in names.Where(n => n.StartsWith("rnn.", StringComparison.Ordinal)).Select(n => n[4..n.LastIndexOf("_l", StringComparison.Ordinal)]).Distinct())
        {
            string pattern = n.StartsWith("mogrifier_", StringComparison.Ordinal) ? (config.MogrifierRank == 0 ? "f\"mogrifier_{j}\"" : $"f\"mogrifier_{{j}}{n[^2..]}\"") : $"\"{n}\"";
            Assert.Contains(pattern, snippet);
        }
    }

    [Fact]
    public void DefaultModel_ModelPyHasNoStepByStepModule()
    {
        var config = new ModelConfig { Input = InputKind.Embedding, InputSize = 9, Cell = CellKind.Lstm, HiddenSize = 5, OutputSize = 9 };
        string snippet = PyTorchExport.Snippet(config);
        Assert.DoesNotContain("StepRecurrent", snippet);
        Assert.DoesNotContain("STEP", snippet);
        Assert.Contains("self.rnn = nn.LSTM(features, hidden_size, **kwargs)", snippet);
    }

    [Fact]
    public void Example_HoldsThisModelsOutputs()
    {
        var model = InteropFixtures.Import("lstm_bidir_dense_laststep");
        var example = PyTorchExport.Example(model, seed: 7);
        var copy = InteropFixtures.Import("lstm_bidir_dense_laststep");
        var io = new SafeTensorsContent(example, new Dictionary<string, string>());
        InteropFixtures.Run(copy, io);
        Assert.Equal(io.Find("output")!.Data, copy.Output.ToArray());
        Assert.Equal(io.Find("final_c")!.Data, copy.FinalC.ToArray());
        Assert.Contains(io.Find("initial_h")!.Data, v => v != 0);
    }

    [Fact]
    public void PeepholeLstm_IsRefused_WithAClearMessage()
    {
        var config = new ModelConfig { Input = InputKind.Dense, InputSize = 3, Cell = CellKind.Lstm, Peepholes = true, HiddenSize = 4, OutputSize = 2 };
        var e = Assert.Throws<ArgumentException>(() => PyTorchExport.StateDict(new SequenceModel<float>(config, 1)));
        Assert.Contains("peephole", e.Message);

        string dir = Directory.CreateTempSubdirectory("rnn-export-").FullName;
        try
        {
            string model = Path.Combine(dir, "peep.safetensors");
            ModelFile.Save(model, new SequenceModel<float>(config, 1));
            var r = CliRunner.Run("export", model, "--format", "pytorch", "--out", Path.Combine(dir, "pt"));
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("peephole", r.Stderr);
            Assert.Contains("--format onnx", r.Stderr);
            Assert.False(Directory.Exists(Path.Combine(dir, "pt")));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
