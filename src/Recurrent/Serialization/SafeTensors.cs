// SafeTensors: reads and writes the safetensors format (Hugging Face): an 8-byte little-endian header
// length, a JSON header mapping tensor names to dtype/shape/byte offsets plus a "__metadata__" map of
// strings, then the raw little-endian tensor bytes. Only float32 ("F32") tensors are used here.
// Reading treats the file as untrusted: every length and offset is checked against the file size before
// anything is allocated, and every problem is reported as an InvalidDataException naming the file.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Recurrent.Serialization;

/// <summary>A float32 tensor read from or written to a safetensors file.</summary>
/// <param name="Name">Tensor name (PyTorch state_dict key).</param>
/// <param name="Shape">Row-major shape.</param>
/// <param name="Data">Values, row-major.</param>
public sealed record NamedTensor(string Name, int[] Shape, float[] Data);

/// <summary>The contents of a safetensors file.</summary>
/// <param name="Tensors">Tensors in file order.</param>
/// <param name="Metadata">The string-to-string <c>__metadata__</c> map.</param>
public sealed record SafeTensorsContent(IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The tensor with this name, or null.</summary>
    public NamedTensor? Find(string name) => Tensors.FirstOrDefault(t => t.Name == name);
}

/// <summary>safetensors reader and writer for float32 tensors.</summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted (the format's own limit is 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Writes tensors and metadata to a stream in safetensors layout (header padded to 8 bytes).</summary>
    public static void Write(Stream stream, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        var header = new MemoryStream();
        using (var w = new Utf8JsonWriter(header))
        {
            w.WriteStartObject();
            w.WriteStartObject("__metadata__");
            foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(k, v);
            w.WriteEndObject();
            long offset = 0;
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var t in tensors)
            {
                if (!names.Add(t.Name)) throw new ArgumentException($"Duplicate tensor name '{t.Name}'.", nameof(tensors));
                long count = t.Shape.Aggregate(1L, (a, b) => a * b);
                if (count != t.Data.Length)
                    throw new ArgumentException($"Tensor '{t.Name}' has {t.Data.Length} values but shape ({string.Join(", ", t.Shape)}).", nameof(tensors));
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (int d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + 4L * count);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += 4L * count;
            }
            w.WriteEndObject();
        }
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
        stream.Write(len);
        header.Position = 0;
        header.CopyTo(stream);
        Span<byte> one = stackalloc byte[4];
        foreach (var t in tensors)
        {
            if (BitConverter.IsLittleEndian) stream.Write(MemoryMarshal.AsBytes(t.Data.AsSpan()));
            else foreach (float f in t.Data) { BinaryPrimitives.WriteSingleLittleEndian(one, f); stream.Write(one); }
        }
    }

    /// <summary>Reads a safetensors file; any malformation raises <see cref="InvalidDataException"/> naming the file.</summary>
    public static SafeTensorsContent Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new FileNotFoundException($"Model file '{path}' does not exist.", path); }
        return Parse(bytes, path);
    }

    /// <summary>Parses safetensors bytes; <paramref name="source"/> names the origin in error messages.</summary>
    public static SafeTensorsContent Parse(ReadOnlySpan<byte> file, string source)
    {
        InvalidDataException Bad(string what) => new($"'{source}' is not a valid model file: {what}. It may be truncated or corrupted; use an intact copy.");
        if (file.Length < 8) throw Bad($"only {file.Length} bytes, shorter than the 8-byte header length");
        ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLen > MaxHeaderBytes || headerLen > (ulong)(file.Length - 8))
            throw Bad($"header length {headerLen} exceeds the file size {file.Length}");
        ReadOnlySpan<byte> headerBytes = file.Slice(8, (int)headerLen);
        ReadOnlySpan<byte> data = file.Slice(8 + (int)headerLen);
        if (!System.Text.Unicode.Utf8.IsValid(headerBytes)) throw Bad("the header is not valid UTF-8");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(headerBytes.ToArray(), new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException e) { throw Bad($"header is not valid JSON ({e.Message})"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad("header is not a JSON object");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<(string Name, int[] Shape, long Begin, long End)>();
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw Bad("__metadata__ is not an object");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String) throw Bad($"metadata '{m.Name}' is not a string");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                var v = prop.Value;
                if (v.ValueKind != JsonValueKind.Object
                    || !v.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
                    || !v.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array
                    || !v.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
                    throw Bad($"tensor '{prop.Name}' lacks dtype, shape or data_offsets");
                if (dtype.GetString() != "F32") throw Bad($"tensor '{prop.Name}' has dtype {dtype.GetString()}; only F32 is supported");
                if (shapeEl.GetArrayLength() > 8) throw Bad($"tensor '{prop.Name}' has {shapeEl.GetArrayLength()} dimensions");
                var shape = new int[shapeEl.GetArrayLength()];
                long count = 1;
                int i = 0;
                foreach (var d in shapeEl.EnumerateArray())
                {
                    if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int n) || n < 0) throw Bad($"tensor '{prop.Name}' has an invalid dimension");
                    shape[i++] = n;
                    count *= n;
                    if (count > data.Length) throw Bad($"tensor '{prop.Name}' is larger than the file");
                }
                long begin = 0, end = 0;
                int j = 0;
                foreach (var o in offEl.EnumerateArray())
                {
                    if (o.ValueKind != JsonValueKind.Number || !o.TryGetInt64(out long x) || x < 0) throw Bad($"tensor '{prop.Name}' has an invalid offset");
                    if (j++ == 0) begin = x; else end = x;
                }
                if (end < begin || end > data.Length) throw Bad($"tensor '{prop.Name}' spans bytes [{begin}, {end}) outside the {data.Length}-byte data section");
                if (end - begin != 4 * count) throw Bad($"tensor '{prop.Name}' has {end - begin} bytes for shape ({string.Join(", ", shape)})");
                entries.Add((prop.Name, shape, begin, end));
            }
            // Tensors must not overlap (the format requires a dense, non-overlapping buffer).
            var sorted = entries.OrderBy(e => e.Begin).ToList();
            for (int k = 1; k < sorted.Count; k++)
                if (sorted[k].Begin < sorted[k - 1].End) throw Bad($"tensors '{sorted[k - 1].Name}' and '{sorted[k].Name}' overlap");
            var tensors = new List<NamedTensor>(entries.Count);
            foreach (var e in entries.OrderBy(e => e.Begin))
            {
                var values = new float[(e.End - e.Begin) / 4];
                ReadOnlySpan<byte> src = data.Slice((int)e.Begin, (int)(e.End - e.Begin));
                if (BitConverter.IsLittleEndian) src.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
                else for (int k = 0; k < values.Length; k++) values[k] = BinaryPrimitives.ReadSingleLittleEndian(src.Slice(4 * k));
                tensors.Add(new NamedTensor(e.Name, e.Shape, values));
            }
            return new SafeTensorsContent(tensors, metadata);
        }
    }
}
