// Vocabulary, source encoding (reversal, left padding), teacher-forcing batches with ignored padding,
// metrics on hand-computed cases, TSV errors and the model file round trip.
using Recurrent.Losses;
using Recurrent.Seq2Seq;

namespace Recurrent.Tests.Seq2Seq;

public sealed class Seq2SeqDataTests
{
    private static readonly Seq2SeqVocabulary Vocab = Seq2SeqVocabulary.FromTexts(["0123456789+"]);

    [Fact]
    public void SourcesAreReversedAndLeftPaddedToTheFixedLength()
    {
        var config = new Seq2SeqConfig { Vocabulary = Vocab.Size, SourceLength = 6, ReverseSource = true, MaxTargetLength = 4 };
        int[] ids = Seq2SeqData.EncodeSource(Vocab, config, "12+3");
        Assert.Equal(new[] { Seq2SeqVocabulary.Pad, Seq2SeqVocabulary.Pad }.Concat(Vocab.Encode("3+21")), ids);
        Assert.Equal("3+21", Vocab.Decode(ids));
        var e = Assert.Throws<ArgumentException>(() => Seq2SeqData.EncodeSource(Vocab, config, "1234+56"));
        Assert.Contains("has 7 characters; the model reads at most 6", e.Message);
        e = Assert.Throws<ArgumentException>(() => Seq2SeqData.EncodeSource(Vocab, config, "1-2"));
        Assert.Contains("'-' (U+002D) at offset 1", e.Message);
    }

    [Fact]
    public void BatchesShiftTargetsBehindStartAndIgnorePadding()
    {
        var config = new Seq2SeqConfig { Vocabulary = Vocab.Size, SourceLength = 3, MaxTargetLength = 4 };
        var pairs = new List<Seq2SeqPair> { new("1+2", "3"), new("5+7", "12") };
        var batch = Seq2SeqData.MakeBatch(Vocab, config, pairs, [0, 1]);
        Assert.Equal(3, batch.DecoderSteps);
        int S = Seq2SeqVocabulary.Start, E = Seq2SeqVocabulary.End, P = Seq2SeqVocabulary.Pad, I = SoftmaxCrossEntropy.IgnoreIndex;
        int three = Vocab.Encode("3")[0], one = Vocab.Encode("1")[0], two = Vocab.Encode("2")[0];
        // time-major (T,B): column 0 is "3", column 1 is "12"
        Assert.Equal(new[] { S, S, three, one, P, two }, batch.DecoderInput);
        Assert.Equal(new[] { three, one, E, two, I, E }, batch.Targets);
    }

    [Fact]
    public void MetricsMatchAHandCount()
    {
        var m = Seq2SeqMetrics.Compute(["168", "12", "99x"], ["168", "123", "99"]);
        Assert.Equal(1.0 / 3, m.SequenceAccuracy, 12);
        // "168": 3 chars + end = 4/4; "12" for "123": 2 chars, end misplaced = 2/4; "99x" for "99": 2 chars, end missing = 2/3
        Assert.Equal(8, m.TokensCorrect);
        Assert.Equal(11, m.TokensTotal);
        Assert.Equal(8.0 / 11, m.TokenAccuracy, 12);
    }

    [Fact]
    public void TsvErrorsNameTheLine()
    {
        string path = Path.Combine(Path.GetTempPath(), $"s2s-{Guid.NewGuid():N}.tsv");
        try
        {
            File.WriteAllText(path, "ab\tba\n\nno tab here\n");
            var e = Assert.Throws<InvalidDataException>(() => Seq2SeqData.ReadTsv(path));
            Assert.Contains("line 3", e.Message);
            File.WriteAllText(path, "ab\tba\ncd\t\n");
            e = Assert.Throws<InvalidDataException>(() => Seq2SeqData.ReadTsv(path));
            Assert.Contains("line 2: the target (after the tab) is empty", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ModelFileRoundTripKeepsParametersAndPredictions()
    {
        var config = new Seq2SeqConfig { Vocabulary = Vocab.Size, EmbeddingSize = 4, HiddenSize = 8, SourceLength = 7, ReverseSource = true, MaxTargetLength = 4 };
        var model = new Seq2SeqModel<float>(config, 9);
        string path = Path.Combine(Path.GetTempPath(), $"s2s-{Guid.NewGuid():N}.safetensors");
        try
        {
            Seq2SeqFile.Save(path, model, Vocab);
            Assert.Equal("seq2seq", Recurrent.Supervised.TaskModelFile.PeekTask(path));
            var loaded = Seq2SeqFile.Load(path);
            Assert.Equal(model.Config, loaded.Model.Config);
            Assert.Equal(model.Parameters.Values, loaded.Model.Parameters.Values);
            string[] sources = ["1+2", "999+999", "40+7"];
            Assert.Equal(Seq2SeqPredictor.Predict(model, Vocab, sources), Seq2SeqPredictor.Predict(loaded.Model, loaded.Vocabulary, sources));
        }
        finally { File.Delete(path); }
    }
}
