// ExportTaskModelsTests: `rnn export` of the trained format-1 task models (Fixtures/format1). An encoder–decoder
// exports (no false "the configuration or the tensors were changed"): as two ONNX graphs that ONNX Runtime decodes
// greedily to Recurrent's very outputs, and as a PyTorch folder whose state_dict, example and task.json are
// Recurrent's. Classifiers, taggers and forecasters carry what prediction needs (task.json beside the export, and
// recurrent.task in the ONNX metadata): from the export alone — vocabulary, labels, tags, standardisation — ONNX
// Runtime gives the answers the library gives.
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Recurrent.Classification;
using Recurrent.Forecasting;
using Recurrent.Interop;
using Recurrent.Seq2Seq;
using Recurrent.Serialization;
using Recurrent.Tagging;

namespace Recurrent.Tests.Cli;

public sealed class ExportTaskModelsTests : IDisposable
{
    private static readonly string Models = Path.Combine(AppContext.BaseDirectory, "Fixtures", "format1");
    private readonly string _dir = Directory.CreateTempSubdirectory("export-task-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Model(string name) => Path.Combine(Models, name + ".safetensors");

    /// <summary>Exports with the CLI and returns the task description from the sidecar, checking that the ONNX metadata holds the same.</summary>
    private JsonElement Export(string name, string format)
    {
        string outPath = Path.Combine(_dir, format == "onnx" ? name + ".onnx" : name + "-pt");
        var r = CliRunner.Run("export", Model(name), "--format", format, "--out", outPath);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        string sidecar = format == "onnx" ? Path.Combine(_dir, name + ".task.json") : Path.Combine(outPath, TaskSidecar.FileName);
        string json = File.ReadAllText(sidecar);
        if (format == "onnx")
        {
            using var session = new InferenceSession(outPath);
            Assert.Equal(json.TrimEnd('\n'), session.ModelMetadata.CustomMetadataMap[OnnxExport.TaskMetadata]);
        }
        else Assert.False(File.Exists(Path.Combine(outPath, PyTorchExport.TokenizerFile)), "a task model's vocabulary is in task.json, with its id offset");
        using var doc = JsonDocument.Parse(json);
        Assert.Equal((TaskSidecar.FormatName, 1), (doc.RootElement.GetProperty("format").GetString(), doc.RootElement.GetProperty("version").GetInt32()));
        return doc.RootElement.Clone();
    }

    private static string[] Strings(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetString()!).ToArray();

    private static float[] Run(InferenceSession session, Dictionary<string, OrtValue> inputs, string output)
    {
        try
        {
            using var options = new RunOptions();
            using var results = session.Run(options, inputs, [output]);
            return results[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally { foreach (var v in inputs.Values) v.Dispose(); }
    }

    private static OrtValue Zeros(int rows, int batch, int hidden) => OrtValue.CreateTensorValueFromMemory(new float[rows * batch * hidden], [rows, batch, hidden]);

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    [Theory]
    [InlineData("onnx")]
    [InlineData("pytorch")]
    public void TextClassifier_ExportCarriesLabelsAndVocabulary_EnoughToClassifyAlone(string format)
    {
        var classifier = SequenceClassifier.Load(Model("classify_text"));
        JsonElement task = Export("classify_text", format);
        Assert.Equal("classify", task.GetProperty("task").GetString());
        Assert.Equal("tsv", task.GetProperty("input_format").GetString());
        Assert.Equal("char", task.GetProperty("tokens").GetString());
        Assert.Equal(classifier.Labels.Names, Strings(task, "labels"));
        string[] vocabulary = Strings(task, "vocabulary");
        Assert.Equal(classifier.Model.Config.InputSize, vocabulary.Length);
        // The tokenizer inside, shifted by the offset, is the same vocabulary.
        var tokenizer = Recurrent.Data.Tokenizer.FromJson(task.GetProperty("tokenizer").GetRawText());
        int offset = task.GetProperty("tokenizer_id_offset").GetInt32();
        Assert.Equal(1, offset);
        for (int id = 0; id < tokenizer.VocabularySize; id++) Assert.Equal(vocabulary[id + offset], tokenizer.TokenText(id));
        if (format != "onnx") return;

        // Classify with ONNX Runtime and nothing but the export: ids from the vocabulary, label from the logits.
        using var session = new InferenceSession(Path.Combine(_dir, "classify_text.onnx"));
        string[] texts = ["abz", "ddee", "zzz", "q"];
        var predicted = classifier.Predict(texts.Select((t, i) => new ClassificationRecord(null, t, [], i + 1)).ToList());
        int unknown = task.GetProperty("unknown_id").GetInt32();
        var c = classifier.Model.Config;
        for (int i = 0; i < texts.Length; i++)
        {
            long[] ids = texts[i].Select(ch => (long)Math.Max(Array.IndexOf(vocabulary, ch.ToString()), unknown)).ToArray();
            Assert.Equal(classifier.Encoder!.Encode(texts[i]).Select(x => (long)x), ids);
            float[] logits = Run(session, new()
            {
                [OnnxExport.TokensInput] = OrtValue.CreateTensorValueFromMemory(ids, [ids.Length, 1]),
                [OnnxExport.InitialH] = Zeros(c.Layers * 2, 1, c.HiddenSize),
            }, OnnxExport.Output);
            Assert.Equal(predicted[i].Label, Strings(task, "labels")[ArgMax(logits)]);
        }
    }

    [Theory]
    [InlineData("onnx")]
    [InlineData("pytorch")]
    public void NumericClassifier_ExportCarriesLabelsAndInputFormat(string format)
    {
        var classifier = SequenceClassifier.Load(Model("classify_numbers"));
        JsonElement task = Export("classify_numbers", format);
        Assert.Equal(("classify", "csv", "numbers"), (task.GetProperty("task").GetString(), task.GetProperty("input_format").GetString(), task.GetProperty("tokens").GetString()));
        Assert.Equal(classifier.Labels.Names, Strings(task, "labels"));
        Assert.False(task.TryGetProperty("vocabulary", out _));
    }

    [Theory]
    [InlineData("onnx")]
    [InlineData("pytorch")]
    public void Tagger_ExportCarriesWordsAndTags_EnoughToTagAlone(string format)
    {
        var tagger = SequenceTagger.Load(Model("tag"));
        JsonElement task = Export("tag", format);
        Assert.Equal("tag", task.GetProperty("task").GetString());
        Assert.Equal(tagger.Tags.Names, Strings(task, "tags"));
        string[] vocabulary = Strings(task, "vocabulary");
        Assert.Equal(tagger.Words.Count, vocabulary.Length);
        for (int id = 0; id < vocabulary.Length; id++) Assert.Equal(id, tagger.Words.Id(vocabulary[id]));
        if (format != "onnx") return;

        string[] sentence = ["Ann", "saw", "42", "unseen", "Paris"];
        long[] ids = sentence.Select(w => (long)Math.Max(Array.IndexOf(vocabulary, w), task.GetProperty("unknown_id").GetInt32())).ToArray();
        using var session = new InferenceSession(Path.Combine(_dir, "tag.onnx"));
        var c = tagger.Model.Config;
        float[] logits = Run(session, new()
        {
            [OnnxExport.TokensInput] = OrtValue.CreateTensorValueFromMemory(ids, [ids.Length, 1]),
            [OnnxExport.InitialH] = Zeros(c.Layers * 2, 1, c.HiddenSize),
        }, OnnxExport.Output);
        int tags = tagger.Tags.Count;
        string[] viaOnnx = Enumerable.Range(0, sentence.Length).Select(t => Strings(task, "tags")[ArgMax(logits.AsSpan(t * tags, tags))]).ToArray();
        Assert.Equal(tagger.Predict([new TaggedSentence(sentence, null, 1)])[0], viaOnnx);
    }

    [Theory]
    [InlineData("onnx")]
    [InlineData("pytorch")]
    public void Forecaster_ExportCarriesStandardisationWindowAndHorizon_EnoughToForecastAlone(string format)
    {
        var forecaster = ForecastFile.Load(Model("forecast"));
        var spec = forecaster.Spec;
        JsonElement task = Export("forecast", format);
        Assert.Equal("forecast", task.GetProperty("task").GetString());
        Assert.Equal((spec.Window, spec.Horizon), (task.GetProperty("window").GetInt32(), task.GetProperty("horizon").GetInt32()));
        var inputs = task.GetProperty("inputs").EnumerateArray().ToArray();
        var targets = task.GetProperty("targets").EnumerateArray().ToArray();
        Assert.Equal(spec.Targets.Select(t => (t.Name, t.Index, t.Mean, t.Std)),
            targets.Select(t => (t.GetProperty("name").GetString(), t.GetProperty("column").GetInt32(), t.GetProperty("mean").GetDouble(), t.GetProperty("std").GetDouble())));
        Assert.Equal(spec.Inputs.Select(t => (t.Mean, t.Std)), inputs.Select(t => (t.GetProperty("mean").GetDouble(), t.GetProperty("std").GetDouble())));
        if (format != "onnx") return;

        // One window through ONNX Runtime, standardised and mapped back with the exported numbers only.
        double[] window = Enumerable.Range(0, spec.Window).Select(i => 110.0 + 3 * i).ToArray();
        double mean = inputs[0].GetProperty("mean").GetDouble(), std = inputs[0].GetProperty("std").GetDouble();
        float[] x = window.Select(v => (float)((v - mean) / std)).ToArray();
        using var session = new InferenceSession(Path.Combine(_dir, "forecast.onnx"));
        var c = forecaster.Model.Config;
        float[] z = Run(session, new()
        {
            [OnnxExport.FeaturesInput] = OrtValue.CreateTensorValueFromMemory(x, [spec.Window, 1, 1]),
            [OnnxExport.InitialH] = Zeros(c.Layers, 1, c.HiddenSize),
            [OnnxExport.InitialC] = Zeros(c.Layers, 1, c.HiddenSize),
        }, OnnxExport.Output);
        double tMean = targets[0].GetProperty("mean").GetDouble(), tStd = targets[0].GetProperty("std").GetDouble();
        double[] viaOnnx = z.Select(v => v * tStd + tMean).ToArray();
        double[] viaLibrary = forecaster.PredictWindows(window, 1);
        Assert.Equal(viaLibrary.Length, viaOnnx.Length);
        for (int i = 0; i < viaOnnx.Length; i++) Assert.Equal(viaLibrary[i], viaOnnx[i], 1e-3);
    }

    [Fact]
    public void Seq2Seq_ExportsToOnnx_AsEncoderAndDecoder_ThatDecodeLikeRecurrent()
    {
        var loaded = Seq2SeqFile.Load(Model("seq2seq"));
        var c = loaded.Model.Config;
        string onnx = Path.Combine(_dir, "reverse.onnx");
        var r = CliRunner.Run("export", Model("seq2seq"), "--format", "onnx", "--out", onnx);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.DoesNotContain("were changed", r.Stderr);
        var (encoderPath, decoderPath, taskPath) = Seq2SeqExport.OnnxPaths(onnx);
        Assert.False(File.Exists(onnx));
        using var doc = JsonDocument.Parse(File.ReadAllText(taskPath));
        JsonElement task = doc.RootElement;
        string[] vocabulary = Strings(task, "vocabulary");
        Assert.Equal(["<pad>", "<s>", "</s>", "a", "b", "c", "d"], vocabulary);
        Assert.Equal((c.SourceLength, c.MaxTargetLength, false), (task.GetProperty("source_length").GetInt32(), task.GetProperty("max_target_length").GetInt32(), task.GetProperty("reverse_source").GetBoolean()));

        using var encoder = new InferenceSession(encoderPath);
        using var decoder = new InferenceSession(decoderPath);
        Assert.Equal([OnnxExport.TokensInput], encoder.InputNames);
        Assert.Equal([OnnxExport.FinalH], encoder.OutputNames);   // a GRU: no cell state
        Assert.Equal([OnnxExport.TokensInput, OnnxExport.InitialH], decoder.InputNames);
        Assert.Equal("encoder", encoder.ModelMetadata.CustomMetadataMap[Seq2SeqExport.PartMetadata]);
        Assert.Equal(File.ReadAllText(taskPath).TrimEnd('\n'), decoder.ModelMetadata.CustomMetadataMap[OnnxExport.TaskMetadata]);

        // Greedy decoding from the exported files and task.json alone, one source at a time.
        string[] sources = ["abc", "dd", "cab", "a", "dcba"];
        int start = task.GetProperty("start_id").GetInt32(), end = task.GetProperty("end_id").GetInt32(), pad = task.GetProperty("pad_id").GetInt32();
        var viaOnnx = new List<string>();
        foreach (string s in sources)
        {
            long[] ids = [.. Enumerable.Repeat((long)pad, c.SourceLength - s.Length), .. s.Select(ch => (long)Array.IndexOf(vocabulary, ch.ToString()))];
            float[] h = Run(encoder, new() { [OnnxExport.TokensInput] = OrtValue.CreateTensorValueFromMemory(ids, [ids.Length, 1]) }, OnnxExport.FinalH);
            long token = start;
            var text = new System.Text.StringBuilder();
            for (int step = 0; step < c.MaxTargetLength; step++)
            {
                var inputs = new Dictionary<string, OrtValue>
                {
                    [OnnxExport.TokensInput] = OrtValue.CreateTensorValueFromMemory(new[] { token }, [1, 1]),
                    [OnnxExport.InitialH] = OrtValue.CreateTensorValueFromMemory(h, [c.Layers, 1, c.HiddenSize]),
                };
                using var options = new RunOptions();
                using var results = decoder.Run(options, inputs, [OnnxExport.Output, OnnxExport.FinalH]);
                foreach (var v in inputs.Values) v.Dispose();
                token = ArgMax(results[0].GetTensorDataAsSpan<float>());
                h = results[1].GetTensorDataAsSpan<float>().ToArray();
                if (token == end) break;
                if (token != pad && token != start) text.Append(vocabulary[token]);
            }
            viaOnnx.Add(text.ToString());
        }
        Assert.Equal(Seq2SeqPredictor.Predict(loaded.Model, loaded.Vocabulary, sources), viaOnnx);
    }

    [Fact]
    public void Seq2Seq_ExportsToPyTorch_AsEncoderDecoderStateDictWithExampleAndTaskJson()
    {
        var loaded = Seq2SeqFile.Load(Model("seq2seq"));
        var c = loaded.Model.Config;
        string dir = Path.Combine(_dir, "pt");
        var r = CliRunner.Run("export", Model("seq2seq"), "--format", "pytorch", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.DoesNotContain("were changed", r.Stderr);

        // The state_dict is the model's parameters under their names (nn.Module attribute paths of model.py).
        var stateDict = SafeTensors.Read(Path.Combine(dir, PyTorchExport.StateDictFile)).Tensors;
        var p = loaded.Model.Parameters;
        Assert.Equal(p.Parameters.Select(x => (x.Name, string.Join(",", x.Shape))), stateDict.Select(t => (t.Name, string.Join(",", t.Shape))));
        foreach (var t in stateDict) Assert.Equal(p.Value(p[t.Name]).ToArray(), t.Data);
        string snippet = File.ReadAllText(Path.Combine(dir, PyTorchExport.SnippetFile));
        Assert.Contains("class Encoder(nn.Module)", snippet);
        Assert.Contains("class Decoder(nn.Module)", snippet);
        Assert.Contains("CONFIG = dict(vocabulary=7, embedding_size=4, cell=\"gru\", hidden_size=8, num_layers=1)", snippet);
        Assert.Contains("def load_safetensors(path):", snippet);
        Assert.DoesNotContain("@", snippet.Replace("\"\"\"", ""));   // every placeholder filled

        // The example holds Recurrent's greedy tokens for its sources, which a check in model.py compares with torch's.
        var example = SafeTensors.Read(Path.Combine(dir, PyTorchExport.ExampleFile)).Tensors.ToDictionary(t => t.Name);
        Assert.Equal(["decoder_input", "encoded_h", "final_h", "greedy", "logits", "source"], example.Keys.Order(StringComparer.Ordinal));
        float[] source = example["source"].Data;
        int b = Seq2SeqExport.ExampleBatch;
        for (int i = 0; i < b; i++)
        {
            var ids = Enumerable.Range(0, c.SourceLength).Select(t => (int)source[t * b + i]).Where(id => id != Seq2SeqVocabulary.Pad).ToArray();
            string text = loaded.Vocabulary.Decode(ids);
            string expected = Seq2SeqPredictor.Predict(loaded.Model, loaded.Vocabulary, [text])[0];
            var greedy = example["greedy"].Data.AsSpan(i * c.MaxTargetLength, c.MaxTargetLength).ToArray().Where(x => x >= 0).Select(x => (int)x).ToArray();
            Assert.Equal(expected, loaded.Vocabulary.Decode(greedy));
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, TaskSidecar.FileName)));
        Assert.Equal("seq2seq", doc.RootElement.GetProperty("task").GetString());
        Assert.Equal(c.SourceLength, doc.RootElement.GetProperty("source_length").GetInt32());
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, PyTorchExport.ConfigFile)));
        Assert.Equal(c.HiddenSize, config.RootElement.GetProperty("HiddenSize").GetInt32());
    }

    [Fact]
    public void Seq2Seq_ExportErrors_AreOneLineAndWriteNothing()
    {
        string existing = Path.Combine(_dir, "taken");
        File.WriteAllText(existing, "keep me");
        var r = CliRunner.Run("export", Model("seq2seq"), "--format", "pytorch", "--out", existing);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is a file", r.Stderr);
        Assert.Equal("keep me", File.ReadAllText(existing));
        r = CliRunner.Run("export", Model("seq2seq"), "--format", "onnx", "--out", _dir);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("is a directory", r.Stderr);
    }
}
