// An encoder–decoder with attention as a whole: it learns to reverse strings, its attention map has a row per
// output step summing to 1 over the source's real characters, it survives its model file (the attention kind and
// tensors; a model without attention writes no attention entry, so its files are as before), and the ONNX and
// PyTorch exports refuse it with a message that says why.
using Recurrent.Interop;
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Seq2Seq;
using Recurrent.Tests.Data;
using Recurrent.Tests.Support;
using Recurrent.Training;
using Xunit.Abstractions;

namespace Recurrent.Tests.Seq2Seq;

public sealed class AttentionModelTests(ITestOutputHelper log)
{
    private static List<Seq2SeqPair> Reversals(ulong seed, int count, int minLength, int maxLength)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            string w = new(Enumerable.Range(0, minLength + rng.NextInt(maxLength - minLength + 1)).Select(_ => "abcdefgh"[rng.NextInt(8)]).ToArray());
            return new Seq2SeqPair(w, new string(w.Reverse().ToArray()));
        }).ToList();
    }

    private static Seq2SeqTrainingResult Train(AttentionKind attention, long steps) =>
        Seq2SeqTraining.Train(Reversals(1, 2000, 6, 12), Reversals(2, 100, 6, 12), new Seq2SeqTrainingOptions
        {
            Model = new Seq2SeqSettings { HiddenSize = 32, EmbeddingSize = 16, Attention = attention },
            BatchSize = 32,
            Optimization = new OptimizationOptions { LearningRate = 0.01, ClipNorm = 5 },
            Fit = new FitOptions { Steps = steps, EvalEvery = (int)steps },
            Seed = 3,
        });

    [Fact]
    public void LearnsToReverseAndItsMapSumsToOneOverTheRealCharacters()
    {
        var result = Train(AttentionKind.Luong, 250);
        log.WriteLine($"token accuracy {result.Validation!.TokenAccuracy:P2}, exact {result.Validation.SequenceAccuracy:P2}");
        Assert.True(result.Validation.TokenAccuracy > 0.9, $"token accuracy {result.Validation.TokenAccuracy:P2}");

        var map = AttentionMap.Compute(result.Model, result.Vocabulary, "abcdefg");
        Assert.Equal(["a", "b", "c", "d", "e", "f", "g"], map.Source);
        Assert.Equal(map.Output.Length, map.Weights.GetLength(0));
        Assert.Equal(7, map.Weights.GetLength(1));
        for (int t = 0; t < map.Weights.GetLength(0); t++)
        {
            double sum = 0;
            for (int s = 0; s < 7; s++) sum += map.Weights[t, s];
            Assert.Equal(1.0, sum, 5);
        }
    }

    [Theory]
    [InlineData(AttentionKind.Bahdanau)]
    [InlineData(AttentionKind.Luong)]
    [InlineData(AttentionKind.LuongDot)]
    public void TheModelFileKeepsTheAttentionAndExportsRefuseIt(AttentionKind attention)
    {
        using var dir = new TempDirectory();
        var pairs = Reversals(5, 40, 1, 6);
        var (model, vocabulary) = Seq2SeqTraining.CreateModel(pairs, [], new Seq2SeqTrainingOptions
        {
            Model = new Seq2SeqSettings { HiddenSize = 8, EmbeddingSize = 4, Attention = attention },
        });
        Assert.Contains(model.Parameters.Parameters, p => p.Name.StartsWith("decoder.attention.", StringComparison.Ordinal));
        string path = Path.Combine(dir.Path, "m.safetensors");
        Seq2SeqFile.Save(path, model, vocabulary);
        var loaded = Seq2SeqFile.Load(path);
        Assert.Equal(attention, loaded.Model.Config.Attention);
        Assert.Equal(model.Parameters.Values, loaded.Model.Parameters.Values);
        string[] sources = pairs.Select(p => p.Source).ToArray();
        Assert.Equal(Seq2SeqPredictor.Predict(model, vocabulary, sources), Seq2SeqPredictor.Predict(loaded.Model, loaded.Vocabulary, sources));
        Assert.Equal(Seq2SeqPredictor.Predict(model, vocabulary, sources, beam: 3), Seq2SeqPredictor.Predict(loaded.Model, loaded.Vocabulary, sources, beam: 3));

        var onnx = Assert.Throws<NotSupportedException>((Action)(() => Seq2SeqExport.WriteOnnx(model, vocabulary, Path.Combine(dir.Path, "m.onnx"))));
        Assert.Contains("with attention", onnx.Message);
        var torch = Assert.Throws<NotSupportedException>((Action)(() => Seq2SeqExport.WritePyTorch(model, vocabulary, Path.Combine(dir.Path, "pt"))));
        Assert.Contains("with attention", torch.Message);
        Assert.False(File.Exists(Path.Combine(dir.Path, "m.encoder.onnx")));
    }

    [Fact]
    public void ABidirectionalEncoderIsKeptByTheFileRefusedByExportAndRefusedWithDotAttention()
    {
        using var dir = new TempDirectory();
        var pairs = Reversals(7, 40, 1, 6);
        var (model, vocabulary) = Seq2SeqTraining.CreateModel(pairs, [], new Seq2SeqTrainingOptions
        {
            Model = new Seq2SeqSettings { HiddenSize = 8, EmbeddingSize = 4, Attention = AttentionKind.Bahdanau, BidirectionalEncoder = true },
        });
        Assert.Equal([16], model.Parameters["decoder.attention.key.weight"].Shape[1..]);
        string path = Path.Combine(dir.Path, "m.safetensors");
        Seq2SeqFile.Save(path, model, vocabulary);
        var loaded = Seq2SeqFile.Load(path);
        Assert.True(loaded.Model.Config.BidirectionalEncoder);
        string[] sources = pairs.Select(p => p.Source).ToArray();
        Assert.Equal(Seq2SeqPredictor.Predict(model, vocabulary, sources, beam: 2), Seq2SeqPredictor.Predict(loaded.Model, loaded.Vocabulary, sources, beam: 2));
        var e = Assert.Throws<NotSupportedException>((Action)(() => Seq2SeqExport.WritePyTorch(model, vocabulary, Path.Combine(dir.Path, "pt"))));
        Assert.Contains("bidirectional encoder", e.Message);
        var dot = Assert.Throws<ArgumentException>(() => new Seq2SeqSettings { Attention = AttentionKind.LuongDot, BidirectionalEncoder = true }.Validate());
        Assert.Contains("bidirectional encoder's are 2H", dot.Message);
    }

    [Theory]
    [InlineData(AttentionKind.Bahdanau, false)]
    [InlineData(AttentionKind.Luong, true)]
    [InlineData(AttentionKind.LuongDot, false)]
    public void ATrainingForwardAndBackwardAllocatesNothingAfterWarmUp(AttentionKind attention, bool bidirectional)
    {
        var config = new Seq2SeqConfig
        {
            Vocabulary = 9, EmbeddingSize = 4, HiddenSize = 8, Layers = 2, SourceLength = 6, MaxTargetLength = 7,
            Attention = attention, BidirectionalEncoder = bidirectional,
        };
        var model = new Seq2SeqModel<float>(config, 1);
        var rng = new Rng(9);
        int[] source = Enumerable.Range(0, 6 * 4).Select(i => i < 4 ? Seq2SeqVocabulary.Pad : 3 + rng.NextInt(6)).ToArray();
        int[] input = Enumerable.Range(0, 5 * 4).Select(_ => 3 + rng.NextInt(6)).ToArray();
        var dLogits = new float[5 * 4 * 9];
        for (int i = 0; i < dLogits.Length; i++) dLogits[i] = (float)rng.Uniform(-1, 1);
        void Step()
        {
            model.Forward(source, 6, input, 5, 4, training: true);
            model.Backward(dLogits);
        }
        Step();
        Assert.Equal(0, Allocations.MinimumBytes(Step));
    }

    [Fact]
    public void AModelWithoutAttentionWritesNoAttentionEntry()
    {
        var pairs = Reversals(6, 20, 1, 4);
        var (model, vocabulary) = Seq2SeqTraining.CreateModel(pairs, [], new Seq2SeqTrainingOptions { Model = new Seq2SeqSettings { HiddenSize = 8 } });
        string task = Seq2SeqFile.Describe(model, vocabulary).Metadata["task"];
        Assert.DoesNotContain("ttention", task);
        Assert.DoesNotContain("Bidirectional", task);
        Assert.DoesNotContain(model.Parameters.Parameters, p => p.Name.Contains("attention", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => AttentionMap.Compute(model, vocabulary, "ab"));
        var spec = new Seq2SeqRunSpec { Training = new Seq2SeqTrainingOptions(), Data = new Recurrent.Supervised.SupervisedDataSpec { Path = "x" } };
        Assert.DoesNotContain("ttention", spec.ToJsonNode().ToJsonString());
    }
}
