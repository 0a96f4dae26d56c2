// Every task data reader (classification, CoNLL, seq2seq, forecasting) decodes strictly in a chosen encoding:
// a byte that is not valid raises a CorpusException naming the file, the line and the byte offset (classify
// used to say "Unable to translate bytes [FF] at index 999" with no file or line, seq2seq put U+FFFD into its
// vocabulary), and a GBK file read as GBK gives what its UTF-8 twin gives.
using System.Text;
using Recurrent.Classification;
using Recurrent.Data;
using Recurrent.Forecasting;
using Recurrent.Seq2Seq;
using Recurrent.Tagging;

namespace Recurrent.Tests.Data;

public sealed class DataFileEncodingTests
{
    /// <summary>A reader under test: a line of its format built from a text, and what it reads from a file as comparable strings.</summary>
    public sealed record Reader(string Name, string Extension, Func<int, string, string> Line, Func<string, Encoding?, IEnumerable<string>> Read)
    {
        public override string ToString() => Name;
    }

    private static readonly Reader[] Readers =
    [
        new("classification tsv", "tsv", (i, w) => $"l{i % 3}\t{w} {i}",
            (f, e) => ClassificationData.Read(f, ClassificationFormat.Tsv, requireLabels: true, e).Select(r => $"{r.Line}:{r.Label}|{r.Text}")),
        new("classification csv", "csv", (i, w) => $"{w}{i % 3},{i}.5,{i}",
            (f, e) => ClassificationData.Read(f, ClassificationFormat.Csv, requireLabels: true, e).Select(r => $"{r.Line}:{r.Label}|{string.Join(",", r.Values)}")),
        new("conll", "conll", (i, w) => i % 4 == 3 ? "" : $"{w}{i} T{i % 2}",
            (f, e) => ConllReader.Read(f, requireTags: true, e).Select(s => $"{s.Line}:{string.Join(" ", s.Tokens)}|{string.Join(" ", s.Tags!)}")),
        new("seq2seq", "tsv", (i, w) => $"{w}{i}\t{i}{w}",
            (f, e) => Seq2SeqData.ReadTsv(f, e).Select(p => $"{p.Source}|{p.Target}")),
        new("forecasting", "csv", (i, w) => i == 0 ? $"t,{w}" : $"{i},{i * 0.5}",
            (f, e) => TimeSeriesTable.Read(f, e) is var t ? [$"{t.FirstDataLine}:{string.Join(",", t.Header ?? [])}", .. t.Values([0, 1]).Select(v => v.ToString("R"))] : []),
    ];

    public static TheoryData<Reader> AllReaders() => [.. Readers];

    public static TheoryData<Reader, int, string> BadByteCases()
    {
        var data = new TheoryData<Reader, int, string>();
        foreach (var r in Readers)
        {
            data.Add(r, 11, "\n");
            data.Add(r, 7001, "\r\n"); // past the first 64 KiB chunk
        }
        return data;
    }

    private static string Text(Reader reader, int lines, string newline, string word) =>
        string.Concat(Enumerable.Range(0, lines).Select(i => reader.Line(i, word) + newline));

    [Theory]
    [MemberData(nameof(BadByteCases))]
    public void InvalidUtf8ByteNamesFileLineAndOffset(Reader reader, int badLine, string newline)
    {
        using var dir = new TempDirectory();
        byte[] good = Encoding.UTF8.GetBytes(Text(reader, 9000, newline, "naïve"));
        // Offset of the second character of line badLine: everything before it is valid UTF-8.
        int offset = Encoding.UTF8.GetByteCount(Text(reader, badLine - 1, newline, "naïve")) + 1;
        Assert.True(badLine < 100 || offset > 1 << 16, $"offset {offset} is in the first chunk");
        byte[] bytes = [.. good[..offset], 0xFF, .. good[offset..]];
        string path = dir.Bytes("bad." + reader.Extension, bytes);

        var e = Assert.Throws<CorpusException>(() => reader.Read(path, null).ToList());
        Assert.Equal(path, e.Path);
        Assert.Equal(badLine, e.Line);
        Assert.Equal(offset, e.ByteOffset);
        Assert.Equal("utf-8", e.EncodingName);
        Assert.Contains($"'{path}' line {badLine}: byte 0xFF at byte offset {offset} is not valid utf-8", e.Message);
        Assert.Contains("--encoding", e.Message);
    }

    [Theory]
    [MemberData(nameof(AllReaders))]
    public void GbkFileReadAsGbkEqualsItsUtf8Twin(Reader reader)
    {
        using var dir = new TempDirectory();
        TextEncodings.EnsureCodePages();
        string text = Text(reader, 300, "\n", "滚滚长江东逝水");
        string utf8 = dir.File("utf8." + reader.Extension, text);
        Encoding gbk = Encoding.GetEncoding("gbk"); // replacement fallback: the reader must still be strict
        string gbkFile = dir.Bytes("gbk." + reader.Extension, gbk.GetBytes(text));
        Assert.NotEqual(File.ReadAllBytes(utf8), File.ReadAllBytes(gbkFile));

        var expected = reader.Read(utf8, null).ToList();
        Assert.Contains(expected, s => s.Contains("滚滚长江东逝水", StringComparison.Ordinal));
        Assert.Equal(expected, reader.Read(gbkFile, gbk).ToList());
        Assert.Equal(expected, reader.Read(gbkFile, TextEncodings.Get("gbk")).ToList());
        // The same bytes are not UTF-8: the default refuses them at the first Chinese character (line 1, or 2 after a header).
        var e = Assert.Throws<CorpusException>(() => reader.Read(gbkFile, null).ToList());
        Assert.Equal(Encoding.UTF8.GetByteCount(text[..text.IndexOf('滚')]), e.ByteOffset);
    }

    [Theory]
    [MemberData(nameof(AllReaders))]
    public void GbkUndefinedByteIsRefusedNotMappedToPrivateUse(Reader reader)
    {
        // .NET decodes GBK's lone 0xFF to U+F8F5 instead of failing; the readers refuse it like the corpus reader does.
        using var dir = new TempDirectory();
        TextEncodings.EnsureCodePages();
        Encoding gbk = Encoding.GetEncoding("gbk");
        byte[] good = gbk.GetBytes(Text(reader, 20, "\n", "长江"));
        int offset = gbk.GetByteCount(Text(reader, 6, "\n", "长江")) + 2;
        string path = dir.Bytes("bad." + reader.Extension, [.. good[..offset], 0xFF, .. good[offset..]]);

        var e = Assert.Throws<CorpusException>(() => reader.Read(path, gbk).ToList());
        Assert.Equal(7, e.Line);
        Assert.Equal(offset, e.ByteOffset);
        Assert.Contains($"line 7: byte 0xFF at byte offset {offset} is not valid", e.Message);
    }

    [Theory]
    [MemberData(nameof(AllReaders))]
    public void MissingFileIsFileNotFound(Reader reader)
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "nope." + reader.Extension);
        var e = Assert.Throws<FileNotFoundException>(() => reader.Read(path, null).ToList());
        Assert.Contains("does not exist", e.Message);
    }
}
