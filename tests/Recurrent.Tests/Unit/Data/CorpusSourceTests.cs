// CorpusSource: file/directory/glob expansion in a stable order, encodings by name (GBK = its UTF-8 twin),
// BOM skipping, chunks that never split a character, and one clear CorpusException per kind of bad input.
using System.Text;
using Recurrent.Data;

namespace Recurrent.Tests.Data;

public sealed class CorpusSourceTests
{
    private static string ReadAll(CorpusSource source) => string.Concat(source.ReadText());

    [Fact]
    public void GlobsAndDirectoriesExpandInSortedOrder()
    {
        using var dir = new TempDirectory();
        dir.File("data/b.txt", "B");
        dir.File("data/a.txt", "A");
        dir.File("data/c.md", "C");
        dir.File("data/sub/d.txt", "D");
        dir.File("data/sub/deeper/e.md", "E");
        dir.File("data/.hidden.txt", "H");

        var flat = CorpusSource.FromPath(Path.Combine(dir.Path, "data", "*.txt"));
        Assert.Equal(["a.txt", "b.txt"], flat.Files.Select(Path.GetFileName));
        Assert.Equal("AB", ReadAll(flat));

        var recursive = CorpusSource.FromPath(Path.Combine(dir.Path, "data", "**", "*.md"));
        Assert.Equal(["c.md", "e.md"], recursive.Files.Select(Path.GetFileName));

        var question = CorpusSource.FromPath(Path.Combine(dir.Path, "data", "[ab].tx?"));
        Assert.Equal(["a.txt", "b.txt"], question.Files.Select(Path.GetFileName));

        var directory = CorpusSource.FromPath(Path.Combine(dir.Path, "data"));
        Assert.Equal(["a.txt", "b.txt", "c.md", "d.txt", "e.md"], directory.Files.Select(Path.GetFileName));
        Assert.Equal("ABCDE", ReadAll(directory));

        // Explicit arguments keep their order; duplicates are read once.
        var several = CorpusSource.FromPaths([Path.Combine(dir.Path, "data", "c.md"), Path.Combine(dir.Path, "data", "*.txt"),
            Path.Combine(dir.Path, "data", "a.txt")]);
        Assert.Equal("CAB", ReadAll(several));
        Assert.Equal(3, several.TotalBytes);
    }

    [Theory]
    [InlineData("gbk")]
    [InlineData("gb2312")]
    [InlineData("GB18030")]
    [InlineData("936")]
    public void GbkFileReadsAsItsUtf8Twin(string encoding)
    {
        using var dir = new TempDirectory();
        TextEncodings.EnsureCodePages();
        string utf8 = dir.File("utf8.txt", Samples.Chinese);
        string gbk = dir.Bytes("gbk.txt", Encoding.GetEncoding("gbk").GetBytes(Samples.Chinese));
        Assert.NotEqual(File.ReadAllBytes(utf8), File.ReadAllBytes(gbk));
        // Small chunks so that two-byte GBK characters straddle chunk boundaries.
        var fromGbk = CorpusSource.FromPaths([gbk], encoding, chunkBytes: 7);
        Assert.Equal(Samples.Chinese, ReadAll(fromGbk));
        Assert.Equal(ReadAll(CorpusSource.FromPath(utf8)), ReadAll(fromGbk));
    }

    [Theory]
    [InlineData("shift_jis", "こんにちは、世界。カタカナとひらがな。")]
    [InlineData("windows-1252", "Café crème, naïve façade — “quotes” €5")]
    [InlineData("windows-1251", "Привет, мир!")]
    [InlineData("utf-16", "UTF-16 with BOM: 😀 𝔘 ok")]
    [InlineData("utf-16BE", "big endian 😀 text")]
    public void OtherEncodingsByName(string encoding, string text)
    {
        using var dir = new TempDirectory();
        TextEncodings.EnsureCodePages();
        Encoding e = Encoding.GetEncoding(encoding);
        byte[] bytes = [.. e.GetPreamble(), .. e.GetBytes(text)];
        string path = dir.Bytes("f.txt", bytes);
        for (int chunk = 4; chunk <= 9; chunk++)
            Assert.Equal(text, ReadAll(CorpusSource.FromPaths([path], encoding, chunk)));
    }

