// ByteTokenizer: the 256 byte values of the UTF-8 encoding. Any text encodes, nothing is unknown, and the
// vocabulary needs no corpus; a character may take several tokens, so decoding streams through UTF-8.
using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Recurrent.Data;

/// <summary>Token i is the byte value i of the text's UTF-8 encoding (256 tokens).</summary>
public sealed class ByteTokenizer : Tokenizer
{
    private static readonly ReadOnlyMemory<byte>[] Bytes = CreateBytes();

    /// <summary>The tokenizer (it has no state).</summary>
    public static ByteTokenizer Instance { get; } = new();

    private ByteTokenizer() { }

    /// <inheritdoc/>
    public override string Kind => TokenizerKinds.Byte;

    /// <inheritdoc/>
    public override int VocabularySize => 256;

    /// <inheritdoc/>
    public override string Decode(ReadOnlySpan<int> ids)
    {
        byte[] bytes = new byte[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            CheckId(ids[i]);
            bytes[i] = (byte)ids[i];
        }
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>ASCII bytes as their character; bytes 0x80..0xFF (parts of longer characters) as <c>&lt;0xE2&gt;</c>.</summary>
    public override string TokenText(int id)
    {
        CheckId(id);
        return id < 0x80 ? ((char)id).ToString() : $"<0x{id:X2}>";
    }

    /// <inheritdoc/>
    public override StreamDecoder CreateStreamDecoder() => new Utf8StreamDecoder(this, id => Bytes[id]);

    internal override int EncodePrefix(ReadOnlySpan<char> text, bool final, List<int> output, long position)
    {
        Span<byte> buffer = stackalloc byte[1024];
        int consumed = 0;
        while (consumed < text.Length)
        {
            // Unpaired surrogates become U+FFFD (EF BF BD), as Encoding.UTF8.GetBytes does.
            OperationStatus status = Utf8.FromUtf16(text[consumed..], buffer, out int read, out int written,
                replaceInvalidSequences: true, isFinalBlock: final);
            for (int i = 0; i < written; i++) output.Add(buffer[i]);
            consumed += read;
            if (status == OperationStatus.NeedMoreData || read == 0) break; // a trailing high surrogate waits
        }
        return consumed;
    }

    private protected override void WriteJson(Utf8JsonWriter writer) { }

    private static ReadOnlyMemory<byte>[] CreateBytes()
    {
        var result = new ReadOnlyMemory<byte>[256];
        for (int i = 0; i < 256; i++) result[i] = new[] { (byte)i };
        return result;
    }
}
