// TextFileLines: lines end at "\n", "\r\n" or a lone "\r" exactly as File.ReadLines splits them, whatever chunk
// boundary falls between a "\r" and its "\n"; the byte-order mark is skipped; UTF-16 files read with utf-16.
using System.Text;
using Recurrent.Data;

namespace Recurrent.Tests.Data;

public sealed class TextFileLinesTests
{
    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("a\n")]
    [InlineData("a\n\n")]
    [InlineData("\n\nb")]
    [InlineData("a\r\nb\rc\n\rd\r\r\n")]
    [InlineData("x\r")]
    public void SplitsLikeFileReadLines(string text)
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.txt", text);
        var lines = TextFileLines.Read(path, null).ToList();
        Assert.Equal(File.ReadLines(path), lines.Select(l => l.Text));
        Assert.Equal(Enumerable.Range(1, lines.Count), lines.Select(l => l.Line));
    }

    [Fact]
    public void CrLfAcrossTheChunkBoundaryIsOneLineEnd()
    {
        using var dir = new TempDirectory();
        // "\r" is the last byte of the first 64 KiB chunk and "\n" the first of the second.
        string text = new string('a', (1 << 16) - 1) + "\r\nb\n";
        string path = dir.File("a.txt", text);
        Assert.Equal([(1, new string('a', (1 << 16) - 1)), (2, "b")], TextFileLines.Read(path, null));
    }

    [Fact]
    public void ByteOrderMarkIsSkippedAndUtf16NeedsItsEncoding()
    {
        using var dir = new TempDirectory();
        string utf8 = dir.Bytes("bom.txt", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("ab\ncd")]);
        Assert.Equal([(1, "ab"), (2, "cd")], TextFileLines.Read(utf8, null));

        string utf16 = dir.Bytes("u16.txt", [.. Encoding.Unicode.Preamble, .. Encoding.Unicode.GetBytes("ab\ncd")]);
        Assert.Equal([(1, "ab"), (2, "cd")], TextFileLines.Read(utf16, Encoding.Unicode));
        var e = Assert.Throws<CorpusException>(() => TextFileLines.Read(utf16, null).ToList());
        Assert.Equal(0, e.ByteOffset);
        Assert.Contains("--encoding utf-16", e.Message);
    }
}
