// InteropExtrasTests: what travels with an export besides the weights (a language model's tokenizer, in both
// formats), and the message for state_dicts that are not float32.
using System.Buffers.Binary;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using Recurrent.Data;
using Recurrent.Interop;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tests.Cli;

namespace Recurrent.Tests.Interop;

public sealed class InteropExtrasTests
{
    [Fact]
    public void Cli_Export_CarriesALanguageModelsTokenizer()
    {
        var tokenizer = TokenizerFactory.Build(TokenizerKinds.Char, ["hello interop"]);
        var config = new ModelConfig { Input = InputKind.Embedding, InputSize = tokenizer.VocabularySize, EmbeddingSize = 4, Cell = CellKind.Gru, HiddenSize = 5, OutputSize = tokenizer.VocabularySize };
        string dir = Directory.CreateTempSubdirectory("rnn-export-").FullName;
        try
        {
            string model = Path.Combine(dir, "lm.safetensors");
            ModelFile.Save(model, new SequenceModel<float>(config, 3), tokenizer.ToJson());
            var r = CliRunner.Run("export", model, "--format", "pytorch", "--out", Path.Combine(dir, "pt"));
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Equal(tokenizer.ToJson(), File.ReadAllText(Path.Combine(dir, "pt", PyTorchExport.TokenizerFile)));
            r = CliRunner.Run("export", model, "--format", "onnx", "--out", Path.Combine(dir, "lm.onnx"));
            Assert.True(r.ExitCode == 0, r.Stderr);
            using var session = new InferenceSession(Path.Combine(dir, "lm.onnx"));
            var meta = session.ModelMetadata.CustomMetadataMap;
            Assert.Equal(tokenizer.ToJson(), meta[OnnxExport.TokenizerMetadata]);
            Assert.Contains("\"Cell\":\"Gru\"", meta[OnnxExport.ConfigMetadata]);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Import_HalfPrecisionStateDict_SaysToSaveFloat32()
    {
        string dir = Directory.CreateTempSubdirectory("rnn-import-").FullName;
        try
        {
            // A one-tensor safetensors file with dtype F16, as torch writes for model.half().
            byte[] header = Encoding.UTF8.GetBytes("{\"head.bias\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}");
            var bytes = new byte[8 + header.Length + 4];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
            header.CopyTo(bytes, 8);
            string path = Path.Combine(dir, "half.safetensors");
            File.WriteAllBytes(path, bytes);
            var config = new ModelConfig { Input = InputKind.Dense, InputSize = 2, Cell = CellKind.RnnTanh, HiddenSize = 2, OutputSize = 2 };
            var e = Assert.Throws<InvalidDataException>(() => PyTorchImport.Load(path, config));
            Assert.Contains("'head.bias' has dtype F16", e.Message);
            Assert.Contains("v.float()", e.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
