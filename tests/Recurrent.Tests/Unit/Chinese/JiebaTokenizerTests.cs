// The jieba tokenizer (Recurrent.Chinese): jieba's documented example sentences cut exactly as jieba documents them;
// other text split by the word rules; streaming equal to the whole text at every chunk boundary, including one inside
// a word, and for runs longer than a block; a GBK corpus round trip; --max-vocab and <unk>; user dictionaries (their
// words win, are stored with their frequencies and come back from JSON; bad files name file and line); the JSON form;
// the error for an application without the package; the extracted data files; concurrent use.
using System.Text;
using Recurrent.Chinese;
using Recurrent.Data;
using Recurrent.Tests.Data;

namespace Recurrent.Tests.Chinese;

public sealed class JiebaTokenizerTests
{
    private static readonly JiebaTokenizer Empty = new([]);

    private static string Cut(string text) => string.Join("/", Empty.Segment(text));

    [Theory]
    // jieba's README: precise mode (精确模式), new-word recognition by the HMM (杭研 is in no dictionary), and the
    // sentence of its search-engine example, here in precise mode.
    [InlineData("我来到北京清华大学", "我/来到/北京/清华大学")]
    [InlineData("他来到了网易杭研大厦", "他/来到/了/网易/杭研/大厦")]
    [InlineData("小明硕士毕业于中国科学院计算所，后在日本京都大学深造", "小明/硕士/毕业/于/中国科学院/计算所/，/后/在/日本京都大学/深造")]
    public void JiebasDocumentedSentencesAreCutAsJiebaDocumentsThem(string sentence, string expected)
    {
        Assert.Equal(expected, Cut(sentence));
    }

    [Fact]
    public void TextOutsideChineseRunsIsSplitByTheWordRules()
    {
        // Letters, digits, an apostrophe inside a word, a combining accent, an emoji, whitespace runs and kana: the
        // word tokenizer's pieces; the Chinese runs between them: jieba's words.
        string text = "我用Python 3.12写了don't-stop程序。Cafe\u0301  😀かな\n北京";
        Assert.Equal("我用/Python/ /3/./12/写/了/don't/-/stop/程序/。/Cafe\u0301/  /😀/か/な/\n/北京", Cut(text));
        var word = (WordTokenizer)TokenizerFactory.BuildFromTexts(TokenizerKinds.Word, ["Python 3.12", "don't-stop", "。Cafe\u0301  😀かな\n"]);
        foreach (string other in new[] { "Python 3.12", "don't-stop", "。Cafe\u0301  😀かな\n" })
            Assert.Equal(string.Join("/", word.Encode(other).Select(word.TokenText)), Cut(other));
    }

    [Fact]
    public void AWordStraddlingAChunkBoundaryGivesTheTokensOfTheWholeText()
    {
        string text = "他来到了网易杭研大厦，我来到北京清华大学。" + GeneratedChinese.Text(400, seed: 3);
        var tokenizer = (JiebaTokenizer)TokenizerFactory.BuildFromTexts(TokenizerKinds.Jieba, [text]);
        int[] whole = tokenizer.Encode(text);
        int university = text.IndexOf("清华大学", StringComparison.Ordinal);
        Assert.Contains(tokenizer.Words.ToList().IndexOf("清华大学"), whole);
        for (int cut = 0; cut <= 60; cut++)
        {
            var encoder = tokenizer.CreateStreamEncoder();
            var ids = new List<int>();
            encoder.Append(text.AsSpan(0, cut), ids);
            if (cut == university + 2) // between 清华 and 大学: nothing of the run is given out until it ends
                Assert.DoesNotContain(tokenizer.Words.ToList().IndexOf("清华"), ids);
            encoder.Append(text.AsSpan(cut), ids);
            encoder.Complete(ids);
            Assert.Equal(whole, ids);
        }
    }

    [Fact]
    public void StreamingInRandomChunksEqualsEncodingTheWholeText()
    {
        string text = GeneratedChinese.Text(20_000, seed: 5) + "Mixed text: 2024年，iPhone和Android。\r\n";
        var tokenizer = TokenizerFactory.BuildFromTexts(TokenizerKinds.Jieba, [text]);
        int[] whole = tokenizer.Encode(text);
        var rng = new Random(1);
        for (int trial = 0; trial < 5; trial++)
        {
            var encoder = tokenizer.CreateStreamEncoder();
            var ids = new List<int>();
            for (int at = 0; at < text.Length;)
            {
                int n = Math.Min(text.Length - at, 1 + rng.Next(trial == 0 ? 3 : 200));
                encoder.Append(text.AsSpan(at, n), ids);
                at += n;
            }
            encoder.Complete(ids);
            Assert.Equal(whole, ids);
        }
        Assert.Equal(text, tokenizer.Decode(whole));
    }

