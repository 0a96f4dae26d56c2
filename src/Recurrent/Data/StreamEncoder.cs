// StreamEncoder: encodes text that arrives in pieces (corpus chunks) and gives exactly the ids of encoding the
// whole text at once. Text whose tokens could still change with what follows (a word cut in half, a BPE
// pre-token, a high surrogate) is held back until the next piece or Complete.
namespace Recurrent.Data;

/// <summary>
/// Incremental encoding of a long text given in pieces; the ids equal <see cref="Tokenizer.Encode(string)"/> of
/// the concatenated pieces. Created by <see cref="Tokenizer.CreateStreamEncoder"/>. Not thread-safe.
/// </summary>
public sealed class StreamEncoder
{
    private readonly Tokenizer _tokenizer;
    private readonly PendingText _pending = new();
    private long _position;

    internal StreamEncoder(Tokenizer tokenizer) => _tokenizer = tokenizer;

    /// <summary>Characters (Unicode scalar values) encoded so far.</summary>
    public long CharactersEncoded => _position;

    /// <summary>Adds a piece of text and appends the ids that are now certain to <paramref name="output"/>.</summary>
    public void Append(ReadOnlySpan<char> text, List<int> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _pending.Append(text);
        Encode(final: false, output);
    }

    /// <summary>Encodes whatever is held back (end of text) and starts over for a new text.</summary>
    public void Complete(List<int> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Encode(final: true, output);
        _position = 0;
    }

    private void Encode(bool final, List<int> output)
    {
        ReadOnlySpan<char> text = _pending.Span;
        int consumed = _tokenizer.EncodePrefix(text, final, output, _position);
        _position += PendingText.CountScalars(text[..consumed]);
        _pending.Consume(consumed);
    }
}

/// <summary>A growable char buffer: append at the end, consume from the front.</summary>
internal sealed class PendingText
{
    private char[] _buffer = new char[256];
    private int _length;

    public ReadOnlySpan<char> Span => _buffer.AsSpan(0, _length);

    public void Append(ReadOnlySpan<char> text)
    {
        if (_length + text.Length > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_length + text.Length, 2 * _buffer.Length));
        text.CopyTo(_buffer.AsSpan(_length));
        _length += text.Length;
    }

    public void Consume(int count)
    {
        _buffer.AsSpan(count, _length - count).CopyTo(_buffer);
        _length -= count;
    }

    /// <summary>Unicode scalar values in <paramref name="text"/>: a surrogate pair counts once, a lone surrogate once.</summary>
    public static long CountScalars(ReadOnlySpan<char> text)
    {
        long count = text.Length;
        for (int i = 1; i < text.Length; i++)
            if (char.IsLowSurrogate(text[i]) && char.IsHighSurrogate(text[i - 1])) count--;
        return count;
    }
}
