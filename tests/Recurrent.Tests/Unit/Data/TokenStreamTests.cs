// Token storage: the in-memory and memory-mapped paths give the same ids through the same API (16-bit and
// 32-bit files), slices share storage, no temporary file is left behind, and a ~20 MB corpus encoded through
// the memory-mapped store equals the in-memory encoding.
using System.Text;
using Recurrent.Data;

namespace Recurrent.Tests.Data;

public sealed class TokenStreamTests
{
    private static int[] RandomIds(int count, int vocabulary, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => rng.Next(vocabulary)).ToArray();
    }

    [Theory]
    [InlineData(300, 2)]        // fits in 16 bits
    [InlineData(65_536, 2)]     // largest 16-bit vocabulary
    [InlineData(100_000, 4)]    // needs 32 bits
    public void MemoryMappedStreamEqualsInMemoryStream(int vocabulary, int bytesPerToken)
    {
        using var dir = new TempDirectory();
        int[] ids = RandomIds(300_000, vocabulary, vocabulary);
        ids[0] = vocabulary - 1;
        using var mappedBuilder = new TokenStreamBuilder(vocabulary, new TokenStorageOptions { MaxInMemoryTokens = 1000, TemporaryDirectory = dir.Path });
        // Uneven appends, some crossing the spill threshold and the write buffer.
        for (int pos = 0, n = 1; pos < ids.Length; pos += n, n = n * 3 % 100_003 + 1)
            mappedBuilder.Append(ids.AsSpan(pos, Math.Min(n, ids.Length - pos)));
        using TokenStream mapped = mappedBuilder.Build();
        Assert.True(mapped.IsMemoryMapped);
        Assert.Equal(bytesPerToken, mapped.BytesPerToken);
        Assert.Empty(Directory.GetFiles(dir.Path)); // unlinked while open: nothing to leave behind

        using TokenStream memory = TokenStream.FromArray(ids);
        Assert.False(memory.IsMemoryMapped);
        Assert.Equal(ids.Length, mapped.Length);
        Assert.Equal(ids, mapped.ToArray());
        for (long i = 0; i < ids.Length; i += 997) Assert.Equal(memory[i], mapped[i]);
        var a = new int[333];
        var b = new int[333];
        foreach (long start in new long[] { 0, 1, 12_345, ids.Length - 333 })
        {
            memory.CopyTo(start, a);
            mapped.CopyTo(start, b);
            Assert.Equal(a, b);
        }
        var slice = mapped.Slice(1000, 5000);
        Assert.Equal(ids.AsSpan(1000, 5000).ToArray(), slice.ToArray());
        Assert.Equal(ids[1000 + 4999], slice[4999]);
        Assert.Throws<ArgumentOutOfRangeException>(() => slice[5000]);
        Assert.Throws<ArgumentOutOfRangeException>(() => slice.CopyTo(4990, a));
        Assert.Throws<ArgumentOutOfRangeException>(() => mapped.Slice(ids.Length - 10, 11));
    }

    [Fact]
    public void SmallStreamsStayInMemory()
    {
        using var builder = new TokenStreamBuilder(10);
        builder.Append([1, 2, 3]);
        builder.Append(new List<int> { 4, 5 }.ToArray());
        using var stream = builder.Build();
        Assert.False(stream.IsMemoryMapped);
        Assert.Equal([1, 2, 3, 4, 5], stream.ToArray());
        Assert.Throws<ObjectDisposedException>(() => builder.Append([1]));
    }

    [Fact]
    public void BuilderRejectsIdsOutsideTheVocabulary()
    {
        using var builder = new TokenStreamBuilder(10);
        var e = Assert.Throws<ArgumentException>(() => builder.Append([1, 10]));
        Assert.Contains("10", e.Message);
    }

    [Fact]
    public void TwentyMegabyteCorpusThroughTheMemoryMappedStoreEqualsInMemory()
    {
        using var dir = new TempDirectory();
        // ~20 MB of UTF-8: pseudo-random words over an alphabet with 1-, 2-, 3- and 4-byte characters.
        string[] alphabet = ["a", "b", "c", "d", "e", " ", "\n", "é", "ж", "中", "😀", "q", "z", ".", ","];
        var rng = new Random(11);
        var sb = new StringBuilder();
        string path = Path.Combine(dir.Path, "big.txt");
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            while (writer.BaseStream.Length < 20_000_000)
            {
                sb.Clear();
                for (int i = 0; i < 100_000; i++) sb.Append(alphabet[rng.Next(alphabet.Length)]);
                writer.Write(sb);
                writer.Flush();
            }
        }
        var corpus = CorpusSource.FromPath(path);
        var tokenizer = TokenizerFactory.Build(TokenizerKinds.Char, corpus);
        Assert.Equal(alphabet.Length, tokenizer.VocabularySize);
        using TokenStream memory = LanguageDataset.Encode(corpus, tokenizer, new TokenStorageOptions { MaxInMemoryTokens = 64L << 20 });
        using TokenStream mapped = LanguageDataset.Encode(corpus, tokenizer,
            new TokenStorageOptions { MaxInMemoryTokens = 1 << 20, TemporaryDirectory = dir.Path });
        Assert.False(memory.IsMemoryMapped);
        Assert.True(mapped.IsMemoryMapped);
        Assert.Equal(2, mapped.BytesPerToken);
        Assert.True(memory.Length > 10_000_000);
        Assert.Equal(memory.Length, mapped.Length);
        var a = new int[1 << 16];
        var b = new int[1 << 16];
        for (long start = 0; start < memory.Length; start += a.Length)
        {
            int n = (int)Math.Min(a.Length, memory.Length - start);
            memory.CopyTo(start, a.AsSpan(0, n));
            mapped.CopyTo(start, b.AsSpan(0, n));
            Assert.True(a.AsSpan(0, n).SequenceEqual(b.AsSpan(0, n)), $"ids differ in [{start}, {start + n})");
        }
        Assert.Equal(File.ReadAllText(path).EnumerateRunes().Count(), memory.Length);
    }
}
