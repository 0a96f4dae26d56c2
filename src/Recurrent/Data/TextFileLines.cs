// TextFileLines: the lines of a task's data file (classification TSV/CSV, CoNLL, seq2seq TSV, forecasting CSV),
// decoded strictly by StrictFileDecoder in the encoding the caller names (UTF-8 by default). Lines end at "\n",
// "\r\n" or a lone "\r", as File.ReadLines splits them. A byte that does not decode raises a CorpusException
// naming the file, the 1-based line, the byte offset and the encoding, and saying what to do — the readers used
// to get "Unable to translate bytes [FF] at index 999" with no file or line, or a silent U+FFFD. Not a parser:
// what a line means is the reader's business.
using System.Text;

namespace Recurrent.Data;

/// <summary>Strictly decoded lines of a data file, with their 1-based numbers.</summary>
internal static class TextFileLines
{
    private const int ChunkBytes = 1 << 16;

    /// <summary>
    /// The lines of <paramref name="path"/> in <paramref name="encoding"/> (null: UTF-8; any encoding is read
    /// strictly), read lazily. Throws FileNotFoundException at once when the file does not exist, and
    /// <see cref="CorpusException"/> while reading when a byte does not decode or the file cannot be read.
    /// </summary>
    public static IEnumerable<(int Line, string Text)> Read(string path, Encoding? encoding)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The data file '{path}' does not exist.", path);
        var decoder = new StrictFileDecoder(encoding ?? TextEncodings.Utf8, ChunkBytes);
        string name = encoding?.WebName ?? "utf-8";
        return Split(decoder.Read(path, CannotRead,
            (file, offset, bad, hint, inner) => Undecodable(file, decoder.Encoding, name, offset, bad, hint, inner)));
    }

    private static IEnumerable<(int Line, string Text)> Split(IEnumerable<string> chunks)
    {
        var partial = new StringBuilder();
        int line = 0;
        bool afterCr = false; // the previous chunk ended with '\r': a '\n' first in this one belongs to it
        foreach (string chunk in chunks)
        {
            int start = 0;
            if (afterCr && chunk[0] == '\n') start = 1;
            afterCr = false;
            while (true)
            {
                int end = chunk.AsSpan(start).IndexOfAny('\r', '\n');
                if (end < 0)
                {
                    partial.Append(chunk, start, chunk.Length - start);
                    break;
                }
                end += start;
                partial.Append(chunk, start, end - start);
                yield return (++line, partial.ToString());
                partial.Clear();
                start = end + 1;
                if (chunk[end] == '\r')
                {
                    if (start == chunk.Length) { afterCr = true; break; }
                    if (chunk[start] == '\n') start++;
                }
            }
        }
        if (partial.Length > 0) yield return (++line, partial.ToString());
    }

    private static CorpusException CannotRead(string path, Exception e) =>
        new($"The data file '{path}' cannot be read: {e.Message}", path, innerException: e);

    private static CorpusException Undecodable(string path, Encoding encoding, string name, long offset, byte[] bad,
        string hint, Exception? inner)
    {
        int line = LineAt(path, encoding, offset);
        // .NET's names are not always the one the user gave ("gbk" is "gb2312"): the code page makes it unambiguous.
        string described = encoding.CodePage == 65001 ? name : $"{name} (code page {encoding.CodePage})";
        return new CorpusException(
            $"'{path}' line {line}: {StrictFileDecoder.DescribeBytes(bad)} at byte offset {offset} is not valid {described}." + hint +
            " If the file uses another encoding, give it (--encoding NAME, e.g. gbk, shift_jis, windows-1252, utf-16); " +
            "otherwise fix or remove the bad bytes.",
            path, offset, name, inner, line);
    }

    /// <summary>
    /// The 1-based line holding byte <paramref name="offset"/>: one more than the line ends among the characters
    /// of the bytes before it. Those bytes decoded without error before, so decoding them again (leniently, on
    /// this error path only) finds the same characters.
    /// </summary>
    private static int LineAt(string path, Encoding encoding, long offset)
    {
        var lenient = (Encoding)encoding.Clone();
        lenient.DecoderFallback = DecoderFallback.ReplacementFallback;
        var decoder = lenient.GetDecoder();
        byte[] bytes = new byte[ChunkBytes];
        char[] chars = new char[lenient.GetMaxCharCount(ChunkBytes)];
        int ends = 0;
        char previous = '\0';
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        for (long left = offset; left > 0;)
        {
            int n = stream.Read(bytes, 0, (int)Math.Min(left, bytes.Length));
            if (n == 0) break;
            left -= n;
            int count = decoder.GetChars(bytes, 0, n, chars, 0, flush: false);
            foreach (char c in chars.AsSpan(0, count))
            {
                if (c == '\r' || (c == '\n' && previous != '\r')) ends++;
                previous = c;
            }
        }
        return ends + 1;
    }
}
