// Tokenizers: exact round trips (mixed scripts and emoji through char; byte; word; BPE), vocabulary rules
// (char order, word frequency/ties/<unk>, BPE compact ids), unknown-character messages, streamed encoding and
// decoding equal to whole-text encoding and decoding, and JSON round trips.
using TiktokenTokenizer = Microsoft.ML.Tokenizers.TiktokenTokenizer;
using Recurrent.Data;

namespace Recurrent.Tests.Data;

public sealed class TokenizerTests
{
    private static Tokenizer Build(string kind, string text, TokenizerOptions? options = null) =>
        TokenizerFactory.Build(kind, [text], options);

    [Fact]
    public void CharRoundTripsMixedScriptsAndEmoji()
    {
        var tokenizer = (CharTokenizer)Build(TokenizerKinds.Char, Samples.MixedScripts);
        int[] scalars = Samples.Scalars(Samples.MixedScripts);
        Assert.Equal(scalars.Distinct().Count(), tokenizer.VocabularySize);
        Assert.Equal(scalars.Distinct().Order(), tokenizer.CodePoints);   // sorted by code point
        int[] ids = tokenizer.Encode(Samples.MixedScripts);
        Assert.Equal(scalars.Length, ids.Length);                         // one id per scalar, not per UTF-16 unit
        Assert.Equal(Samples.MixedScripts, tokenizer.Decode(ids));
        Assert.Equal("😀", tokenizer.TokenText(ids[Array.IndexOf(scalars, 0x1F600)]));
        Assert.True(tokenizer.TryGetId(0x1F3FD, out _));                  // skin tone modifier
        Assert.True(tokenizer.TryGetId(0x200D, out _));                   // zero-width joiner
        Assert.True(tokenizer.TryGetId(0x0301, out _));                   // combining acute
    }

    [Fact]
    public void CharVocabularyIsDeterministicAcrossChunkings()
    {
        string text = Samples.MixedScripts;
        var whole = Build(TokenizerKinds.Char, text);
        // Chunks that split surrogate pairs.
        var pieces = Enumerable.Range(0, (text.Length + 2) / 3).Select(i => text.Substring(i * 3, Math.Min(3, text.Length - i * 3)));
        var chunked = TokenizerFactory.Build(TokenizerKinds.Char, pieces);
        Assert.Equal(whole.ToJson(), chunked.ToJson());
    }

    [Fact]
    public void CharUnknownCharactersAreNamedWithFirstPositions()
    {
        var tokenizer = Build(TokenizerKinds.Char, "hello world");
        var output = new List<int> { 42 };
        var e = Assert.Throws<UnknownTokenException>(() => tokenizer.Encode("hello 😀 wörld\u200B 😀", output));
        Assert.Equal([42], output); // nothing appended
        Assert.Equal([new UnknownCharacter(0x1F600, 6), new UnknownCharacter('ö', 9), new UnknownCharacter(0x200B, 13)], e.Characters);
        Assert.Equal(4, e.Occurrences);
        Assert.Contains("'😀' (U+1F600) first at character 6", e.Message);
        Assert.Contains("'ö' (U+00F6) first at character 9", e.Message);
        Assert.Contains("U+200B first at character 13", e.Message);
        Assert.DoesNotContain("'\u200B'", e.Message); // invisible characters are not quoted raw
    }

    [Fact]
    public void CharVocabularyTooLargeSuggestsAnotherTokenizer()
    {
        string manyChars = string.Concat(Enumerable.Range(0x4E00, 300).Select(cp => char.ConvertFromUtf32(cp)));
        var e = Assert.Throws<CorpusException>(() => Build(TokenizerKinds.Char, manyChars, new TokenizerOptions { MaxCharacters = 200 }));
        Assert.Contains("200", e.Message);
        Assert.Contains("--tokenizer word", e.Message);
        Assert.Contains("bpe", e.Message);
        Assert.Contains("byte", e.Message);
        Assert.Equal(300, Build(TokenizerKinds.Char, manyChars).VocabularySize); // within the default 10,000
    }

