// PyTorchExportRecordTests: tools/interop/make_interop.py ran the model.py that `rnn export --format pytorch`
// wrote for every fixture model under torch and recorded the largest differences to Recurrent's outputs and the
// SHA-256 of the exported files. These tests re-export each model and require the very files the record vouches
// for (so any change to the export needs a rerun of the script), and the recorded differences within 1e-5.
// The same for the activation cases (Fixtures/interop/activation_cases.json: a fixture's weights with softsign and/or
// hard-sigmoid, whose model.py defines a step-by-step module), which together cover LSTM and GRU with every
// non-default (gate, cell) pair and the softsign RNN.
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
        Assert.Contains("class ActivatedRecurrent(nn.Module):", PyTorchExport.Snippet(model.Config));
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
