// Property test (CsCheck): 10,000 hostile corpora — random bytes, or valid multilingual text encoded in the
// chosen encoding and then bytes flipped, cut off or inserted (odd lengths for UTF-16/32, a lead byte without
// its trail byte for GBK and Shift-JIS, lone surrogates, undefined bytes...) — in every supported kind of
// encoding (UTF-8/16/32, GBK, GB18030, Shift-JIS, Big5, EUC-KR, windows-1252), read in chunks of 4-64 bytes,
// through the whole data pipeline: CorpusSource → TokenizerFactory (char, word, byte, bpe) → LanguageDataset.
// Encode → TokenStreamBuilder (in memory or spilled to a memory-mapped file). Documented outcome: a token
// stream that decodes back to the text, or CorpusException naming the file. Nothing else is thrown, and memory
// allocated per corpus stays within a small multiple of its size plus fixed tables.
using System.Text;
using CsCheck;
using Recurrent.Data;
using Xunit.Abstractions;

namespace Recurrent.Tests.Data;

public sealed class HostileCorpusProperties(ITestOutputHelper output) : IDisposable
{
    /// <summary>The only exception a hostile corpus may cause.</summary>
    private static readonly Type[] DocumentedErrors = [typeof(CorpusException)];

    private static readonly string[] Encodings = ["utf-8", "utf-16", "utf-16BE", "utf-32", "gbk", "gb18030", "shift_jis", "big5", "euc-kr", "windows-1252"];
    private static readonly string[] Kinds = [TokenizerKinds.Char, TokenizerKinds.Word, TokenizerKinds.Byte, TokenizerKinds.Bpe, TokenizerKinds.Jieba];
    private static readonly string[] Texts =
    [
        Samples.MixedScripts, Samples.Chinese, Samples.EnglishAndCode,
        "話說天下大勢，分久必合，合久必分。", "こんにちは、世界。カタカナ ﾊﾝｶｸ", "한국어 텍스트입니다.", "Größe, façade, naïve — “quotes” €5",
    ];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TenThousandRandomAndMutatedCorporaGiveOnlyDocumentedErrors()
    {
        TextEncodings.EnsureCodePages();
        TokenizerFactory.Build(TokenizerKinds.Bpe, ["warm-up"]); // the BPE tables are loaded once per process, not per corpus
        TokenizerFactory.Build(TokenizerKinds.Jieba, ["热身"]);    // and so is jieba's dictionary
        int encoded = 0, rejected = 0, spilled = 0;
        long largestAllocation = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        Corpora().Sample(c =>
        {
            string path = _dir.Bytes($"corpus-{Environment.CurrentManagedThreadId}.txt", c.Bytes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var source = CorpusSource.FromPaths([path], c.Encoding, c.ChunkBytes);
                var tokenizer = TokenizerFactory.Build(c.Kind, source);
                var storage = new TokenStorageOptions { MaxInMemoryTokens = c.InMemoryTokens, TemporaryDirectory = _dir.Path };
                using var tokens = LanguageDataset.Encode(source, tokenizer, storage);
                if (tokens.IsMemoryMapped) Interlocked.Increment(ref spilled);
                string text = string.Concat(source.ReadText());
                if (tokenizer.Decode(tokens.ToArray()) != text)
                    throw new InvalidOperationException($"the tokens do not decode back to the text ({c.Kind}, {c.Encoding})");
                Interlocked.Increment(ref encoded);
            }
            catch (Exception e) when (DocumentedErrors.Contains(e.GetType()))
            {
                if (!e.Message.Contains(path, StringComparison.Ordinal) && !e.Message.Contains("no text", StringComparison.Ordinal))
                    throw new InvalidOperationException($"the message names neither the file nor the problem: {e.Message}");
                Interlocked.Increment(ref rejected);
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            // Fixed tables (a char tokenizer's 256 KB id table, its 136 KB set of seen characters, the 1 MB write buffer of a spilled
            // token stream)
            // plus a small multiple of the text; a length or count taken on trust would show up as far more.
            long limit = 200L * c.Bytes.Length + (4 << 20);
            if (allocated > limit) throw new InvalidOperationException($"allocated {allocated:N0} bytes for a {c.Bytes.Length}-byte corpus (limit {limit:N0})");
            long seen;
            while ((seen = Interlocked.Read(ref largestAllocation)) < allocated && Interlocked.CompareExchange(ref largestAllocation, allocated, seen) != seen) { }
        }, iter: 10_000, print: c => $"{c.Encoding} {c.Kind} chunk {c.ChunkBytes} in-memory {c.InMemoryTokens}: {Convert.ToHexString(c.Bytes)}");

        output.WriteLine($"10,000 corpora: {encoded} encoded and decoded back, {rejected} rejected with CorpusException, {spilled} spilled to a " +
            $"memory-mapped token file; largest allocation {largestAllocation:N0} bytes; {started.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(10_000, encoded + rejected);
        Assert.True(encoded > 1_000 && rejected > 1_000, $"encoded {encoded}, rejected {rejected}: the generator should produce plenty of both");
    }

    [Fact]
    public void TheWordVocabularyIsCappedWithAPointerToAnotherTokenizer()
    {
        var chunks = Enumerable.Range(0, 3000).Select(i => $"w{i} ");
        var e = Assert.Throws<CorpusException>(() => TokenizerFactory.Build(TokenizerKinds.Word, chunks, new TokenizerOptions { MaxDistinctWords = 1000 }));
        Assert.Contains("more than 1,000 distinct words", e.Message);
        Assert.Contains("--tokenizer bpe", e.Message);
        // At the cap it builds: 999 words, the space piece and <unk>.
        Assert.Equal(1001, TokenizerFactory.Build(TokenizerKinds.Word, chunks.Take(999), new TokenizerOptions { MaxDistinctWords = 1000 }).VocabularySize);
    }

    private sealed record Corpus(byte[] Bytes, string Encoding, string Kind, int ChunkBytes, long InMemoryTokens);

    private static Gen<Corpus> Corpora()
    {
        var random = Gen.Byte.Array[0, 200];
        var mutated = Gen.Select(Gen.Int[0, Encodings.Length - 1], Gen.Int[0, Texts.Length - 1], Gen.Int[0, 3], Gen.Int, (e, t, n, seed) =>
        {
            var rng = new Random(seed);
            string text = Texts[t];
            text = text.Substring(rng.Next(text.Length / 2), Math.Min(text.Length / 2, 1 + rng.Next(120)));
            byte[] bytes = Encode(Encodings[e], text);
            for (int i = 0; i < n && bytes.Length > 0; i++)
            {
                int at = rng.Next(bytes.Length);
                bytes = rng.Next(3) switch
                {
                    0 => [.. bytes[..at], (byte)(bytes[at] ^ rng.Next(1, 256)), .. bytes[(at + 1)..]],
                    1 => bytes[..at],
                    _ => [.. bytes[..at], (byte)rng.Next(256), .. bytes[at..]],
                };
            }
            return (bytes, Encodings[e]);
        });
        var content = Gen.Frequency((1, Gen.Select(random, Gen.Int[0, Encodings.Length - 1], (b, e) => (b, Encodings[e]))), (3, mutated));
        return Gen.Select(content, Gen.Int[0, Kinds.Length - 1], Gen.Int[4, 64], Gen.Int[0, 3], (c, k, chunk, memory) =>
            new Corpus(c.Item1, c.Item2, Kinds[k], chunk, memory == 0 ? 16 : 16L << 20));
    }

    private static byte[] Encode(string encoding, string text)
    {
        var e = TextEncodings.Get(encoding);
        var lenient = Encoding.GetEncoding(e.CodePage, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback);
        return lenient.GetBytes(text); // characters the code page lacks become '?'
    }
}
