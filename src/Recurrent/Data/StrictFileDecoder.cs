// StrictFileDecoder: the one place a text file's bytes become characters, for every reader of the library —
// corpora (CorpusSource) and the task data files (TextFileLines: classification, tagging, seq2seq, forecasting).
// It reads a file in chunks, skips the byte-order mark, decodes strictly (a byte that is not valid in the
// encoding raises an error at its byte offset instead of becoming U+FFFD) and never ends a chunk inside a
// surrogate pair. The Windows multi-byte code pages (GBK, Shift-JIS, Big5, EUC-KR) decode a byte that is
// undefined on its own (GBK 0xFF, Shift-JIS 0xA0, 0xFD-0xFF...) to a private-use character U+F8E0-U+F8FF
// instead of failing; those are rejected with their byte offset too. How an error reads is up to the caller
// (a corpus names the file, a data file also its line): it passes the functions that build the exceptions.
using System.Text;

namespace Recurrent.Data;

/// <summary>Builds the exception for bytes at <paramref name="byteOffset"/> of <paramref name="path"/> that do not decode.</summary>
/// <param name="path">The file.</param>
/// <param name="byteOffset">Offset in the file of the first bad byte.</param>
/// <param name="badBytes">The bad bytes when known (may be empty).</param>
/// <param name="hint">An extra sentence (starting with a space) when the bytes suggest the right encoding, else empty.</param>
/// <param name="inner">The decoder's exception, if any.</param>
internal delegate CorpusException UndecodableBytes(string path, long byteOffset, byte[] badBytes, string hint, Exception? inner);

/// <summary>Strict, chunked decoding of one file at a time (see the file header).</summary>
internal sealed class StrictFileDecoder
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];
    private readonly int _chunkBytes;
    private readonly bool _checkUndefinedBytes;   // a multi-byte code page: look for U+F8E0-U+F8FF

    /// <summary>A decoder for <paramref name="encoding"/> (made strict if it is not) reading <paramref name="chunkBytes"/> (≥ 4) at a time.</summary>
    public StrictFileDecoder(Encoding encoding, int chunkBytes)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        if (chunkBytes < 4) throw new ArgumentException($"chunkBytes must be at least 4, got {chunkBytes}.", nameof(chunkBytes));
        Encoding = TextEncodings.Strict(encoding);
        _checkUndefinedBytes = !Encoding.IsSingleByte && Encoding.CodePage is not (65001 or 1200 or 1201 or 12000 or 12001 or 54936 or 65000);
        _chunkBytes = chunkBytes;
    }

    /// <summary>The strict encoding the files are decoded with.</summary>
    public Encoding Encoding { get; }

    /// <summary>
    /// The text of <paramref name="path"/> after its byte-order mark, in chunks (none for an empty file). A file
    /// that cannot be opened or read raises <paramref name="cannotRead"/>'s exception; bytes that do not decode
    /// raise <paramref name="undecodable"/>'s. <paramref name="bytesRead"/>, when given, hears the bytes of the file
    /// read so far before each chunk is yielded (for progress reports).
    /// </summary>
    public IEnumerable<string> Read(string path, Func<string, Exception, CorpusException> cannotRead, UndecodableBytes undecodable,
        Action<long>? bytesRead = null)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw cannotRead(path, e);
        }
        using (stream)
        {
            var decoder = Encoding.GetDecoder();
            byte[] bytes = new byte[_chunkBytes];
            char[] chars = new char[Encoding.GetMaxCharCount(_chunkBytes) + 16];
            long fileOffset = 0;       // offset of bytes[0] in the file
            int carried = 0;           // a high surrogate held back from the previous chunk, in chars[0]
            long emittedBytes = 0;     // bytes of the characters yielded so far (code pages with the undefined-byte check)
            bool first = true;
            while (true)
            {
                int count = ReadFully(stream, bytes, path, cannotRead);
                int start = 0;
                if (first)
                {
                    start = PreambleLength(bytes.AsSpan(0, count));
                    emittedBytes = start;
                    first = false;
                }
                bool end = count == 0;
                int written = Decode(decoder, bytes.AsSpan(start, count - start), chars.AsSpan(carried), end,
                    fileOffset + start, path, bytes.AsSpan(0, count), undecodable);
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
                        throw undecodable(path, offset, offset >= fileOffset && offset < fileOffset + count ? [bytes[offset - fileOffset]] : [], "", null);
                    }
                    emittedBytes += Encoding.GetByteCount(chars, 0, available);
                }
                if (available > 0)
                {
                    bytesRead?.Invoke(fileOffset + count);
                    yield return new string(chars, 0, available);
                }
                if (carried == 1) chars[0] = chars[available];
                if (end) break;
                fileOffset += count;
            }
        }
    }

    /// <summary>"byte 0xFF", "bytes E4B8", or "the bytes" when none are known: the subject of an error message.</summary>
    public static string DescribeBytes(byte[] bad) =>
        bad.Length == 0 ? "the bytes" : bad.Length == 1 ? $"byte 0x{bad[0]:X2}" : $"bytes {Convert.ToHexString(bad)}";

    private static int ReadFully(FileStream stream, byte[] buffer, string path, Func<string, Exception, CorpusException> cannotRead)
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
            throw cannotRead(path, e);
        }
        return total;
    }

    private int PreambleLength(ReadOnlySpan<byte> head)
    {
        ReadOnlySpan<byte> preamble = Encoding is UTF8Encoding ? Utf8Bom : Encoding.Preamble;
        return preamble.Length > 0 && head.StartsWith(preamble) ? preamble.Length : 0;
    }

    private int Decode(Decoder decoder, ReadOnlySpan<byte> input, Span<char> output, bool flush, long inputOffset,
        string path, ReadOnlySpan<byte> head, UndecodableBytes undecodable)
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
            throw undecodable(path, offset, e.BytesUnknown ?? [], hint, e);
        }
    }
}
