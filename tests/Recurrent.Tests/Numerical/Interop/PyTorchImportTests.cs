// PyTorchImportTests: a state_dict saved by PyTorch (tools/interop/make_interop.py) loaded through
// PyTorchImport / `rnn import` gives torch's outputs and final states; mismatching architectures are refused
// with a message naming the tensor and both shapes.
using Recurrent.Interop;
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
