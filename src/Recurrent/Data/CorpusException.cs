// CorpusException: the one error type for a corpus that cannot be used as given — a missing path, an empty
// file, a glob that matches nothing, bytes that are not valid in the chosen encoding, an unknown encoding
// name, a vocabulary too large for the chosen tokenizer — and bytes that do not decode in a task's data file
// (classification, tagging, seq2seq, forecasting). The message names the file (and line and byte offset) and
// says what to do; the properties carry the same facts for programs. It derives from IOException
// (InvalidDataException is sealed): reading the corpus failed.
namespace Recurrent.Data;

/// <summary>
/// A corpus (training or evaluation text) or a task's data file cannot be read or used. The message names the
/// file, the line and byte offset where they apply and what to do about it. Derives from <see cref="IOException"/>.
/// </summary>
public sealed class CorpusException : IOException
{
    /// <summary>Creates the exception with a complete, user-facing message.</summary>
    public CorpusException(string message, string? path = null, long? byteOffset = null, string? encodingName = null,
        Exception? innerException = null, int? line = null)
        : base(message, innerException)
    {
        Path = path;
        ByteOffset = byteOffset;
        EncodingName = encodingName;
        Line = line;
    }

    /// <summary>The file or pattern concerned, when there is one.</summary>
    public string? Path { get; }

    /// <summary>Byte offset in <see cref="Path"/> of the first bad byte, for decoding errors.</summary>
    public long? ByteOffset { get; }

    /// <summary>The encoding the file was read with, for decoding errors.</summary>
    public string? EncodingName { get; }

    /// <summary>1-based line of <see cref="Path"/> holding the first bad byte, for decoding errors in line-based data files.</summary>
    public int? Line { get; }
}
