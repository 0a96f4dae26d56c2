// Chinese word-level models through the real tool: `rnn train --data novel.txt --encoding gbk --tokenizer jieba` on a
// generated GBK novel, then `rnn sample` prints Chinese (no inserted spaces) made of the vocabulary's multi-character
// dictionary words; --user-dict and --max-vocab end up in the model file and in both exports; `rnn tokenize` shows
// jieba's cut; `rnn demo chinese` runs the whole recipe; user mistakes end in one line naming the file or value.
using Microsoft.ML.OnnxRuntime;
using Recurrent.Chinese;
using Recurrent.Data;
using Recurrent.Interop;
using Recurrent.LanguageModels;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

public sealed class ChineseCliTests
{
    private static bool IsHan(char c) => c is >= '\u4E00' and <= '\u9FD5';

    private static string GbkNovel(TempDirectory dir, int characters = 20_000) =>
        dir.Bytes("novel.txt", TextEncodings.Get("gbk").GetBytes(GeneratedChinese.Text(characters, seed: 4)));

    [Fact]
    public void TrainOnAGbkNovelWithJiebaThenSampleChineseWords()
    {
        using var dir = new TempDirectory();
        string novel = GbkNovel(dir);
        string run = Path.Combine(dir.Path, "run");
        var r = TinyTraining.Train(novel, run, "--encoding", "gbk", "--tokenizer", "jieba", "--hidden", "64", "--embedding", "32",
            "--steps", "60", "--eval-every", "30", "--sample-every", "0");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("jieba (", r.Stdout);

        var model = LanguageModelFile.Load(Path.Combine(run, RunDirectory.LastFile));
        var tokenizer = Assert.IsType<JiebaTokenizer>(model.Tokenizer);
        var words = tokenizer.Words.Where(w => w.Length > 1 && w.All(IsHan)).ToList();
        Assert.True(words.Count > 100, $"only {words.Count} multi-character words: {string.Join(" ", words)}");
        foreach (string word in new[] { "图书馆", "工程师", "博物馆", "实验室", "天气", "觉得" })
        {
            Assert.Contains(word, words);
            Assert.True(JiebaData.Frequency(word) > 0, $"{word} is not a word of jieba's dictionary");
        }

        var sample = CliRunner.Run("sample", run, "--length", "80", "--temperature", "0.5", "--seed", "2");
        Assert.True(sample.ExitCode == 0, sample.Stderr);
        string text = sample.Stdout.Trim();
        Assert.True(text.Count(IsHan) > 60, $"not Chinese: {text}");
        Assert.DoesNotContain(' ', text); // pieces are joined as they are: the corpus has no spaces, so neither has the sample
        var sampledWords = words.Where(w => text.Contains(w, StringComparison.Ordinal)).ToList();
        Assert.True(sampledWords.Count >= 5, $"the sample uses few of the vocabulary's words: {text}");
    }

    [Fact]
    public void UserDictionaryAndMaxVocabularyAreStoredInTheModelAndItsExports()
    {
        // jieba's dictionary is process-wide: these user words are not the unit tests' (which check the cut before adding theirs).
        using var dir = new TempDirectory();
        string text = string.Concat(Enumerable.Repeat("我们在紫藤巷的银杏渡口等船。", 40)) + GeneratedChinese.Text(8_000, seed: 6);
        string corpus = dir.File("corpus.txt", text);
        string dictionary = dir.File("user.txt", "紫藤巷 60 ns\n银杏渡口\n");
        string run = Path.Combine(dir.Path, "run");
        var r = TinyTraining.Train(corpus, run, "--tokenizer", "jieba", "--user-dict", dictionary, "--max-vocab", "60", "--steps", "6",
            "--eval-every", "6", "--sample-every", "0");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);

        var tokenizer = Assert.IsType<JiebaTokenizer>(LanguageModelFile.Load(Path.Combine(run, RunDirectory.LastFile)).Tokenizer);
        Assert.Equal(61, tokenizer.VocabularySize);
        Assert.Equal("<unk>", tokenizer.Words[0]);
        Assert.Contains("紫藤巷", tokenizer.Words);
        Assert.Contains("银杏渡口", tokenizer.Words);
        Assert.Equal(["紫藤巷", "银杏渡口"], tokenizer.UserWords.Select(w => w.Word));
        Assert.Equal(60, tokenizer.UserWords[0].Frequency);

        // A fresh process cuts with the stored user words (nothing but the model says they exist).
        const string sentence = "我们在紫藤巷的银杏渡口等船，恐龙";
        var shown = CliRunner.Run("tokenize", "--model", run, sentence);
        Assert.True(shown.ExitCode == 0, shown.Stderr);
        Assert.Equal("我们/在/紫藤巷/的/银杏渡口/等/船/，/<unk>", shown.Stdout.Trim()); // 恐龙 is not in the text
        Assert.Equal(string.Join("/", tokenizer.Encode(sentence).Select(tokenizer.TokenText)), shown.Stdout.Trim());

