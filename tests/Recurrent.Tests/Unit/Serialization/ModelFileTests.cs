// Model files: exact round trip of parameters, configuration, tokenizer/training metadata and optimizer
// state; corruption, truncation, foreign files, newer versions and shape mismatches are refused with a
// message naming the file; writes are atomic (a failed write leaves the previous file intact).
using System.Text;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Randomness;
using Recurrent.Serialization;

namespace Recurrent.Tests.Serialization;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recurrent-modelfile-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Renaming a temporary file over /dev/null (as root) would replace the device with a regular file for the
    // whole machine; device paths are written in place instead. Ordinary paths keep the atomic rename.
    [Fact]
    public void DevicePathsAreWrittenInPlaceNeverRenamedOver()
    {
        if (OperatingSystem.IsWindows()) return;
        Assert.True(ModelFile.IsDevicePath("/dev/null"));
        Assert.False(ModelFile.IsDevicePath(Path.Combine(_dir, "model.safetensors")));
        Assert.False(ModelFile.IsDevicePath("/dev/no-such-device-recurrent"));
        ModelFile.WriteAtomically("/dev/null", s => s.Write("discarded"u8));
        Assert.Empty(File.ReadAllBytes("/dev/null")); // still the device: what was written is gone
        Assert.Empty(Directory.GetFiles("/dev", ".null.tmp-*"));
    }

    private static SequenceModel<float> Model(ulong seed = 1) => new(new ModelConfig
    {
        Input = InputKind.Embedding, InputSize = 11, EmbeddingSize = 6, Cell = CellKind.Lstm, HiddenSize = 7,
        Layers = 2, Peepholes = true, Dropout = 0.1, OutputSize = 11,
    }, seed);

    private string SavedFile(out SequenceModel<float> model, out Adam<float> adam)
    {
        model = Model();
        adam = new Adam<float>(model.Parameters.Count);
        var g = new float[model.Parameters.Count];
        for (int i = 0; i < g.Length; i++) g[i] = MathF.Sin(i);
        adam.Step(model.Parameters.Values, g, 0.01);
        adam.Step(model.Parameters.Values, g, 0.01);
        string path = Path.Combine(_dir, "m.safetensors");
        ModelFile.Save(path, model, tokenizerJson: "{\"kind\":\"char\"}", trainingJson: "{\"step\":2}", optimizer: adam);
        return path;
    }

    [Fact]
    public void RoundTripIsExact()
    {
        string path = SavedFile(out var model, out var adam);
        var content = ModelFile.Read(path);
        Assert.Equal(model.Config, content.Config);
        Assert.Equal("{\"kind\":\"char\"}", content.Tokenizer);
        Assert.Equal("{\"step\":2}", content.Training);
        var loaded = ModelFile.CreateModel(content, path);
        Assert.Equal(model.Parameters.Values, loaded.Parameters.Values);
        var adam2 = new Adam<float>(loaded.Parameters.Count);
        ModelFile.LoadOptimizer(adam2, content, path);
        Assert.Equal(2, adam2.StepCount);
        for (int k = 0; k < adam.State.Count; k++) Assert.Equal(adam.State[k].Value, adam2.State[k].Value);
        // Parameter names are PyTorch state_dict names.
        Assert.Contains(content.Parameters, t => t.Name == "rnn.weight_hh_l1" && t.Shape.SequenceEqual(new[] { 28, 7 }));
        Assert.Contains(content.Parameters, t => t.Name == "embedding.weight");
    }

    [Fact]
    public void EveryFlippedByteIsDetected()
    {
        string path = SavedFile(out _, out _);
        byte[] good = File.ReadAllBytes(path);
        var rng = new Rng(3);
        for (int k = 0; k < 300; k++)
        {
            byte[] bad = (byte[])good.Clone();
            int at = rng.NextInt(bad.Length);
            bad[at] ^= (byte)(1 + rng.NextInt(255));
            File.WriteAllBytes(path, bad);
            try
            {
                ModelFile.Read(path);
                // A flip inside JSON whitespace padding is harmless; anything else must be caught.
                Assert.True(good[at] == (byte)' ', $"flipping byte {at} went unnoticed");
            }
            catch (InvalidDataException e)
            {
                Assert.Contains(path, e.Message);
            }
        }
    }

    [Fact]
    public void TruncatedFilesAreRefusedWithTheFileName()
    {
        string path = SavedFile(out _, out _);
        byte[] good = File.ReadAllBytes(path);
        foreach (int length in new[] { 0, 3, 8, 20, good.Length / 2, good.Length - 1 })
        {
            File.WriteAllBytes(path, good.AsSpan(0, length).ToArray());
            var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(path));
            Assert.Contains(path, e.Message);
        }
    }

    [Fact]
    public void ForeignAndNewerFilesAreRefused()
    {
        string path = Path.Combine(_dir, "foreign.safetensors");
        using (var fs = File.Create(path))
            SafeTensors.Write(fs, [new NamedTensor("w", [2], [1f, 2f])], new Dictionary<string, string>());
        Assert.Contains("not written by Recurrent", Assert.Throws<InvalidDataException>(() => ModelFile.Read(path)).Message);

        using (var fs = File.Create(path))
            SafeTensors.Write(fs, [new NamedTensor("w", [2], [1f, 2f])], new Dictionary<string, string> { ["format"] = "recurrent", ["format_version"] = "99" });
        Assert.Contains("format version 99", Assert.Throws<InvalidDataException>(() => ModelFile.Read(path)).Message);
    }

    [Fact]
    public void ShapeMismatchAndMissingTensorsNameTheTensor()
    {
        var model = Model();
        var tensors = model.Parameters.Parameters.Select(p => new NamedTensor(p.Name, p.Shape, model.Parameters.Value(p).ToArray())).ToList();
        var wrongShape = tensors.Select(t => t.Name == "head.bias" ? t with { Shape = [1, 11] } : t).ToList();
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.LoadParameters(model, wrongShape, "x.safetensors"));
        Assert.Contains("head.bias", e.Message);
        var missing = tensors.Where(t => t.Name != "rnn.bias_hh_l0").ToList();
        Assert.Contains("rnn.bias_hh_l0", Assert.Throws<InvalidDataException>(() => ModelFile.LoadParameters(model, missing, "x")).Message);
    }

    [Fact]
    public void AFailedWriteLeavesThePreviousFileIntact()
    {
        string path = SavedFile(out var model, out _);
        byte[] before = File.ReadAllBytes(path);
        Assert.Throws<InvalidOperationException>(() => ModelFile.WriteAtomically(path, s =>
        {
            s.Write(new byte[1000]);
            throw new InvalidOperationException("simulated crash mid-write");
        }));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir)); // no temporary file left behind
        ModelFile.Read(path);

        string missingDir = Path.Combine(_dir, "no", "such", "dir", "m.safetensors");
        var io = Assert.Throws<IOException>(() => ModelFile.Save(missingDir, model));
        Assert.Contains(missingDir, io.Message);
    }

    [Fact]
    public void RandomBytesGiveOnlyInvalidDataErrors()
    {
        var rng = new Rng(9);
        string path = Path.Combine(_dir, "junk.safetensors");
        for (int k = 0; k < 500; k++)
        {
            var bytes = new byte[rng.NextInt(200)];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)rng.NextInt(256);
            if (bytes.Length >= 8 && k % 2 == 0) // plausible header length, random JSON-ish body
            {
                BitConverter.TryWriteBytes(bytes, (ulong)(bytes.Length - 8));
                Encoding.ASCII.GetBytes("{\"a\":{\"dtype\":\"F32\"").AsSpan(0, Math.Min(18, bytes.Length - 8)).CopyTo(bytes.AsSpan(8));
            }
            File.WriteAllBytes(path, bytes);
            Assert.Throws<InvalidDataException>(() => ModelFile.Read(path));
        }
    }
}
