// OnnxModelSurgery: the two small edits the ResNet18 file needs before ONNX Runtime runs it, done on the protobuf
// wire format (no protobuf package), and the one value read from the preprocessing graph.
//
// 1. The grid as an output. ONNX Runtime returns only graph outputs, and the file's only output is the pooled vector
//    (Pooling395_Output_0, (1, 512, 1, 1), the final AveragePool). The grids are intermediate values: the 7x7 one it
//    pools (ReLU393_Output_0, (1, 512, 7, 7)), found as the input of the pooling node that makes the output, or an
//    earlier one named by ResNet18Grid (ReLU347_Output_0, (1, 256, 14, 14)), which some node must make. The rewrite
//    adds it as a second graph output (GraphProto field 12, a ValueInfoProto {1: name, 2: type}).
// 2. A free batch dimension. The CNTK export fixes every shape's first dimension at 1, and ONNX Runtime refuses a
//    batch of 4 for a declared 1. The rewrite gives the graph inputs and outputs a symbolic first dimension
//    ("batch") and drops the value_info list (GraphProto field 13: optional shape hints for intermediate values, all
//    declared with batch 1); ONNX Runtime infers those shapes itself. The network has no Reshape/Flatten, so
//    nothing else in it fixes the batch.
//
// Everything else is copied byte for byte: the ModelProto's fields other than the graph (field 7) and the
// GraphProto's nodes (1), name (2), initializers (5: the weights, ~63 MB) and the rest. Inputs and outputs are
// re-emitted from what was read (name, element type, dims), which drops only their doc strings.
//
// ReadInitializer reads one float initializer (TensorProto: 1 dims, 2 data_type, 4 float_data, 8 name, 9 raw_data),
// used for the mean image of ResNetPreprocess.onnx.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Recurrent.Vision;

/// <summary>Protobuf-level edits of an ONNX model: grid output, free batch dimension, initializer reading.</summary>
internal static class OnnxModelSurgery
{
    // ModelProto / GraphProto / NodeProto / ValueInfoProto / TypeProto / TensorProto field numbers (onnx.proto).
    private const int ModelGraph = 7;
    private const int GraphNode = 1, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12, GraphValueInfo = 13;
    private const int NodeInput = 1, NodeOutput = 2, NodeOpType = 4;
    private const int ValueInfoName = 1, ValueInfoType = 2;
    private const int TypeTensor = 1, TensorElemType = 1, TensorShape = 2, ShapeDim = 1, DimValue = 1, DimParam = 2;
    private const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorName = 8, TensorRawData = 9;
    private const int OnnxFloat = 1;
    private const int WireVarint = 0, WireFixed64 = 1, WireLength = 2, WireFixed32 = 5;

    /// <summary>A graph input or output: name, element type and dims (null entries are symbolic).</summary>
    internal sealed record ValueInfo(string Name, int ElementType, long?[] Dims);

    /// <summary>The rewritten model and the names of its image input, pooled output and grid output.</summary>
    internal sealed record Rewritten(byte[] Model, string InputName, string PooledName, string GridName);

