// CorpusSource: the text of a corpus — one file, several files, a directory or a glob — read as a stream of
// chunks, so a multi-gigabyte corpus never becomes one string. Decoding is StrictFileDecoder's: strict (invalid
// bytes, and the bytes the Windows multi-byte code pages leave undefined, raise a CorpusException naming file,
// byte offset and encoding), the byte-order mark is skipped, and a chunk never ends inside a surrogate pair, so
// a "character" (a Unicode scalar value) is never split between chunks.
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

    private readonly StrictFileDecoder _decoder;
    private readonly long[] _sizes;   // bytes of each file when the source was made (progress reports)

    internal CorpusSource(IReadOnlyList<string> files, string? encodingName, int chunkBytes)
    {
        if (chunkBytes < 4) throw new ArgumentException($"chunkBytes must be at least 4, got {chunkBytes}.", nameof(chunkBytes));
        _decoder = new StrictFileDecoder(TextEncodings.Get(encodingName), chunkBytes);
        EncodingName = string.IsNullOrWhiteSpace(encodingName) ? "utf-8" : encodingName.Trim();
        long total = 0;
        _sizes = new long[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            string file = files[i];
            var info = new FileInfo(file);
            if (!info.Exists) throw new CorpusException($"The corpus file '{file}' does not exist.", file);
            if (info.Length == 0) throw new CorpusException($"The corpus file '{file}' is empty.", file);
            _sizes[i] = info.Length;
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
    public Encoding Encoding => _decoder.Encoding;

    /// <summary>The encoding name as given ("utf-8" by default).</summary>
    public string EncodingName { get; }

    /// <summary>Total size of the files in bytes (for progress reports).</summary>
    public long TotalBytes { get; }

    /// <summary>The text of all files, in order, as chunks of at most a few tens of thousands of characters.</summary>
    public IEnumerable<CorpusChunk> Read() => ReadReporting(null);

    /// <summary>
    /// As <see cref="Read"/>; <paramref name="bytesRead"/> hears, before each chunk, the bytes of the corpus read so
    /// far (all earlier files plus the part of this one), out of <see cref="TotalBytes"/>.
    /// </summary>
    internal IEnumerable<CorpusChunk> ReadReporting(Action<long>? bytesRead)
    {
        long before = 0;
        for (int i = 0; i < Files.Count; i++)
        {
            string file = Files[i];
            long start = before;
            foreach (string text in ReadFile(file, bytesRead is null ? null : inFile => bytesRead(start + inFile)))
                yield return new CorpusChunk(file, text);
            before += _sizes[i];
        }
    }

    /// <summary>The text of all files, in order, as chunks (see <see cref="Read"/>).</summary>
    public IEnumerable<string> ReadText()
    {
        foreach (var chunk in Read()) yield return chunk.Text;
    }

    private IEnumerable<string> ReadFile(string path, Action<long>? bytesRead)
    {
        bool any = false;
        foreach (string text in _decoder.Read(path, CannotRead, Undecodable, bytesRead))
        {
            any = true;
            yield return text;
        }
        if (!any)
            throw new CorpusException($"The corpus file '{path}' is empty (it holds only a byte-order mark).", path);
    }

    private static CorpusException CannotRead(string path, Exception e) =>
        new($"The corpus file '{path}' cannot be read: {e.Message}", path, innerException: e);

    private CorpusException Undecodable(string path, long offset, byte[] bad, string hint, Exception? inner) =>
        new($"The corpus file '{path}' is not valid {EncodingName}: {StrictFileDecoder.DescribeBytes(bad)} at byte offset {offset} cannot be decoded." +
            hint + " If the file uses another encoding, pass it with --encoding NAME (e.g. gbk, shift_jis, " +
            "windows-1252, utf-16); otherwise fix or remove the bad bytes.",
            path, offset, EncodingName, inner);
}
