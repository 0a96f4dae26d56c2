// ProtoWriterTests: the protobuf wire format written for ONNX files, byte for byte against the encoding rules
// (https://protobuf.dev/programming-guides/encoding/): varints, ten-byte negatives, fixed32 floats, strings,
// nested messages with their length, and an ONNX attribute as onnx.proto numbers it.
using Recurrent.Interop;

namespace Recurrent.Tests.Interop;

public sealed class ProtoWriterTests
{
    private static byte[] Write(Action<ProtoWriter> body)
    {
        var w = new ProtoWriter();
        body(w);
        return w.ToArray();
    }

    [Fact]
    public void Varints_FollowTheWireFormat()
    {
        Assert.Equal(new byte[] { 0x08, 0x96, 0x01 }, Write(w => w.Int(1, 150)));          // the guide's example
        Assert.Equal(new byte[] { 0x08, 0x00 }, Write(w => w.Int(1, 0)));
        Assert.Equal(new byte[] { 0x08, 0x7F }, Write(w => w.Int(1, 127)));
        Assert.Equal(new byte[] { 0x08, 0x80, 0x01 }, Write(w => w.Int(1, 128)));
        Assert.Equal(new byte[] { 0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, Write(w => w.Int(3, -1)));
        Assert.Equal(new byte[] { 0xA0, 0x01, 0x07 }, Write(w => w.Int(20, 7)));            // field 20: two-byte tag
    }

    [Fact]
    public void FloatsStringsAndMessages_AreLengthDelimitedOrFixed()
    {
        Assert.Equal(new byte[] { 0x15, 0x00, 0x00, 0x80, 0x3F }, Write(w => w.Float(2, 1f)));
        Assert.Equal(new byte[] { 0x12, 0x07, (byte)'t', (byte)'e', (byte)'s', (byte)'t', (byte)'i', (byte)'n', (byte)'g' }, Write(w => w.String(2, "testing")));
        Assert.Equal(new byte[] { 0x1A, 0x03, 0x08, 0x96, 0x01 }, Write(w => w.Message(3, m => m.Int(1, 150))));
        var big = new byte[300];
        byte[] bytes = Write(w => w.Bytes(9, big));
        Assert.Equal(new byte[] { 0x4A, 0xAC, 0x02 }, bytes[..3]);   // length 300 as a varint
        Assert.Equal(303, bytes.Length);
    }

    [Fact]
    public void OnnxAttribute_WritesNameValueAndType()
    {
        // AttributeProto { name: "axis" (1), i: -1 (3), type: INT = 2 (20) }
        byte[] expected = [0x0A, 0x04, (byte)'a', (byte)'x', (byte)'i', (byte)'s', 0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0xA0, 0x01, 0x02];
        Assert.Equal(expected, Write(OnnxAttribute.Of("axis", -1L).Write));
        // ints are repeated unpacked varints (field 8), type INTS = 7
        byte[] perm = Write(OnnxAttribute.Of("perm", 0L, 2L).Write);
        Assert.Equal(new byte[] { 0x40, 0x00, 0x40, 0x02, 0xA0, 0x01, 0x07 }, perm[6..]);
    }
}
