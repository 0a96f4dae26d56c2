// StreamDecoder: turns generated token ids into text one id at a time, returning only text that is complete.
// Byte-level tokens (byte, bpe) may end in the middle of a UTF-8 character; their bytes wait in a UTF-8
// decoder until the character is whole. Feeding every id and then Flush gives exactly Decode(ids).
using System.Text;

namespace Recurrent.Data;

/// <summary>
/// Incremental decoding for streamed generation: <see cref="Push(int)"/> one id, print what it returns; call
/// <see cref="Flush()"/> at the end. The concatenation of all returned strings equals <see cref="Tokenizer.Decode"/>
/// of the same ids. Not thread-safe.
/// </summary>
public abstract class StreamDecoder
{
    private protected StreamDecoder() { }

    /// <summary>Adds one id; returns the text completed by it (often empty for byte-level tokens).</summary>
    public abstract string Push(int id);

    /// <summary>Adds one id and writes the text completed by it to <paramref name="output"/> (no string is allocated).</summary>
    public abstract void Push(int id, TextWriter output);

    /// <summary>Returns any text still held back (an incomplete UTF-8 sequence becomes U+FFFD) and resets.</summary>
    public abstract string Flush();

    /// <summary>Writes any text still held back to <paramref name="output"/> and resets.</summary>
    public void Flush(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Flush());
    }

    /// <summary>Drops any held-back bytes and starts over.</summary>
    public abstract void Reset();
}

/// <summary>For tokenizers whose tokens are whole strings (char, word): each id gives its text at once.</summary>
internal sealed class TextStreamDecoder(Tokenizer tokenizer, Func<int, string> text) : StreamDecoder
{
    public override string Push(int id)
    {
        if ((uint)id >= (uint)tokenizer.VocabularySize)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside the {tokenizer.Kind} vocabulary [0, {tokenizer.VocabularySize}).");
        return text(id);
    }

    public override void Push(int id, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Push(id));
    }

    public override string Flush() => "";

    public override void Reset() { }
}

/// <summary>For tokenizers whose tokens are byte strings (byte, bpe): bytes go through a UTF-8 decoder.</summary>
internal sealed class Utf8StreamDecoder : StreamDecoder
{
    private readonly Tokenizer _tokenizer;
    private readonly Func<int, ReadOnlyMemory<byte>> _bytes;
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder(); // replacement fallback, as Encoding.UTF8.GetString
    private char[] _chars = new char[64];

    public Utf8StreamDecoder(Tokenizer tokenizer, Func<int, ReadOnlyMemory<byte>> bytes)
    {
        _tokenizer = tokenizer;
        _bytes = bytes;
    }

    public override string Push(int id)
    {
        if ((uint)id >= (uint)_tokenizer.VocabularySize)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside the {_tokenizer.Kind} vocabulary [0, {_tokenizer.VocabularySize}).");
        return Convert(_bytes(id).Span, flush: false);
    }

    public override void Push(int id, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if ((uint)id >= (uint)_tokenizer.VocabularySize)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside the {_tokenizer.Kind} vocabulary [0, {_tokenizer.VocabularySize}).");
        output.Write(_chars, 0, Decode(_bytes(id).Span, flush: false));
    }

    public override string Flush() => Convert([], flush: true);

    public override void Reset() => _decoder.Reset();

    private string Convert(ReadOnlySpan<byte> bytes, bool flush)
    {
        int written = Decode(bytes, flush);
        return written == 0 ? "" : new string(_chars, 0, written);
    }

    /// <summary>Decodes into _chars; returns the number of chars written.</summary>
    private int Decode(ReadOnlySpan<byte> bytes, bool flush)
    {
        int needed = bytes.Length + 4; // leftover bytes of an earlier call can add at most a surrogate pair
        if (_chars.Length < needed) _chars = new char[Math.Max(needed, 2 * _chars.Length)];
        return _decoder.GetChars(bytes, _chars, flush);
    }
}