    /// <summary>
    /// Adds <paramref name="grid"/>'s map (by default the input of the pooling node that makes the single graph output)
    /// as a second output, and makes the first dimension of every graph input and output symbolic.
    /// <paramref name="source"/> names the file in errors.
    /// </summary>
    public static Rewritten AddGridOutputAndFreeBatch(byte[] model, string source, ResNet18Grid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ReadOnlyMemory<byte> graph = default;
        foreach (var f in Fields(model, source)) if (f.Number == ModelGraph && f.Wire == WireLength) graph = f.Bytes;
        if (graph.IsEmpty) throw Bad(source, "the model has no graph (ModelProto field 7)");

        var inputs = new List<ValueInfo>();
        var outputs = new List<ValueInfo>();
        var initializerNames = new HashSet<string>(StringComparer.Ordinal);
        var producers = new Dictionary<string, (string OpType, string FirstInput)>(StringComparer.Ordinal);
        foreach (var f in Fields(graph, source))
        {
            if (f.Wire != WireLength) continue;
            switch (f.Number)
            {
                case GraphInput: inputs.Add(ReadValueInfo(f.Bytes, source)); break;
                case GraphOutput: outputs.Add(ReadValueInfo(f.Bytes, source)); break;
                case GraphInitializer:
                    foreach (var t in Fields(f.Bytes, source))
                        if (t.Number == TensorName && t.Wire == WireLength) initializerNames.Add(Utf8(t.Bytes));
                    break;
                case GraphNode:
                    string opType = "", firstInput = "";
                    var nodeOutputs = new List<string>();
                    foreach (var n in Fields(f.Bytes, source))
                    {
                        if (n.Wire != WireLength) continue;
                        if (n.Number == NodeOpType) opType = Utf8(n.Bytes);
                        else if (n.Number == NodeInput && firstInput.Length == 0) firstInput = Utf8(n.Bytes);
                        else if (n.Number == NodeOutput) nodeOutputs.Add(Utf8(n.Bytes));
                    }
                    foreach (string o in nodeOutputs) producers[o] = (opType, firstInput);
                    break;
            }
        }
        // Graph inputs of IR 3 files may also list the initializers; the image is the one that is not a weight.
        var images = inputs.Where(i => !initializerNames.Contains(i.Name)).ToList();
        if (images.Count != 1) throw Bad(source, $"expected one image input, found {images.Count}");
        if (outputs.Count != 1) throw Bad(source, $"expected one output (the pooled features), found {outputs.Count}");
        ValueInfo pooled = outputs[0];
        if (!producers.TryGetValue(pooled.Name, out var pool) || (pool.OpType != "AveragePool" && pool.OpType != "GlobalAveragePool"))
            throw Bad(source, $"the output '{pooled.Name}' is not made by an average pooling node");
        if (grid.Tensor is not null && !producers.ContainsKey(grid.Tensor))
            throw Bad(source, $"no node makes '{grid.Tensor}', the {grid.Name} grid of the package's ResNet18");
        var gridOutput = new ValueInfo(grid.Tensor ?? pool.FirstInput, OnnxFloat, [null, grid.Channels, grid.Side, grid.Side]);

        var newGraph = new MemoryStream(graph.Length + 256);
        foreach (var f in Fields(graph, source))
        {
            if (f.Wire == WireLength && f.Number is GraphInput or GraphOutput or GraphValueInfo)
            {
                if (f.Number == GraphValueInfo) continue;
                var info = ReadValueInfo(f.Bytes, source);
                bool isImage = f.Number == GraphOutput || info.Name == images[0].Name;
                WriteLengthField(newGraph, f.Number, EncodeValueInfo(isImage ? WithFreeBatch(info) : info));
            }
            else newGraph.Write(f.Raw.Span);
        }
        WriteLengthField(newGraph, GraphOutput, EncodeValueInfo(gridOutput));

        var newModel = new MemoryStream(model.Length + 256);
        foreach (var f in Fields(model, source))
        {
            if (f.Number == ModelGraph && f.Wire == WireLength) WriteLengthField(newModel, ModelGraph, newGraph.ToArray());
            else newModel.Write(f.Raw.Span);
        }
        return new Rewritten(newModel.ToArray(), images[0].Name, pooled.Name, gridOutput.Name);
    }

    /// <summary>The float values of the initializer <paramref name="name"/> of a model, and its dims.</summary>
    public static (long[] Dims, float[] Values) ReadInitializer(byte[] model, string name, string source)
    {
        foreach (var m in Fields(model, source))
        {
            if (m.Number != ModelGraph || m.Wire != WireLength) continue;
            foreach (var g in Fields(m.Bytes, source))
            {
                if (g.Number != GraphInitializer || g.Wire != WireLength) continue;
                var dims = new List<long>();
                string tensorName = "";
                long dataType = 0;
                var values = new List<float>();
                byte[]? raw = null;
                foreach (var t in Fields(g.Bytes, source))
                {
                    switch (t.Number, t.Wire)
                    {
                        case (TensorName, WireLength): tensorName = Utf8(t.Bytes); break;
                        case (TensorDataType, WireVarint): dataType = (long)t.Varint; break;
                        case (TensorDims, WireVarint): dims.Add((long)t.Varint); break;
                        case (TensorDims, WireLength):
                            int at = 0;
                            while (at < t.Bytes.Length) dims.Add((long)ReadVarint(t.Bytes.Span, ref at, source));
                            break;
                        case (TensorFloatData, WireFixed32): values.Add(BinaryPrimitives.ReadSingleLittleEndian(t.Bytes.Span)); break;
                        case (TensorFloatData, WireLength):
                            for (int i = 0; i + 4 <= t.Bytes.Length; i += 4) values.Add(BinaryPrimitives.ReadSingleLittleEndian(t.Bytes.Span[i..]));
                            break;
                        case (TensorRawData, WireLength): raw = t.Bytes.ToArray(); break;
                    }
                }
                if (tensorName != name) continue;
                if (dataType != OnnxFloat) throw Bad(source, $"initializer '{name}' has data type {dataType}, not float");
                float[] data = raw is null ? values.ToArray() : MemoryMarshal.Cast<byte, float>(raw).ToArray();
                if (!BitConverter.IsLittleEndian && raw is not null)
                    for (int i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(4 * i));
                long count = dims.Aggregate(1L, (a, b) => a * b);
                if (count != data.Length) throw Bad(source, $"initializer '{name}' has {data.Length} values for dims ({string.Join(", ", dims)})");
                return (dims.ToArray(), data);
            }
        }
        throw Bad(source, $"no initializer named '{name}'");
    }

    private static ValueInfo WithFreeBatch(ValueInfo info) =>
        info.Dims.Length == 0 ? info : info with { Dims = [null, .. info.Dims[1..]] };

