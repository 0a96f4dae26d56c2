// CorpusSource: the text of a corpus — one file, several files, a directory or a glob — read as a stream of
// chunks, so a multi-gigabyte corpus never becomes one string. Decoding is strict (invalid bytes raise a
// CorpusException naming file, byte offset and encoding), the byte-order mark is skipped, and a chunk never
// ends inside a surrogate pair, so a "character" (a Unicode scalar value) is never split between chunks.
// The Windows multi-byte code pages (GBK, Shift-JIS, Big5, EUC-KR) decode a byte that is undefined on its own
// (GBK 0xFF, Shift-JIS 0xA0, 0xFD-0xFF...) to a private-use character U+F8E0-U+F8FF instead of failing;
// those are rejected with the byte offset too.
// The files are read in order; tokenization treats each file as a text of its own. Not a tokenizer: it
// yields text only.
using System.Text;

namespace Recurrent.Data;

/// <summary>A piece of corpus text and the file it came from.</summary>
/// <param name="Path">Full path of the file the text was read from.</param>
/// <param name="Text">Non-empty text; never ends with a high surrogate.</param>
public readonly record struct CorpusChunk(string Path, string Text);

/// <summary>
/// The files of a corpus and their encoding. <see cref="Read"/> streams the text in chunks in file order;
/// each enumeration reads the files again.
/// </summary>
public sealed class CorpusSource
{
    /// <summary>Bytes read per chunk by default.</summary>
    public const int DefaultChunkBytes = 1 << 16;

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];
    private readonly int _chunkBytes;
    private readonly bool _checkUndefinedBytes;   // a multi-byte code page: look for U+F8E0-U+F8FF

    internal CorpusSource(IReadOnlyList<string> files, string? encodingName, int chunkBytes)
    {
        if (chunkBytes < 4) throw new ArgumentException($"chunkBytes must be at least 4, got {chunkBytes}.", nameof(chunkBytes));
        Encoding = TextEncodings.Get(encodingName);
        _checkUndefinedBytes = !Encoding.IsSingleByte && Encoding.CodePage is not (65001 or 1200 or 1201 or 12000 or 12001 or 54936 or 65000);
        EncodingName = string.IsNullOrWhiteSpace(encodingName) ? "utf-8" : encodingName.Trim();
        _chunkBytes = chunkBytes;
        long total = 0;
        foreach (string file in files)
        {
            var info = new FileInfo(file);
            if (!info.Exists) throw new CorpusException($"The corpus file '{file}' does not exist.", file);
            if (info.Length == 0) throw new CorpusException($"The corpus file '{file}' is empty.", file);
            total += info.Length;
        }
        Files = files;
        TotalBytes = total;
    }

    /// <summary>
    /// A corpus from files, directories (every non-hidden file below, recursively) and globs (<c>data/*.txt</c>,
    /// <c>docs/**/*.md</c>). Arguments keep their order; the matches of a directory or glob are sorted by
    /// ordinal relative path. <paramref name="encodingName"/>: null for UTF-8, else any name .NET or
    /// System.Text.Encoding.CodePages knows (<c>gbk</c>, <c>shift_jis</c>, <c>windows-1252</c>, <c>utf-16</c>...).
    /// Throws <see cref="CorpusException"/> for a missing path, an empty file, a pattern or directory without
    /// files, or an unknown encoding.
    /// </summary>
    public static CorpusSource FromPaths(IEnumerable<string> paths, string? encodingName = null) =>
        FromPaths(paths, encodingName, DefaultChunkBytes);

    /// <summary>A corpus from one path (file, directory or glob); see <see cref="FromPaths(IEnumerable{string}, string?)"/>.</summary>
    public static CorpusSource FromPath(string path, string? encodingName = null) =>
        FromPaths([path], encodingName, DefaultChunkBytes);

    internal static CorpusSource FromPaths(IEnumerable<string> paths, string? encodingName, int chunkBytes)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return new CorpusSource(PathExpansion.Expand(paths), encodingName, chunkBytes);
    }

    /// <summary>Full paths of the files, in reading order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The strict encoding the files are decoded with.</summary>
    public Encoding Encoding { get; }

    /// <summary>The encoding name as given ("utf-8" by default).</summary>
    public string EncodingName { get; }

    /// <summary>Total size of the files in bytes (for progress reports).</summary>
    public long TotalBytes { get; }

    /// <summary>The text of all files, in order, as chunks of at most a few tens of thousands of characters.</summary>
    public IEnumerable<CorpusChunk> Read()
    {
        foreach (string file in Files)
            foreach (string text in ReadFile(file))
                yield return new CorpusChunk(file, text);
    }

    /// <summary>The text of all files, in order, as chunks (see <see cref="Read"/>).</summary>
    public IEnumerable<string> ReadText()
    {
        foreach (var chunk in Read()) yield return chunk.Text;
    }

    private IEnumerable<string> ReadFile(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CorpusException($"The corpus file '{path}' cannot be read: {e.Message}", path, innerException: e);
        }
        using (stream)
        {
            var decoder = Encoding.GetDecoder();
            byte[] bytes = new byte[_chunkBytes];
            char[] chars = new char[Encoding.GetMaxCharCount(_chunkBytes) + 16];
            long fileOffset = 0;       // offset of bytes[0] in the file
            long produced = 0;         // characters yielded so far
            int carried = 0;           // a high surrogate held back from the previous chunk, in chars[0]
            long emittedBytes = 0;     // bytes of the characters yielded so far (code pages with the undefined-byte check)
            bool first = true;
            while (true)
            {
                int count = ReadFully(stream, bytes, path);
                int start = 0;
                if (first)
                {
                    start = PreambleLength(bytes.AsSpan(0, count));
                    emittedBytes = start;
                    first = false;
                }
                bool end = count == 0;
                int written = Decode(decoder, bytes.AsSpan(start, count - start), chars.AsSpan(carried), end,
                    fileOffset + start, path, bytes.AsSpan(0, count));
                int available = carried + written;
                carried = 0;
                if (!end && available > 0 && char.IsHighSurrogate(chars[available - 1]))
                {
                    available--;
                    carried = 1;
                }
                if (_checkUndefinedBytes && available > 0)
                {
                    int bad = chars.AsSpan(0, available).IndexOfAnyInRange('\uF8E0', '\uF8FF');
                    if (bad >= 0)
                    {
                        long offset = emittedBytes + Encoding.GetByteCount(chars, 0, bad);
                        throw Undecodable(path, offset, offset >= fileOffset && offset < fileOffset + count ? [bytes[offset - fileOffset]] : [], "", null);
                    }
                    emittedBytes += Encoding.GetByteCount(chars, 0, available);
                }
                if (available > 0)
                {
                    produced += available;
                    yield return new string(chars, 0, available);
                }
                if (carried == 1) chars[0] = chars[available];
                if (end) break;
                fileOffset += count;
            }
            if (produced == 0)
                throw new CorpusException($"The corpus file '{path}' is empty (it holds only a byte-order mark).", path);
        }
    }

    private static int ReadFully(FileStream stream, byte[] buffer, string path)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int n = stream.Read(buffer, total, buffer.Length - total);
                if (n == 0) break;
                total += n;
            }
        }
        catch (IOException e)
        {
            throw new CorpusException($"The corpus file '{path}' cannot be read: {e.Message}", path, innerException: e);
        }
        return total;
    }

    private int PreambleLength(ReadOnlySpan<byte> head)
    {
        ReadOnlySpan<byte> preamble = Encoding is UTF8Encoding ? Utf8Bom : Encoding.Preamble;
        return preamble.Length > 0 && head.StartsWith(preamble) ? preamble.Length : 0;
    }

    private int Decode(Decoder decoder, ReadOnlySpan<byte> input, Span<char> output, bool flush, long inputOffset,
        string path, ReadOnlySpan<byte> head)
    {
        try
        {
            return decoder.GetChars(input, output, flush);
        }
        catch (DecoderFallbackException e)
        {
            long offset = Math.Max(0, inputOffset + e.Index);
            string hint = "";
            if (inputOffset == 0 && Encoding is UTF8Encoding && head.Length >= 2 &&
                ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF)))
                hint = " The file starts with a UTF-16 byte-order mark: pass --encoding utf-16.";
            throw Undecodable(path, offset, e.BytesUnknown ?? [], hint, e);
        }
    }

    private CorpusException Undecodable(string path, long offset, byte[] bad, string hint, Exception? inner)
    {
        string what = bad.Length == 0 ? "the bytes" : bad.Length == 1 ? $"byte 0x{bad[0]:X2}" : $"bytes {Convert.ToHexString(bad)}";
        return new CorpusException(
            $"The corpus file '{path}' is not valid {EncodingName}: {what} at byte offset {offset} cannot be decoded." +
            hint + " If the file uses another encoding, pass it with --encoding NAME (e.g. gbk, shift_jis, " +
            "windows-1252, utf-16); otherwise fix or remove the bad bytes.",
            path, offset, EncodingName, inner);
    }
}
