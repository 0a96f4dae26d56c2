// PyTorchImportTests: a state_dict saved by PyTorch (tools/interop/make_interop.py) loaded through
// PyTorchImport / `rnn import` gives torch's outputs and final states; mismatching architectures are refused
// with a message naming the tensor and both shapes. Layer-normalised and Mogrifier state_dicts (the torch twin's
// fixtures) import the same way; an export of such a model imports back to the same tensors and outputs, and a
// state_dict whose rnn.ln_* / rnn.mogrifier_* tensors disagree with the architecture is refused naming the tensor
// and the setting to change.
using Recurrent.Interop;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Serialization;
using Recurrent.Tests.Cli;
using Recurrent.Tests.Support;
using Xunit.Abstractions;

namespace Recurrent.Tests.Interop;

public sealed class PyTorchImportTests(ITestOutputHelper log)
{
    [Theory]
    [MemberData(nameof(InteropFixtures.Cases), MemberType = typeof(InteropFixtures))]
    public void ImportedStateDict_GivesTorchOutputs(string name)
    {
        var model = InteropFixtures.Import(name);
        var io = InteropFixtures.Io(name);
        InteropFixtures.Run(model, io);
        Fixture.AssertClose(log, $"{name} output", InteropFixtures.D(io.Find("output")!.Data), model.Output, 1e-5);
        Fixture.AssertClose(log, $"{name} final_h", InteropFixtures.D(io.Find("final_h")!.Data), model.FinalH, 1e-5);
        if (io.Find("final_c") is { } c) Fixture.AssertClose(log, $"{name} final_c", InteropFixtures.D(c.Data), model.FinalC, 1e-5);
    }

    [Fact]
    public void WrongArchitecture_NamesTensorAndBothShapes()
    {
        const string name = "lstm_2layer_bidir_embedding";
        var config = PyTorchImport.ReadConfig(InteropFixtures.Arch(name)) with { HiddenSize = 8 };
        var e = Assert.Throws<InvalidDataException>(() => PyTorchImport.Load(InteropFixtures.StateDict(name), config));
        Assert.Contains("'rnn.weight_ih_l0' has shape (28, 6) in the file but the architecture needs (32, 6)", e.Message);

        var oneLayer = PyTorchImport.ReadConfig(InteropFixtures.Arch(name)) with { Layers = 1 };
        e = Assert.Throws<InvalidDataException>(() => PyTorchImport.Load(InteropFixtures.StateDict(name), oneLayer));
        Assert.Contains("tensor 'rnn.weight_ih_l1' (28, 14) is not part of the architecture", e.Message);
    }

    public static TheoryData<string> StructuredRoundTrips() => new("layernorm_lstm", "layernorm_gru", "mogrifier", "mogrifier_rank2");

    private static ModelConfig Structured(string name) => name switch
    {
        "layernorm_lstm" => new() { Input = InputKind.Embedding, InputSize = 9, EmbeddingSize = 4, Cell = CellKind.Lstm, HiddenSize = 5, Layers = 2, Bidirectional = true, LayerNorm = true, OutputSize = 9 },
        "layernorm_gru" => new() { Input = InputKind.Dense, InputSize = 3, Cell = CellKind.Gru, HiddenSize = 5, Layers = 2, LayerNorm = true, Head = HeadKind.LastStep, OutputSize = 2 },
        "mogrifier" => new() { Input = InputKind.OneHot, InputSize = 7, Cell = CellKind.Lstm, HiddenSize = 5, Layers = 2, MogrifierRounds = 5, OutputSize = 7 },
        _ => new() { Input = InputKind.Dense, InputSize = 3, Cell = CellKind.Lstm, HiddenSize = 5, Bidirectional = true, MogrifierRounds = 4, MogrifierRank = 2, OutputSize = 2 },
    };

    // A model of the architecture with every parameter drawn at random (gains away from 1, biases away from 0).
    private static SequenceModel<float> RandomModel(ModelConfig config, ulong seed)
    {
        var model = new SequenceModel<float>(config, seed);
        var rng = new Rng(seed + 1);
        var values = model.Parameters.Values;
        for (int i = 0; i < values.Length; i++) values[i] = (float)rng.Uniform(-0.8, 0.8);
        return model;
    }

    private static float[] Run(SequenceModel<float> model, int steps, int batch)
    {
        var c = model.Config;
        var rng = new Rng(77);
        var h0 = model.InitialH(batch);
        for (int i = 0; i < h0.Length; i++) h0[i] = (float)rng.Uniform(-0.5, 0.5);
        var c0 = model.InitialC(batch);
        for (int i = 0; i < c0.Length; i++) c0[i] = (float)rng.Uniform(-0.5, 0.5);
        var output = c.Input == InputKind.Dense
            ? model.Forward(Enumerable.Range(0, steps * batch * c.InputSize).Select(_ => (float)rng.NextGaussian()).ToArray(), steps, batch, training: false)
            : model.Forward(Enumerable.Range(0, steps * batch).Select(_ => rng.NextInt(c.InputSize)).ToArray(), steps, batch, training: false);
        return [.. output.ToArray(), .. model.FinalH.ToArray(), .. model.FinalC.ToArray()];
    }

