// ModelFileTasks: model files for task models (forecasting, seq2seq, ...) — the same safetensors file with the
// same checksum and atomic write as ModelFile.Save, written from any ParameterStore (so composed models such
// as an encoder–decoder can be saved) with extra metadata entries: "task" names the task and a task key
// (e.g. "forecast", "seq2seq") holds what the task needs besides the weights (normalization, vocabulary...).
// The "config" entry is still a ModelConfig, so every model file reads the same way.
using System.Text.Json;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.Serialization;

public static partial class ModelFile
{
    /// <summary>Metadata key naming the task a model was trained for ("forecast", "seq2seq", ...); absent for language models.</summary>
    public const string TaskKey = "task";

    /// <summary>
    /// Writes the parameters in <paramref name="parameters"/> under their names, <paramref name="config"/> as the
    /// "config" entry and every entry of <paramref name="extraMetadata"/> (keys must not clash with the standard
    /// ones), atomically and with the checksum that <see cref="Read"/> verifies (ModelFile.Save is the form for a plain SequenceModel).
    /// </summary>
    public static void SaveTask(string path, ModelConfig config, ParameterStore<float> parameters,
        IReadOnlyDictionary<string, string> extraMetadata, string? tokenizerJson = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(extraMetadata);
        var tensors = new List<NamedTensor>();
        foreach (var p in parameters.Parameters)
            tensors.Add(new NamedTensor(p.Name, p.Shape, parameters.Value(p).ToArray()));
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FormatName,
            ["format_version"] = FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["config"] = JsonSerializer.Serialize(config, JsonOptions),
        };
        if (tokenizerJson is not null) metadata["tokenizer"] = tokenizerJson;
        foreach (var (key, value) in extraMetadata)
        {
            if (metadata.ContainsKey(key) || key is "sha256" or "training" or "optimizer" or "optimizer_steps")
                throw new ArgumentException($"Metadata key '{key}' is reserved by the model file format.", nameof(extraMetadata));
            metadata[key] = value;
        }
        metadata["sha256"] = Checksum(tensors, metadata);
        WriteAtomically(path, stream => SafeTensors.Write(stream, tensors, metadata));
    }

    /// <summary>Reads and verifies a model file as <see cref="Read"/> does and also returns all its metadata entries.</summary>
    public static (ModelFileContent Content, IReadOnlyDictionary<string, string> Metadata) ReadWithMetadata(string path)
    {
        ModelFileContent content = Read(path);
        return (content, SafeTensors.Read(path).Metadata);
    }

    /// <summary>
    /// The "task" entry of a model file's metadata, or null for a file without one (a language model). Reads only
    /// the safetensors header; a file whose header cannot be read also gives null, and the full read that follows
    /// reports what is wrong with it.
    /// </summary>
    public static string? ReadTask(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            Span<byte> lengthBytes = stackalloc byte[8];
            if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8) return null;
            ulong length = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (length > SafeTensors.MaxHeaderBytes || length > (ulong)(stream.Length - 8)) return null;
            var header = new byte[(int)length];
            stream.ReadExactly(header);
            using var doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("__metadata__", out var meta) && meta.ValueKind == JsonValueKind.Object
                && meta.TryGetProperty(TaskKey, out var task) && task.ValueKind == JsonValueKind.String ? task.GetString() : null;
        }
        catch (JsonException) { return null; }
    }

    /// <summary>Copies tensors into a parameter store; every parameter must be present with its exact shape and nothing extra.</summary>
    public static void LoadParameters(ParameterStore<float> store, IReadOnlyList<NamedTensor> tensors, string source)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(tensors);
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var p in store.Parameters)
        {
            if (!byName.TryGetValue(p.Name, out var t))
                throw new InvalidDataException($"'{source}' has no tensor '{p.Name}' {p.ShapeText}, which the model needs.");
            if (!t.Shape.SequenceEqual(p.Shape))
                throw new InvalidDataException($"'{source}': tensor '{p.Name}' has shape ({string.Join(", ", t.Shape)}); the model needs {p.ShapeText}.");
            t.Data.CopyTo(store.Value(p));
        }
        var extra = byName.Keys.Where(k => !store.Contains(k)).ToList();
        if (extra.Count > 0)
            throw new InvalidDataException($"'{source}' has tensors the model does not use: {string.Join(", ", extra)}.");
    }
}
