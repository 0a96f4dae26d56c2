// ProtoWriter: the few pieces of the protocol-buffers wire format that writing an ONNX model needs —
// varints, 32-bit floats, length-delimited strings/bytes and nested messages — so the core library needs
// no protobuf package. Fields are written in the order the caller gives; repeated scalars unpacked
// (proto2's default, which every parser accepts). Nested messages are built in their own writer and
// copied in with their length, which is fine for files of a few hundred megabytes.
using System.Buffers.Binary;
using System.Text;

namespace Recurrent.Interop;

/// <summary>Writes protocol-buffers messages (wire format only, no schema).</summary>
internal sealed class ProtoWriter
{
    private const int Varint = 0, LengthDelimited = 2, Fixed32 = 5;
    private readonly MemoryStream _buffer = new();

    /// <summary>The bytes written so far.</summary>
    public byte[] ToArray() => _buffer.ToArray();

    /// <summary>Bytes written so far.</summary>
    public long Length => _buffer.Length;

    /// <summary>Copies the message to <paramref name="stream"/>.</summary>
    public void CopyTo(Stream stream)
    {
        _buffer.Position = 0;
        _buffer.CopyTo(stream);
    }

    private void Tag(int field, int wireType) => RawVarint(((ulong)field << 3) | (uint)wireType);

    private void RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }

    /// <summary>An int32/int64/enum/bool field; negative values take ten bytes, as the format specifies.</summary>
    public void Int(int field, long value)
    {
        Tag(field, Varint);
        RawVarint(unchecked((ulong)value));
    }

    /// <summary>A float field (fixed 32-bit little-endian).</summary>
    public void Float(int field, float value)
    {
        Tag(field, Fixed32);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        _buffer.Write(b);
    }

    /// <summary>A bytes field.</summary>
    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        RawVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>A string field (UTF-8).</summary>
    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>An embedded message written by <paramref name="body"/>.</summary>
    public void Message(int field, Action<ProtoWriter> body)
    {
        var inner = new ProtoWriter();
        body(inner);
        Tag(field, LengthDelimited);
        RawVarint((ulong)inner._buffer.Length);
        inner.CopyTo(_buffer);
    }
}