    [Theory]
    [MemberData(nameof(StructuredRoundTrips))]
    public void StructuredModel_ExportThenImport_GivesTheSameTensorsAndOutputs(string name)
    {
        var model = RandomModel(Structured(name), 11);
        string dir = Directory.CreateTempSubdirectory("rnn-import-").FullName;
        try
        {
            PyTorchExport.Write(model, dir);
            var config = PyTorchImport.ReadConfig(Path.Combine(dir, PyTorchExport.ConfigFile));
            Assert.Equal(model.Config, config);
            var imported = PyTorchImport.Load(Path.Combine(dir, PyTorchExport.StateDictFile), config);
            Assert.Equal(model.Parameters.Parameters.Select(p => p.Name), imported.Parameters.Parameters.Select(p => p.Name));
            Assert.Equal(model.Parameters.Values, imported.Parameters.Values);
            Assert.Equal(Run(model, 6, 3), Run(imported, 6, 3));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void StructuredStateDict_AgainstAnArchitectureWithoutTheStructure_NamesTheTensorAndTheSetting()
    {
        // Layer-normalised file, plain architecture: the ln tensors are extra.
        const string ln = "layernorm_lstm_2layer_bidir_embedding";
        var plain = PyTorchImport.ReadConfig(InteropFixtures.Arch(ln)) with { LayerNorm = false };
        var e = Assert.Throws<InvalidDataException>(() => PyTorchImport.Load(InteropFixtures.StateDict(ln), plain));
        log.WriteLine(e.Message);
        Assert.Contains("tensor 'rnn.ln_ih_weight_l0' (28) is not part of the architecture", e.Message);
        Assert.Contains("set \"LayerNorm\": true", e.Message);

        // Plain file, layer-normalised architecture: the ln tensors are missing.
        const string gru = "gru_2layer_embedding";
        var layerNorm = PyTorchImport.ReadConfig(InteropFixtures.Arch(gru)) with { LayerNorm = true };
        e = Assert.Throws<InvalidDataException>(() => PyTorchImport.Load(InteropFixtures.StateDict(gru), layerNorm));
        log.WriteLine(e.Message);
        Assert.Contains("(layer-normalised Gru, hidden 7", e.Message);
        Assert.Contains("tensor 'rnn.ln_ih_weight_l0' (21) is missing", e.Message);
        Assert.Contains("\"LayerNorm\": false", e.Message);

        // Mogrifier file: too few rounds in the architecture, no rounds, full rank instead of rank 2.
        const string mog = "mogrifier_lstm_2layer_embedding";
        var fewer = PyTorchImport.ReadConfig(InteropFixtures.Arch(mog)) with { MogrifierRounds = 4 };
        e = Assert.Throws<InvalidDataException>(() => PyTorchImport.Load(InteropFixtures.StateDict(mog), fewer));
        log.WriteLine(e.Message);
        Assert.Contains("tensor 'rnn.mogrifier_5_l0' (6, 7) is not part of the architecture", e.Message);
        var none = PyTorchImport.ReadConfig(InteropFixtures.Arch(mog)) with { MogrifierRounds = 0 };
        e = Assert.Throws<InvalidDataException>(() => PyTorchImport.Load(InteropFixtures.StateDict(mog), none));
        Assert.Contains("tensor 'rnn.mogrifier_1_l0' (6, 7) is not part of the architecture", e.Message);
        Assert.Contains("set \"MogrifierRounds\"", e.Message);
        const string rank = "mogrifier_rank2_lstm_bidir_dense_laststep";
        var full = PyTorchImport.ReadConfig(InteropFixtures.Arch(rank)) with { MogrifierRank = 0 };
        e = Assert.Throws<InvalidDataException>(() => PyTorchImport.Load(InteropFixtures.StateDict(rank), full));
        log.WriteLine(e.Message);
        Assert.Contains("tensor 'rnn.mogrifier_1_l0' (4, 5) is missing", e.Message);
        Assert.Contains("\"MogrifierRank\" to their rank", e.Message);
        var rank3 = PyTorchImport.ReadConfig(InteropFixtures.Arch(rank)) with { MogrifierRank = 3 };
        e = Assert.Throws<InvalidDataException>(() => PyTorchImport.Load(InteropFixtures.StateDict(rank), rank3));
        Assert.Contains("tensor 'rnn.mogrifier_1_a_l0' has shape (4, 2) in the file but the architecture needs (4, 3)", e.Message);
    }

    [Fact]
    public void Cli_ImportsStructuredStateDicts_FromConfigOrFlags_AndRefusesAMismatch()
    {
        const string name = "mogrifier_rank2_lstm_bidir_dense_laststep";
        string dir = Directory.CreateTempSubdirectory("rnn-import-").FullName;
        try
        {
            string model = Path.Combine(dir, "m.safetensors");
            var r = CliRunner.Run("import", InteropFixtures.StateDict(name), "--config", InteropFixtures.Arch(name), "--out", model);
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Contains("Mogrifier (4 rounds, rank 2) Lstm", r.Stdout);
            var loaded = ModelFile.CreateModel(ModelFile.Read(model), model);
            var io = InteropFixtures.Io(name);
            InteropFixtures.Run(loaded, io);
            Fixture.AssertClose(log, $"{name} output (rnn import)", InteropFixtures.D(io.Find("output")!.Data), loaded.Output, 1e-5);
            File.Delete(model);

            const string ln = "layernorm_gru_onehot";
            r = CliRunner.Run("import", InteropFixtures.StateDict(ln), "--input", "one-hot", "--input-size", "9", "--cell", "gru",
                "--hidden", "6", "--output-size", "9", "--layer-norm", "--out", model);
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Contains("layer-normalised Gru", r.Stdout);
            File.Delete(model);

            r = CliRunner.Run("import", InteropFixtures.StateDict(ln), "--input", "one-hot", "--input-size", "9", "--cell", "gru",
                "--hidden", "6", "--output-size", "9", "--out", model);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("'rnn.ln_ih_weight_l0' (18) is not part of the architecture", r.Stderr);
            Assert.Contains("set \"LayerNorm\": true", r.Stderr);
            Assert.False(File.Exists(model));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Cli_ImportThenExport_RoundTripsTheStateDictExactly()
    {
        const string name = "gru_2layer_embedding";
        string dir = Directory.CreateTempSubdirectory("rnn-import-").FullName;
        try
        {
            string model = Path.Combine(dir, "m.safetensors"), out1 = Path.Combine(dir, "pt");
            var r = CliRunner.Run("import", InteropFixtures.StateDict(name), "--config", InteropFixtures.Arch(name), "--out", model);
            Assert.True(r.ExitCode == 0, r.Stderr);
            r = CliRunner.Run("export", model, "--format", "pytorch", "--out", out1);
            Assert.True(r.ExitCode == 0, r.Stderr);
            var original = SafeTensors.Read(InteropFixtures.StateDict(name)).Tensors;
            var exported = SafeTensors.Read(Path.Combine(out1, PyTorchExport.StateDictFile)).Tensors;
            Assert.Equal(original.Select(t => t.Name).Order(), exported.Select(t => t.Name).Order());
            foreach (var t in original)
            {
                var x = exported.Single(e => e.Name == t.Name);
                Assert.Equal(t.Shape, x.Shape);
                Assert.Equal(t.Data, x.Data);
            }
            // The architecture written beside it reads back as the one imported.
            Assert.Equal(PyTorchImport.ReadConfig(InteropFixtures.Arch(name)), PyTorchImport.ReadConfig(Path.Combine(out1, PyTorchExport.ConfigFile)));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Cli_MismatchExitsWith2_NamesShapes_AndWritesNothing()
    {
        const string name = "rnn_tanh_embedding";
        string dir = Directory.CreateTempSubdirectory("rnn-import-").FullName;
        try
        {
            string model = Path.Combine(dir, "m.safetensors");
            var r = CliRunner.Run("import", InteropFixtures.StateDict(name), "--config", InteropFixtures.Arch(name), "--hidden", "9", "--out", model);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("'rnn.weight_ih_l0' has shape (8, 5) in the file but the architecture needs (9, 5)", r.Stderr);
            Assert.False(File.Exists(model));

            r = CliRunner.Run("import", InteropFixtures.StateDict(name), "--out", model);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("--config", r.Stderr);
            Assert.False(File.Exists(model));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Cli_ArchitectureFlags_WithoutConfig_Import()
    {
        const string name = "rnn_relu_onehot";
        string dir = Directory.CreateTempSubdirectory("rnn-import-").FullName;
        try
        {
            string model = Path.Combine(dir, "m.safetensors");
            var r = CliRunner.Run("import", InteropFixtures.StateDict(name), "--input", "one-hot", "--input-size", "9", "--cell", "rnn-relu",
                "--hidden", "6", "--layers", "1", "--output-size", "9", "--out", model);
            Assert.True(r.ExitCode == 0, r.Stderr);
            var loaded = ModelFile.CreateModel(ModelFile.Read(model), model);
            var io = InteropFixtures.Io(name);
            InteropFixtures.Run(loaded, io);
            Fixture.AssertClose(log, $"{name} output (flags)", InteropFixtures.D(io.Find("output")!.Data), loaded.Output, 1e-5);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