    private static ValueInfo ReadValueInfo(ReadOnlyMemory<byte> bytes, string source)
    {
        string name = "";
        int elementType = 0;
        var dims = new List<long?>();
        foreach (var f in Fields(bytes, source))
        {
            if (f.Number == ValueInfoName && f.Wire == WireLength) name = Utf8(f.Bytes);
            if (f.Number != ValueInfoType || f.Wire != WireLength) continue;
            foreach (var t in Fields(f.Bytes, source))
            {
                if (t.Number != TypeTensor || t.Wire != WireLength) continue;
                foreach (var tensor in Fields(t.Bytes, source))
                {
                    if (tensor.Number == TensorElemType && tensor.Wire == WireVarint) elementType = (int)tensor.Varint;
                    if (tensor.Number != TensorShape || tensor.Wire != WireLength) continue;
                    foreach (var d in Fields(tensor.Bytes, source))
                    {
                        if (d.Number != ShapeDim || d.Wire != WireLength) continue;
                        long? value = null;
                        foreach (var dv in Fields(d.Bytes, source)) if (dv.Number == DimValue && dv.Wire == WireVarint) value = (long)dv.Varint;
                        dims.Add(value);
                    }
                }
            }
        }
        return new ValueInfo(name, elementType, dims.ToArray());
    }

    private static byte[] EncodeValueInfo(ValueInfo info)
    {
        var shape = new MemoryStream();
        foreach (long? d in info.Dims)
        {
            var dim = new MemoryStream();
            if (d is long v) { WriteTag(dim, DimValue, WireVarint); WriteVarint(dim, (ulong)v); }
            else WriteLengthField(dim, DimParam, Encoding.UTF8.GetBytes("batch"));
            WriteLengthField(shape, ShapeDim, dim.ToArray());
        }
        var tensor = new MemoryStream();
        WriteTag(tensor, TensorElemType, WireVarint);
        WriteVarint(tensor, (ulong)info.ElementType);
        WriteLengthField(tensor, TensorShape, shape.ToArray());
        var type = new MemoryStream();
        WriteLengthField(type, TypeTensor, tensor.ToArray());
        var result = new MemoryStream();
        WriteLengthField(result, ValueInfoName, Encoding.UTF8.GetBytes(info.Name));
        WriteLengthField(result, ValueInfoType, type.ToArray());
        return result.ToArray();
    }

    /// <summary>One field of a message: number, wire type, payload (for length-delimited: the bytes; for
    /// varints: the value) and the raw bytes of the whole field (tag included) for verbatim copying.</summary>
    private readonly record struct Field(int Number, int Wire, ulong Varint, ReadOnlyMemory<byte> Bytes, ReadOnlyMemory<byte> Raw);

    private static List<Field> Fields(ReadOnlyMemory<byte> message, string source)
    {
        var fields = new List<Field>();
        ReadOnlySpan<byte> span = message.Span;
        int at = 0;
        while (at < span.Length)
        {
            int start = at;
            ulong key = ReadVarint(span, ref at, source);
            int number = (int)(key >> 3), wire = (int)(key & 7);
            ulong varint = 0;
            ReadOnlyMemory<byte> payload = default;
            switch (wire)
            {
                case WireVarint: varint = ReadVarint(span, ref at, source); break;
                case WireFixed64: payload = Take(message, ref at, 8, source); break;
                case WireFixed32: payload = Take(message, ref at, 4, source); break;
                case WireLength:
                    ulong length = ReadVarint(span, ref at, source);
                    if (length > int.MaxValue) throw Bad(source, $"field {number} claims {length} bytes");
                    payload = Take(message, ref at, (int)length, source);
                    break;
                default: throw Bad(source, $"unsupported wire type {wire} for field {number} at byte {start}");
            }
            fields.Add(new Field(number, wire, varint, payload, message[start..at]));
        }
        return fields;
    }

    private static ReadOnlyMemory<byte> Take(ReadOnlyMemory<byte> message, ref int at, int length, string source)
    {
        if (length > message.Length - at) throw Bad(source, $"a field of {length} bytes at byte {at} runs past the end ({message.Length})");
        var slice = message.Slice(at, length);
        at += length;
        return slice;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int at, string source)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (at >= span.Length) throw Bad(source, "a varint runs past the end of its message");
            byte b = span[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw Bad(source, "a varint is longer than 10 bytes");
    }

    private static void WriteTag(Stream s, int number, int wire) => WriteVarint(s, ((ulong)number << 3) | (uint)wire);

    private static void WriteVarint(Stream s, ulong value)
    {
        while (value >= 0x80) { s.WriteByte((byte)(value | 0x80)); value >>= 7; }
        s.WriteByte((byte)value);
    }

    private static void WriteLengthField(Stream s, int number, byte[] payload)
    {
        WriteTag(s, number, WireLength);
        WriteVarint(s, (ulong)payload.Length);
        s.Write(payload);
    }

    private static string Utf8(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    private static InvalidDataException Bad(string source, string what) =>
        new($"'{source}' is not the ONNX model expected ({what}). Use ResNet18.onnx from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0.");
}