        string pytorch = Path.Combine(dir.Path, "pytorch");
        Assert.Equal(0, CliRunner.Run("export", run, "--format", "pytorch", "--out", pytorch).ExitCode);
        var exported = Assert.IsType<JiebaTokenizer>(Tokenizer.FromJson(File.ReadAllText(Path.Combine(pytorch, PyTorchExport.TokenizerFile))));
        Assert.Equal(tokenizer.ToJson(), exported.ToJson());
        string onnx = Path.Combine(dir.Path, "model.onnx");
        Assert.Equal(0, CliRunner.Run("export", run, "--format", "onnx", "--out", onnx).ExitCode);
        using var session = new InferenceSession(onnx);
        Assert.Equal(tokenizer.ToJson(), Tokenizer.FromJson(session.ModelMetadata.CustomMetadataMap[OnnxExport.TokenizerMetadata]).ToJson());
    }

    [Fact]
    public void TokenizeShowsJiebasCut()
    {
        var r = CliRunner.Run("tokenize", "--tokenizer", "jieba", "我来到北京清华大学");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("我/来到/北京/清华大学", r.Stdout.Trim());
        var ids = CliRunner.Run("tokenize", "--tokenizer", "word", "--ids", "to be, or not to be");
        Assert.Equal(["to/ /be/,/ /or/ /not/ /to/ /be", "3 1 2 4 1 6 1 5 1 3 1 2"], ids.Stdout.Trim().Split('\n'));
    }

    [Fact]
    public void MistakesEndInOneLineNamingTheFileOrValue()
    {
        using var dir = new TempDirectory();
        string novel = GbkNovel(dir, 3_000);
        string missing = Path.Combine(dir.Path, "no-such-dict.txt");
        var noDict = TinyTraining.Train(novel, Path.Combine(dir.Path, "a"), "--encoding", "gbk", "--tokenizer", "jieba", "--user-dict", missing, "--steps", "1");
        Assert.Equal(2, noDict.ExitCode);
        Assert.Contains("no-such-dict.txt' does not exist", noDict.Stderr);
        Assert.Single(noDict.Stderr.Trim().Split('\n'));

        string dictionary = dir.File("user.txt", "紫藤巷\n");
        var wrongKind = TinyTraining.Train(novel, Path.Combine(dir.Path, "b"), "--encoding", "gbk", "--tokenizer", "word", "--user-dict", dictionary, "--steps", "1");
        Assert.Equal(2, wrongKind.ExitCode);
        Assert.Contains("--user-dict needs the jieba tokenizer, not 'word'", wrongKind.Stderr);

        var badEncoding = TinyTraining.Train(novel, Path.Combine(dir.Path, "c"), "--encoding", "gbkk", "--tokenizer", "jieba", "--steps", "1");
        Assert.Equal(2, badEncoding.ExitCode);
        Assert.Contains("Unknown text encoding 'gbkk'", badEncoding.Stderr);

        var notUtf8 = TinyTraining.Train(novel, Path.Combine(dir.Path, "d"), "--tokenizer", "jieba", "--steps", "1");
        Assert.Equal(2, notUtf8.ExitCode);
        Assert.Contains("novel.txt' is not valid utf-8", notUtf8.Stderr);
        Assert.Contains("--encoding", notUtf8.Stderr);

        foreach (var result in new[] { noDict, wrongKind, badEncoding, notUtf8 }) Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public void TheChineseDemoWritesGbkTrainsWithJiebaAndSamples()
    {
        using var dir = new TempDirectory();
        string demo = Path.Combine(dir.Path, "demo");
        var r = CliRunner.Run("demo", "chinese", "--characters", "6000", "--time", "3s", "--length", "30", "--dir", demo);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("GBK-encoded", r.Stdout);
        Assert.Contains("$ rnn train --data " + Path.Combine(demo, "novel.txt") + " --encoding gbk --tokenizer jieba", r.Stdout);
        Assert.Contains("vocabulary:", r.Stdout);
        Assert.Contains("$ rnn sample " + Path.Combine(demo, "run"), r.Stdout);
        string gbkText = TextEncodings.Get("gbk").GetString(File.ReadAllBytes(Path.Combine(demo, "novel.txt")));
        Assert.Equal(GeneratedChinese.Text(6000, seed: 1), gbkText);
        string sample = r.Stdout[(r.Stdout.LastIndexOf("$ rnn sample", StringComparison.Ordinal))..];
        Assert.True(sample.Count(IsHan) > 20, sample);
    }
}