    [Fact]
    public void ARunLongerThanABlockIsCutInBlocksTheSameWayWhenStreamed()
    {
        // 12,000 Chinese characters without punctuation, space or newline: cut into blocks of 4,096 from the run's start.
        string run = string.Concat(Enumerable.Repeat("我们今天在学校学习数学", 1100))[..12_000];
        string text = "开头。" + run + "。结尾";
        var pieces = Empty.Segment(text);
        Assert.Equal(text, string.Concat(pieces));
        var starts = new HashSet<int>();
        int at = 0;
        foreach (string piece in pieces) { starts.Add(at); at += piece.Length; }
        foreach (int block in new[] { 3 + 4096, 3 + 2 * 4096 }) Assert.Contains(block, starts); // a piece starts at each block boundary

        var tokenizer = TokenizerFactory.BuildFromTexts(TokenizerKinds.Jieba, [text]);
        var encoder = tokenizer.CreateStreamEncoder();
        var ids = new List<int>();
        for (int i = 0; i < text.Length; i += 1000) encoder.Append(text.AsSpan(i, Math.Min(1000, text.Length - i)), ids);
        encoder.Complete(ids);
        Assert.Equal(tokenizer.Encode(text), ids);
    }

    [Fact]
    public void AGbkCorpusReadInSmallChunksDecodesBackToItsBytes()
    {
        using var dir = new TempDirectory();
        string text = GeneratedChinese.Text(30_000, seed: 11);
        Encoding gbk = TextEncodings.Get("gbk");
        string path = dir.Bytes("novel.txt", gbk.GetBytes(text));
        using var data = LanguageDataset.Load(new LanguageDatasetOptions
        {
            Data = [path], Encoding = "gbk", TokenizerKind = TokenizerKinds.Jieba, Split = new SplitFractions(1, 0, 0), ChunkBytes = 101,
        });
        int[] ids = data.Train.ToArray();
        Assert.Equal(data.Tokenizer.Encode(text), ids);           // 101-byte chunks cut words everywhere; the ids do not change
        string decoded = data.Tokenizer.Decode(ids);
        Assert.Equal(text, decoded);
        Assert.Equal(File.ReadAllBytes(path), gbk.GetBytes(decoded));
        var words = ((JiebaTokenizer)data.Tokenizer).Words;
        foreach (string word in new[] { "图书馆", "工程师", "博物馆", "天气", "觉得" }) Assert.Contains(word, words);
        Assert.True(ids.Length < text.Length * 0.7, $"{ids.Length} tokens for {text.Length} characters: words, not characters");
    }

    [Fact]
    public void MaxVocabularyKeepsTheMostFrequentWordsAndMapsTheRestToUnknown()
    {
        string text = "北京北京北京，上海上海，杭州。";
        var all = (JiebaTokenizer)TokenizerFactory.BuildFromTexts(TokenizerKinds.Jieba, [text]);
        Assert.Equal(["<unk>", "北京", "上海", "，", "。", "杭州"], all.Words);
        var top = (JiebaTokenizer)TokenizerFactory.BuildFromTexts(TokenizerKinds.Jieba, [text], new TokenizerOptions { MaxVocabulary = 2 });
        Assert.Equal(["<unk>", "北京", "上海"], top.Words);
        Assert.Equal(0, top.UnknownId);
        int[] ids = top.Encode("上海，杭州和北京");
        Assert.Equal([2, 0, 0, 0, 1], ids);
        Assert.Equal("上海<unk><unk><unk>北京", top.Decode(ids));
        Assert.Equal("<unk>", top.TokenText(0));
    }

    [Fact]
    public void UserDictionaryWordsWinAndTravelWithTheTokenizer()
    {
        using var dir = new TempDirectory();
        const string sentence = "我们在蓝鲸湾的星河码头等船"; // words no other test adds (jieba's dictionary is process-wide)
        string before = Cut(sentence);
        Assert.DoesNotContain("蓝鲸湾/", before + "/");
        string dictionary = dir.File("user.txt", "蓝鲸湾 50 ns\n\n星河码头\n");
        var tokenizer = (JiebaTokenizer)TokenizerFactory.BuildFromTexts(TokenizerKinds.Jieba, [sentence],
            new TokenizerOptions { UserDictionary = dictionary });
        Assert.Equal("我们/在/蓝鲸湾/的/星河码头/等/船", string.Join("/", tokenizer.Segment(sentence)));
        Assert.Equal(["蓝鲸湾", "星河码头"], tokenizer.UserWords.Select(w => w.Word));
        Assert.Equal(50, tokenizer.UserWords[0].Frequency);
        Assert.True(tokenizer.UserWords[1].Frequency > 0, "a word without a frequency gets jieba's suggestion, stored as a number");

        string json = tokenizer.ToJson();
        using (var document = System.Text.Json.JsonDocument.Parse(json))
        {
            var stored = document.RootElement.GetProperty("user_words")[0];
            Assert.Equal("蓝鲸湾", stored.GetProperty("word").GetString());
            Assert.Equal(50, stored.GetProperty("frequency").GetInt32());
        }
        var back = (JiebaTokenizer)Tokenizer.FromJson(json);
        Assert.Equal(tokenizer.UserWords, back.UserWords);
        Assert.Equal(tokenizer.Words, back.Words);
        Assert.Equal(tokenizer.Encode(sentence), back.Encode(sentence));
        Assert.DoesNotContain(0, back.Encode(sentence));
    }