    [Fact]
    public void ByteRoundTripsAnyText()
    {
        var tokenizer = Build(TokenizerKinds.Byte, "x");
        Assert.Equal(256, tokenizer.VocabularySize);
        int[] ids = tokenizer.Encode(Samples.MixedScripts);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(Samples.MixedScripts).Select(b => (int)b), ids);
        Assert.Equal(Samples.MixedScripts, tokenizer.Decode(ids));
        Assert.Equal("A", tokenizer.TokenText('A'));
        Assert.Equal("<0xE2>", tokenizer.TokenText(0xE2));
    }

    [Fact]
    public void WordRoundTripsInVocabularyText()
    {
        var tokenizer = (WordTokenizer)Build(TokenizerKinds.Word, Samples.MixedScripts);
        int[] ids = tokenizer.Encode(Samples.MixedScripts);
        Assert.DoesNotContain(0, ids);
        Assert.Equal(Samples.MixedScripts, tokenizer.Decode(ids));
        Assert.Equal("<unk>", tokenizer.Words[0]);
        var words = tokenizer.Words.ToHashSet();
        Assert.Contains("don't", words);       // apostrophe between letters stays in the word
        Assert.Contains("Cafe\u0301", words);  // combining mark stays with its letter
        Assert.Contains("你", words);          // each ideograph alone
        Assert.Contains("好", words);
        Assert.DoesNotContain("你好", words);
        Assert.Contains("こ", words);          // kana alone
        Assert.Contains("Привет", words);
        Assert.Contains("नमस्ते", words);      // Devanagari vowel signs are marks
        Assert.Contains("\r\n", words);        // whitespace runs are tokens
        Assert.Contains(",", words);           // punctuation alone
    }

    [Fact]
    public void WordMaxVocabularyKeepsMostFrequentAndMapsTheRestToUnk()
    {
        const string text = "b a b c a b d d d d";
        var all = (WordTokenizer)Build(TokenizerKinds.Word, text);
        // counts: " " 9, d 4, b 3, a 2, c 1 → ids by frequency, ties by ordinal order.
        Assert.Equal(["<unk>", " ", "d", "b", "a", "c"], all.Words);
        var top = (WordTokenizer)Build(TokenizerKinds.Word, text, new TokenizerOptions { MaxVocabulary = 3 });
        Assert.Equal(["<unk>", " ", "d", "b"], top.Words);
        int[] ids = top.Encode("b a c zebra d");
        Assert.Equal([3, 1, 0, 1, 0, 1, 0, 1, 2], ids);
        Assert.Equal("b <unk> <unk> <unk> d", top.Decode(ids));
        Assert.Equal(0, top.UnknownId);
    }

    [Fact]
    public void WordTiesAreBrokenByOrdinalOrder()
    {
        var tokenizer = (WordTokenizer)Build(TokenizerKinds.Word, "zeta.alpha;Beta");
        Assert.Equal(["<unk>", ".", ";", "Beta", "alpha", "zeta"], tokenizer.Words);
    }

    [Fact]
    public void BpeRoundTripsAndKeepsOnlySeenIds()
    {
        foreach (string encoding in BpeTokenizer.Encodings)
        {
            var tokenizer = (BpeTokenizer)Build(TokenizerKinds.Bpe, Samples.EnglishAndCode, new TokenizerOptions { BpeEncoding = encoding });
            var reference = TiktokenTokenizer.CreateForEncoding(encoding);
            var original = reference.EncodeToIds(Samples.EnglishAndCode);
            Assert.Equal(original.Distinct().Count() + 1, tokenizer.VocabularySize);
            Assert.Equal(original.Distinct().Order(), tokenizer.OriginalIds);
            int[] ids = tokenizer.Encode(Samples.EnglishAndCode);
            Assert.Equal(original.Select(tokenizer.ToCompact), ids);
            Assert.DoesNotContain(0, ids);
            Assert.Equal(Samples.EnglishAndCode, tokenizer.Decode(ids));
            Assert.Equal(encoding, tokenizer.BaseEncoding);

            // Text with pieces never seen in training maps them to <unk>.
            int[] unseen = tokenizer.Encode("The quick zyzzyva");
            Assert.Contains(0, unseen);
            Assert.Contains("<unk>", tokenizer.Decode(unseen));
        }
    }

    [Fact]
    public void BpeStreamEncodingEqualsWholeEncoding()
    {
        // Newline-free runs and long lines exercise both kinds of safe cut.
        string text = Samples.EnglishAndCode + string.Concat(Enumerable.Repeat("word after word after word ", 40)) +
            "\n\n\n  x\r\n\ty" + Samples.MixedScripts + "\n<|endoftext|>\nend";
        var tokenizer = Build(TokenizerKinds.Bpe, text);
        AssertStreamEncodingEqualsWhole(tokenizer, text);
    }

    [Theory]
    [InlineData(TokenizerKinds.Char)]
    [InlineData(TokenizerKinds.Byte)]
    [InlineData(TokenizerKinds.Word)]
    public void StreamEncodingEqualsWholeEncoding(string kind)
    {
        string text = Samples.MixedScripts + Samples.EnglishAndCode + "don't" + new string('x', 150) + " can't";
        AssertStreamEncodingEqualsWhole(Build(kind, text), text);
    }

    private static void AssertStreamEncodingEqualsWhole(Tokenizer tokenizer, string text)
    {
        int[] whole = tokenizer.Encode(text);
        var rng = new Random(5);
        foreach (int maxPiece in new[] { 1, 2, 3, 7, 64, 1000 })
        {
            var encoder = tokenizer.CreateStreamEncoder();
            var ids = new List<int>();
            for (int pos = 0; pos < text.Length;)
            {
                int n = Math.Min(text.Length - pos, rng.Next(1, maxPiece + 1));
                encoder.Append(text.AsSpan(pos, n), ids); // may split surrogate pairs
                pos += n;
            }
            encoder.Complete(ids);
            Assert.Equal(whole, ids);
        }
    }

    [Theory]
    [InlineData(TokenizerKinds.Char)]
    [InlineData(TokenizerKinds.Byte)]
    [InlineData(TokenizerKinds.Word)]
    [InlineData(TokenizerKinds.Bpe)]
    public void StreamDecoderGivesTheWholeDecodingOneIdAtATime(string kind)
    {
        string text = Samples.MixedScripts + Samples.EnglishAndCode;
        var tokenizer = Build(kind, text);
        int[] ids = tokenizer.Encode(text);
        var decoder = tokenizer.CreateStreamDecoder();
        var pieces = ids.Select(decoder.Push).ToList();
        pieces.Add(decoder.Flush());
        Assert.Equal(tokenizer.Decode(ids), string.Concat(pieces));
        Assert.Equal(text, string.Concat(pieces));
        Assert.All(pieces, p => Assert.False(p.Length > 0 && char.IsLowSurrogate(p[0])));

        var writer = new StringWriter();
        var writing = tokenizer.CreateStreamDecoder();
        foreach (int id in ids) writing.Push(id, writer);
        writing.Flush(writer);
        Assert.Equal(text, writer.ToString());
    }

    [Fact]
    public void ByteStreamDecoderWaitsForCompleteCharacters()
    {
        var decoder = ByteTokenizer.Instance.CreateStreamDecoder();
        byte[] emoji = System.Text.Encoding.UTF8.GetBytes("😀");
        Assert.Equal("", decoder.Push(emoji[0]));
        Assert.Equal("", decoder.Push(emoji[1]));
        Assert.Equal("", decoder.Push(emoji[2]));
        Assert.Equal("😀", decoder.Push(emoji[3]));
        Assert.Equal("a", decoder.Push('a'));
        Assert.Equal("", decoder.Push(0xC3));                 // first byte of é, then the end
        Assert.Equal("\uFFFD", decoder.Flush());              // incomplete sequence, as Decode does
        Assert.Equal("\uFFFD", ByteTokenizer.Instance.Decode([0xC3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => decoder.Push(256));
    }

    [Theory]
    [InlineData(TokenizerKinds.Char)]
    [InlineData(TokenizerKinds.Byte)]
    [InlineData(TokenizerKinds.Word)]
    [InlineData(TokenizerKinds.Bpe)]
    public void JsonRoundTripRebuildsTheSameTokenizer(string kind)
    {
        string text = Samples.MixedScripts + Samples.EnglishAndCode;
        var tokenizer = Build(kind, text, new TokenizerOptions { MaxVocabulary = 50, BpeEncoding = "o200k_base" });
        string json = tokenizer.ToJson();
        var copy = Tokenizer.FromJson(json);
        Assert.Equal(tokenizer.GetType(), copy.GetType());
        Assert.Equal(kind, copy.Kind);
        Assert.Equal(tokenizer.VocabularySize, copy.VocabularySize);
        Assert.Equal(json, copy.ToJson());
        Assert.Equal(tokenizer.Encode(text), copy.Encode(text));
        for (int id = 0; id < tokenizer.VocabularySize; id++) Assert.Equal(tokenizer.TokenText(id), copy.TokenText(id));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"format\":\"recurrent.tokenizer\",\"version\":99,\"kind\":\"char\",\"codePoints\":[65]}")]
    [InlineData("{\"format\":\"recurrent.tokenizer\",\"version\":1,\"kind\":\"morse\"}")]
    [InlineData("{\"format\":\"recurrent.tokenizer\",\"version\":1,\"kind\":\"char\",\"codePoints\":[66,65]}")]
    [InlineData("{\"format\":\"recurrent.tokenizer\",\"version\":1,\"kind\":\"char\",\"codePoints\":[55296]}")]
    [InlineData("{\"format\":\"recurrent.tokenizer\",\"version\":1,\"kind\":\"char\",\"codePoints\":\"A\"}")]
    [InlineData("{\"format\":\"recurrent.tokenizer\",\"version\":1,\"kind\":\"word\",\"words\":[\"a\",\"a\"]}")]
    [InlineData("{\"format\":\"recurrent.tokenizer\",\"version\":1,\"kind\":\"word\",\"words\":[\"a b\"]}")]
    [InlineData("{\"format\":\"recurrent.tokenizer\",\"version\":1,\"kind\":\"word\",\"words\":[\"\\ud800\"]}")]
    [InlineData("{\"format\":\"recurrent.tokenizer\",\"version\":1,\"kind\":\"bpe\",\"encoding\":\"r50k\",\"originalIds\":[1]}")]
    [InlineData("{\"format\":\"recurrent.tokenizer\",\"version\":1,\"kind\":\"bpe\",\"encoding\":\"cl100k_base\",\"originalIds\":[-1]}")]
    [InlineData("{\"format\":\"recurrent.tokenizer\",\"version\":1,\"kind\":\"bpe\",\"encoding\":\"cl100k_base\",\"originalIds\":[999999999]}")]
    public void InvalidJsonIsInvalidDataException(string json)
    {
        var e = Assert.Throws<InvalidDataException>(() => Tokenizer.FromJson(json));
        Assert.StartsWith("The tokenizer description", e.Message);
    }

    [Fact]
    public void IdsOutsideTheVocabularyAreRejected()
    {
        var tokenizer = Build(TokenizerKinds.Char, "abc");
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.TokenText(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.CreateStreamDecoder().Push(3));
    }

    [Fact]
    public void UnknownKindAndEmptyTextAreReported()
    {
        var e = Assert.Throws<ArgumentException>(() => Build("sentencepiece", "x"));
        Assert.Contains("sentencepiece", e.Message);
        Assert.Contains("char, byte, word, bpe", e.Message);
        Assert.Throws<CorpusException>(() => TokenizerFactory.Build(TokenizerKinds.Word, Array.Empty<string>()));
        Assert.Throws<CorpusException>(() => TokenizerFactory.Build(TokenizerKinds.Char, [""]));
    }
}