    [Fact]
    public void Utf8ByteOrderMarkIsSkipped()
    {
        using var dir = new TempDirectory();
        string path = dir.Bytes("bom.txt", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("abc")]);
        Assert.Equal("abc", ReadAll(CorpusSource.FromPath(path)));
        string onlyBom = dir.Bytes("only.txt", [0xEF, 0xBB, 0xBF]);
        var e = Assert.Throws<CorpusException>(() => ReadAll(CorpusSource.FromPath(onlyBom)));
        Assert.Contains(onlyBom, e.Message);
        Assert.Contains("empty", e.Message);
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("utf-16")]
    [InlineData("gb18030")]
    public void ChunksNeverSplitACharacter(string encoding)
    {
        using var dir = new TempDirectory();
        TextEncodings.EnsureCodePages();
        // Four-byte UTF-8 sequences (surrogate pairs in UTF-16) at every alignment relative to the chunk size.
        string text = string.Concat(Enumerable.Range(0, 40).Select(i => new string('a', i % 5) + "😀中𝔘é"));
        string path = dir.Bytes("f.txt", Encoding.GetEncoding(encoding).GetBytes(text));
        foreach (int chunk in new[] { 4, 5, 6, 7, 8, 11, 13 })
        {
            var chunks = CorpusSource.FromPaths([path], encoding, chunk).ReadText().ToList();
            Assert.True(chunks.Count > 10);
            Assert.Equal(text, string.Concat(chunks));
            Assert.All(chunks, c =>
            {
                Assert.NotEmpty(c);
                Assert.False(char.IsHighSurrogate(c[^1]), "a chunk ends with a high surrogate");
                Assert.False(char.IsLowSurrogate(c[0]), "a chunk starts with a low surrogate");
            });
        }
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(64)]
    [InlineData(7)]
    public void InvalidUtf8NamesFileOffsetAndEncoding(int chunk)
    {
        using var dir = new TempDirectory();
        byte[] good = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("naïve text ", 100)));
        byte[] bytes = [.. good[..1000], 0xFF, .. good[1000..]];
        Assert.NotEqual(0x80, good[1000] & 0xC0); // offset 1000 is a character boundary
        string path = dir.Bytes("bad.txt", bytes);
        var e = Assert.Throws<CorpusException>(() => ReadAll(CorpusSource.FromPaths([path], null, chunk)));
        Assert.Equal(path, e.Path);
        Assert.Equal(1000, e.ByteOffset);
        Assert.Equal("utf-8", e.EncodingName);
        Assert.Contains(path, e.Message);
        Assert.Contains("offset 1000", e.Message);
        Assert.Contains("0xFF", e.Message);
        Assert.Contains("utf-8", e.Message);
        Assert.Contains("--encoding", e.Message);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(4096)]
    public void TruncatedSequenceAcrossChunksReportsWhereItStarts(int chunk)
    {
        using var dir = new TempDirectory();
        byte[] bytes = [.. "abcde"u8, 0xE2, 0x82, .. "fghij"u8]; // E2 82 needs a third byte
        string path = dir.Bytes("bad.txt", bytes);
        var e = Assert.Throws<CorpusException>(() => ReadAll(CorpusSource.FromPaths([path], null, chunk)));
        Assert.Equal(5, e.ByteOffset);
        Assert.Contains("offset 5", e.Message);
    }

    [Fact]
    public void Utf16FileReadAsUtf8SuggestsUtf16()
    {
        using var dir = new TempDirectory();
        string path = dir.Bytes("u16.txt", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("hi")]);
        var e = Assert.Throws<CorpusException>(() => ReadAll(CorpusSource.FromPath(path)));
        Assert.Equal(0, e.ByteOffset);
        Assert.Contains("--encoding utf-16", e.Message);
    }

    [Fact]
    public void MissingPathNamesIt()
    {
        using var dir = new TempDirectory();
        string missing = Path.Combine(dir.Path, "nope.txt");
        var e = Assert.Throws<CorpusException>(() => CorpusSource.FromPath(missing));
        Assert.Contains(missing, e.Message);
        Assert.Contains("does not exist", e.Message);

        string missingDir = Path.Combine(dir.Path, "nodir", "*.txt");
        e = Assert.Throws<CorpusException>(() => CorpusSource.FromPath(missingDir));
        Assert.Contains(Path.Combine(dir.Path, "nodir"), e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void EmptyFileNamesIt()
    {
        using var dir = new TempDirectory();
        string ok = dir.File("ok.txt", "text");
        string empty = dir.File("empty.txt", "");
        var e = Assert.Throws<CorpusException>(() => CorpusSource.FromPaths([ok, empty]));
        Assert.Equal(empty, e.Path);
        Assert.Contains(empty, e.Message);
        Assert.Contains("is empty", e.Message);
    }

    [Fact]
    public void PatternOrDirectoryWithoutFilesNamesIt()
    {
        using var dir = new TempDirectory();
        dir.File("data/a.md", "x");
        string pattern = Path.Combine(dir.Path, "data", "*.txt");
        var e = Assert.Throws<CorpusException>(() => CorpusSource.FromPath(pattern));
        Assert.Contains(pattern, e.Message);
        Assert.Contains("No files match", e.Message);

        string emptyDir = Path.Combine(dir.Path, "empty");
        Directory.CreateDirectory(emptyDir);
        e = Assert.Throws<CorpusException>(() => CorpusSource.FromPath(emptyDir));
        Assert.Contains(emptyDir, e.Message);
        Assert.Contains("contains no files", e.Message);
    }

    [Fact]
    public void UnknownEncodingNameIsACorpusError()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.txt", "x");
        var e = Assert.Throws<CorpusException>(() => CorpusSource.FromPath(path, "klingon-8"));
        Assert.Contains("klingon-8", e.Message);
        Assert.Contains("gbk", e.Message);
    }

    [Fact]
    public void LargeFileIsStreamedInBoundedChunks()
    {
        using var dir = new TempDirectory();
        string path = dir.File("big.txt", string.Concat(Enumerable.Repeat("abcdefgh😀\n", 50_000)));
        int longest = CorpusSource.FromPath(path).ReadText().Max(c => c.Length);
        Assert.True(longest <= CorpusSource.DefaultChunkBytes + 16, $"chunk of {longest} chars");
    }
}