    [Fact]
    public void UserDictionaryMistakesNameTheFileAndLine()
    {
        using var dir = new TempDirectory();
        var missing = Assert.Throws<CorpusException>(() => JiebaUserDictionary.Read(Path.Combine(dir.Path, "nope.txt")));
        Assert.Contains("nope.txt' does not exist", missing.Message);

        string latin = dir.File("latin.txt", "云计算 5\nEdu Trust认证 2000\n");
        var e = Assert.Throws<CorpusException>(() => JiebaUserDictionary.Read(latin));
        Assert.Contains("latin.txt', line 2", e.Message);
        Assert.Contains("\"Edu Trust认证\" has characters other than Chinese ones", e.Message);
        Assert.Equal(2, e.Line);

        string huge = dir.File("huge.txt", "词语 3\n词典 99999999999 n\n");
        Assert.Contains("huge.txt', line 2: the frequency 99999999999 is larger than", Assert.Throws<CorpusException>(() => JiebaUserDictionary.Read(huge)).Message);

        string notUtf8 = dir.Bytes("gbk.txt", TextEncodings.Get("gbk").GetBytes("词语 12\n"));
        Assert.Contains("is not valid UTF-8", Assert.Throws<CorpusException>(() => JiebaUserDictionary.Read(notUtf8)).Message);

        Assert.Throws<ArgumentException>(() => TokenizerFactory.BuildFromTexts(TokenizerKinds.Word, ["x"], new TokenizerOptions { UserDictionary = latin }));
    }

    [Fact]
    public void TheJsonFormKeepsKindVocabularyAndIds()
    {
        string text = GeneratedChinese.Text(3_000, seed: 2) + " English words too.";
        var tokenizer = TokenizerFactory.BuildFromTexts(TokenizerKinds.Jieba, [text]);
        string json = tokenizer.ToJson();
        Assert.Contains("\"kind\":\"jieba\"", json);
        Assert.Contains("\"segmenter\":\"jieba.NET 0.42.2\"", json);
        var back = Assert.IsType<JiebaTokenizer>(Tokenizer.FromJson(json));
        Assert.Equal(json, back.ToJson());
        Assert.Equal(tokenizer.Encode(text), back.Encode(text));
        Assert.Throws<InvalidDataException>(() => Tokenizer.FromJson(json.Replace("\"words\":[", "\"words\":[\"中a\",")));
        Assert.Throws<InvalidDataException>(() => Tokenizer.FromJson(json.Replace("\"user_words\":[]", "\"user_words\":[{\"word\":\"中\",\"frequency\":0}]")));
    }

    [Fact]
    public void VocabularyWordsMustBePiecesTheTokenizerCanProduce()
    {
        Assert.Throws<ArgumentException>(() => new JiebaTokenizer(["中a"]));
        Assert.Throws<ArgumentException>(() => new JiebaTokenizer(["a b"]));
        Assert.Throws<ArgumentException>(() => new JiebaTokenizer(["北京", "北京"]));
        Assert.Throws<ArgumentException>(() => new JiebaTokenizer(["北京"], [new JiebaUserWord("Edu认证", 5)]));
        Assert.Equal(4, new JiebaTokenizer(["北京", "don't", "\n"]).VocabularySize);
    }

    [Fact]
    public void WithoutThePackageTheErrorNamesThePackageToAdd()
    {
        var e = Assert.Throws<NotSupportedException>(() => TokenizerProviders.Get(TokenizerKinds.Jieba, "Recurrent.Chinese.NotInThisApplication"));
        Assert.Contains("'jieba'", e.Message);
        Assert.Contains("dotnet add package Recurrent.Chinese", e.Message);
    }

    [Fact]
    public void TheSegmentersDataIsExtractedWholeOnce()
    {
        Cut("数据");
        string directory = JiebaData.Directory!;
        foreach (string name in new[] { "dict.txt", "prob_emit.json", "prob_trans.json" })
        {
            using var resource = typeof(JiebaTokenizer).Assembly.GetManifestResourceStream("jieba/" + name)!;
            Assert.Equal(resource.Length, new FileInfo(Path.Combine(directory, name)).Length);
        }
        Assert.Empty(Directory.GetFiles(directory, "*.tmp"));
        Assert.True(JiebaData.Frequency("清华大学") > 0);
    }

    [Fact]
    public void ConcurrentUseGivesTheSameIds()
    {
        string text = GeneratedChinese.Text(5_000, seed: 9);
        var tokenizer = TokenizerFactory.BuildFromTexts(TokenizerKinds.Jieba, [text]);
        int[] expected = tokenizer.Encode(text);
        var results = new int[8][];
        Parallel.For(0, results.Length, i => results[i] = tokenizer.Encode(text));
        Assert.All(results, r => Assert.Equal(expected, r));
    }
}
