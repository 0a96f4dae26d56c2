// OnnxGraph: builds an ONNX ModelProto (onnx/onnx.proto, IR version 7) from nodes, initializers and typed
// graph inputs/outputs, and serialises it with ProtoWriter. Only what the exporter uses is here: float and
// int64 tensors stored as raw little-endian bytes, int/float/string/ints attributes, symbolic dimensions.
// Field numbers are those of onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
// ValueInfoProto, TypeProto, TensorShapeProto).
using System.Runtime.InteropServices;

namespace Recurrent.Interop;

/// <summary>An ONNX node attribute (one of int, float, string, floats, ints, strings).</summary>
internal sealed record OnnxAttribute(string Name, long? Int = null, float? Float = null, string? Text = null,
    long[]? Ints = null, string[]? Texts = null, float[]? Floats = null)
{
    public static OnnxAttribute Of(string name, long value) => new(name, Int: value);
    public static OnnxAttribute Of(string name, string value) => new(name, Text: value);
    public static OnnxAttribute Of(string name, params long[] values) => new(name, Ints: values);
    public static OnnxAttribute Of(string name, params string[] values) => new(name, Texts: values);
    public static OnnxAttribute Of(string name, params float[] values) => new(name, Floats: values);

    // AttributeProto: name=1 f=2 i=3 s=4 floats=7 ints=8 strings=9 type=20 (FLOAT=1 INT=2 STRING=3 FLOATS=6 INTS=7 STRINGS=8).
    public void Write(ProtoWriter w)
    {
        w.String(1, Name);
        if (Float is float f) { w.Float(2, f); w.Int(20, 1); }
        else if (Int is long i) { w.Int(3, i); w.Int(20, 2); }
        else if (Text is string s) { w.String(4, s); w.Int(20, 3); }
        else if (Ints is long[] ints) { foreach (long v in ints) w.Int(8, v); w.Int(20, 7); }
        else if (Texts is string[] texts) { foreach (string v in texts) w.String(9, v); w.Int(20, 8); }
        else if (Floats is float[] floats) { foreach (float v in floats) w.Float(7, v); w.Int(20, 6); }
        else throw new InvalidOperationException($"Attribute '{Name}' has no value.");
    }
}

/// <summary>Collects an ONNX graph and writes the model file bytes.</summary>
internal sealed class OnnxGraph
{
    /// <summary>TensorProto.DataType values used here (UInt16 and Bool only as graph input/output types).</summary>
    public const int Float32 = 1, UInt16 = 4, Int64 = 7, Bool = 9;

    private readonly List<Action<ProtoWriter>> _nodes = new();
    private readonly List<Action<ProtoWriter>> _initializers = new();
    private readonly List<Action<ProtoWriter>> _inputs = new();
    private readonly List<Action<ProtoWriter>> _outputs = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _nodeCount;

    /// <summary>Adds a node (standard domain) and returns its first output name.</summary>
    public string Node(string opType, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
    {
        string name = $"{opType}_{_nodeCount++}";
        _nodes.Add(w =>
        {
            foreach (string i in inputs) w.String(1, i);
            foreach (string o in outputs) w.String(2, o);
            w.String(3, name);
            w.String(4, opType);
            foreach (var a in attributes) w.Message(5, a.Write);
        });
        return outputs[0];
    }

    /// <summary>Adds a float32 initializer (constant tensor) and returns its name.</summary>
    public string Initializer(string name, long[] dims, float[] data)
    {
        Check(name, dims, data.Length);
        _initializers.Add(w => Tensor(w, name, dims, Float32, MemoryMarshal.AsBytes(data.AsSpan())));
        return name;
    }

    /// <summary>Adds an int64 initializer and returns its name.</summary>
    public string Initializer(string name, long[] dims, long[] data)
    {
        Check(name, dims, data.Length);
        _initializers.Add(w => Tensor(w, name, dims, Int64, MemoryMarshal.AsBytes(data.AsSpan())));
        return name;
    }

    private void Check(string name, long[] dims, int length)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"Duplicate initializer '{name}'.");
        if (dims.Aggregate(1L, (a, b) => a * b) != length) throw new InvalidOperationException($"Initializer '{name}' has {length} values for its shape.");
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX export writes raw little-endian tensors; this machine is big-endian.");
    }

    // TensorProto: dims=1 data_type=2 name=8 raw_data=9.
    private static void Tensor(ProtoWriter w, string name, long[] dims, int type, ReadOnlySpan<byte> raw)
    {
        foreach (long d in dims) w.Int(1, d);
        w.Int(2, type);
        w.String(8, name);
        w.Bytes(9, raw);
    }

    /// <summary>Declares a graph input; each dimension is an int (fixed) or a string (symbolic, e.g. "batch").</summary>
    public void Input(string name, int elementType, params object[] dims) => _inputs.Add(w => ValueInfo(w, name, elementType, dims));

    /// <summary>Declares a graph output.</summary>
    public void Output(string name, int elementType, params object[] dims) => _outputs.Add(w => ValueInfo(w, name, elementType, dims));

    // ValueInfoProto: name=1 type=2; TypeProto.tensor_type=1; Tensor: elem_type=1 shape=2;
    // TensorShapeProto.dim=1; Dimension: dim_value=1 dim_param=2.
    private static void ValueInfo(ProtoWriter w, string name, int elementType, object[] dims)
    {
        w.String(1, name);
        w.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Int(1, elementType);
            tensor.Message(2, shape =>
            {
                foreach (object d in dims)
                    shape.Message(1, dim =>
                    {
                        if (d is string param) dim.String(2, param);
                        else dim.Int(1, Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture));
                    });
            });
        }));
    }

    /// <summary>
    /// The ModelProto bytes: ir_version=1, producer_name=2, producer_version=3, doc_string=6, graph=7,
    /// opset_import=8 (domain "" at <paramref name="opset"/>), metadata_props=14.
    /// </summary>
    public byte[] ToModel(string graphName, int irVersion, int opset, string producer, string producerVersion,
        string docString, IReadOnlyDictionary<string, string> metadata)
    {
        var m = new ProtoWriter();
        m.Int(1, irVersion);
        m.String(2, producer);
        m.String(3, producerVersion);
        m.String(6, docString);
        m.Message(7, g =>
        {
            foreach (var n in _nodes) g.Message(1, n);
            g.String(2, graphName);
            foreach (var t in _initializers) g.Message(5, t);
            foreach (var i in _inputs) g.Message(11, i);
            foreach (var o in _outputs) g.Message(12, o);
        });
        m.Message(8, op => { op.String(1, ""); op.Int(2, opset); });
        foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            m.Message(14, e => { e.String(1, k); e.String(2, v); });
        return m.ToArray();
    }
}
