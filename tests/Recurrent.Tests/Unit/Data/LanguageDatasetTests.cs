// LanguageDataset: the whole data path — files to tokenizer to token streams to splits — for each tokenizer
// kind, GBK equal to its UTF-8 twin, separate validation files, and an existing char tokenizer meeting unknown
// characters (CorpusException naming the file).
using System.Text;
using Recurrent.Data;

namespace Recurrent.Tests.Data;

public sealed class LanguageDatasetTests
{
    [Theory]
    [InlineData(TokenizerKinds.Char)]
    [InlineData(TokenizerKinds.Byte)]
    [InlineData(TokenizerKinds.Word)]
    [InlineData(TokenizerKinds.Bpe)]
    [InlineData(TokenizerKinds.Jieba)]
    public void LoadsSplitsAndDecodesBackToTheCorpus(string kind)
    {
        using var dir = new TempDirectory();
        string text = string.Concat(Enumerable.Repeat(Samples.EnglishAndCode + Samples.MixedScripts, 5));
        dir.File("corpus/a.txt", text);
        dir.File("corpus/b.txt", Samples.Chinese);
        using var data = LanguageDataset.Load(new LanguageDatasetOptions
        {
            Data = [Path.Combine(dir.Path, "corpus", "*.txt")],
            TokenizerKind = kind,
            Split = new SplitFractions(0.9, 0.1, 0.0),
            ChunkBytes = 37,
        });
        long n = data.Train.Length + data.Validation.Length + data.Test.Length;
        Assert.Equal((long)Math.Floor(n * 0.1), data.Validation.Length);
        Assert.Equal(0, data.Test.Length);
        int[] all = [.. data.Train.ToArray(), .. data.Validation.ToArray()];
        Assert.Equal(text + Samples.Chinese, data.Tokenizer.Decode(all));
        // Same ids as encoding each file whole (chunking does not matter; no token spans two files).
        Assert.Equal([.. data.Tokenizer.Encode(text), .. data.Tokenizer.Encode(Samples.Chinese)], all);
        Assert.Equal(kind, Tokenizer.FromJson(data.Tokenizer.ToJson()).Kind);
    }

    [Fact]
    public void GbkCorpusGivesTheSameTokenizerAndIdsAsItsUtf8Twin()
    {
        using var dir = new TempDirectory();
        TextEncodings.EnsureCodePages();
        string text = string.Concat(Enumerable.Repeat(Samples.Chinese, 20));
        string utf8 = dir.File("utf8.txt", text);
        string gbk = dir.Bytes("gbk.txt", Encoding.GetEncoding("gbk").GetBytes(text));
        using var fromUtf8 = LanguageDataset.Load(new LanguageDatasetOptions { Data = [utf8] });
        using var fromGbk = LanguageDataset.Load(new LanguageDatasetOptions { Data = [gbk], Encoding = "gbk", ChunkBytes = 33 });
        Assert.Equal(fromUtf8.Tokenizer.ToJson(), fromGbk.Tokenizer.ToJson());
        Assert.Equal(fromUtf8.Train.ToArray(), fromGbk.Train.ToArray());
        Assert.Equal(fromUtf8.Validation.ToArray(), fromGbk.Validation.ToArray());
        Assert.Equal(Samples.Scalars(text).Distinct().Count(), fromGbk.Tokenizer.VocabularySize);
    }

    [Fact]
    public void SeparateValidationFilesShareTheVocabulary()
    {
        using var dir = new TempDirectory();
        string train = dir.File("train.txt", "abc abc abc\n");
        string validation = dir.File("val.txt", "xyz\n");
        string test = dir.File("test.txt", "q\n");
        using var data = LanguageDataset.Load(new LanguageDatasetOptions { Data = [train], Validation = [validation], Test = [test] });
        Assert.Equal("abc abc abc\n", data.Tokenizer.Decode(data.Train.ToArray()));
        Assert.Equal("xyz\n", data.Tokenizer.Decode(data.Validation.ToArray()));
        Assert.Equal("q\n", data.Tokenizer.Decode(data.Test.ToArray()));
    }

    [Fact]
    public void ExistingCharTokenizerWithUnknownCharactersNamesTheFile()
    {
        using var dir = new TempDirectory();
        string known = dir.File("a.txt", "hello");
        string unknown = dir.File("b.txt", "hello wörld");
        var tokenizer = TokenizerFactory.Build(TokenizerKinds.Char, ["hello "]);
        var e = Assert.Throws<CorpusException>(() => LanguageDataset.Load(new LanguageDatasetOptions { Data = [known, unknown], Tokenizer = tokenizer }));
        Assert.Equal(unknown, e.Path);
        Assert.Contains(unknown, e.Message);
        Assert.Contains("'w' (U+0077) first at character 6", e.Message); // positions count within the file
        Assert.Contains("'ö' (U+00F6)", e.Message);
    }

    [Fact]
    public void FractionsMustBePossible()
    {
        using var tokens = TokenStream.FromArray(new int[100]);
        Assert.Throws<ArgumentException>(() => DataSplit.ByFractions(tokens, new SplitFractions(0.9, 0.2, 0)));
        Assert.Throws<ArgumentException>(() => DataSplit.ByFractions(tokens, new SplitFractions(0, 0.5, 0)));
        Assert.Throws<ArgumentException>(() => DataSplit.ByFractions(tokens, new SplitFractions(double.NaN, 0, 0)));
        var split = DataSplit.ByFractions(tokens, new SplitFractions(0.8, 0.15, 0.05));
        Assert.Equal((80, 15, 5), (split.Train.Length, split.Validation.Length, split.Test.Length));
        var partial = DataSplit.ByFractions(tokens, new SplitFractions(0.5, 0.1, 0));
        Assert.Equal((50, 10, 0), (partial.Train.Length, partial.Validation.Length, partial.Test.Length));
        var defaults = DataSplit.ByFractions(tokens, SplitFractions.CharRnnDefault);
        Assert.Equal((95, 5, 0), (defaults.Train.Length, defaults.Validation.Length, defaults.Test.Length));
    }

    [Fact]
    public void ProgressCoversEachPassFromStartToEveryByteOfEveryFile()
    {
        using var dir = new TempDirectory();
        string train = dir.File("train.txt", string.Concat(Enumerable.Repeat(Samples.EnglishAndCode, 10)));
        string validation = dir.File("val.txt", Samples.Chinese);
        long total = new FileInfo(train).Length + new FileInfo(validation).Length;
        var reports = new List<CorpusProgress>();
        using var data = LanguageDataset.Load(new LanguageDatasetOptions
        {
            Data = [train], Validation = [validation], TokenizerKind = TokenizerKinds.Word, ChunkBytes = 256, Progress = reports.Add,
        });
        foreach (string stage in new[] { CorpusProgress.Vocabulary, CorpusProgress.Encoding })
        {
            var pass = reports.Where(r => r.Stage == stage).ToList();
            Assert.True(pass.Count > 10, $"{stage}: {pass.Count} reports");
            Assert.All(pass, r => Assert.Equal(total, r.TotalBytes));
            Assert.Equal(pass.Select(r => r.BytesRead).Order(), pass.Select(r => r.BytesRead)); // never goes back
            Assert.True(pass[0].BytesRead <= 256, $"{stage} starts at {pass[0].BytesRead}");
            Assert.Equal(total, pass[^1].BytesRead);
        }
        Assert.Equal(CorpusProgress.Vocabulary, reports[0].Stage); // the vocabulary pass comes first, then encoding
        Assert.Equal(CorpusProgress.Encoding, reports[^1].Stage);
    }
}
