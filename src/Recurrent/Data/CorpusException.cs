// CorpusException: the one error type for a corpus that cannot be used as given — a missing path, an empty
// file, a glob that matches nothing, bytes that are not valid in the chosen encoding, an unknown encoding
// name, a vocabulary too large for the chosen tokenizer. The message names the file (and byte offset) and
// says what to do; the properties carry the same facts for programs. It derives from IOException
// (InvalidDataException is sealed): reading the corpus failed.
namespace Recurrent.Data;

/// <summary>
/// A corpus (training or evaluation text) cannot be read or used. The message names the file, the byte offset
/// where one applies and what to do about it. Derives from <see cref="IOException"/>.
/// </summary>
public sealed class CorpusException : IOException
{
    /// <summary>Creates the exception with a complete, user-facing message.</summary>
    public CorpusException(string message, string? path = null, long? byteOffset = null, string? encodingName = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
        ByteOffset = byteOffset;
        EncodingName = encodingName;
    }

    /// <summary>The file or pattern concerned, when there is one.</summary>
    public string? Path { get; }

    /// <summary>Byte offset in <see cref="Path"/> of the first bad byte, for decoding errors.</summary>
    public long? ByteOffset { get; }

    /// <summary>The encoding the file was read with, for decoding errors.</summary>
    public string? EncodingName { get; }
}
