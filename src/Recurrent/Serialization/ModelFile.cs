// ModelFile: one file per model or checkpoint — safetensors tensors (parameters under their PyTorch
// state_dict names, plus optimizer moments under "optimizer.<buffer>" in checkpoints) and metadata holding
// the model configuration, the tokenizer, the training state and a SHA-256 checksum over all of it.
// Writes are atomic: a temporary file in the same directory is written, flushed to disk and renamed over
// the target, so an existing file is never left half-written.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Recurrent.Models;
using Recurrent.Optimizers;

namespace Recurrent.Serialization;

/// <summary>What a model file holds.</summary>
/// <param name="Config">The architecture.</param>
/// <param name="Tokenizer">The tokenizer's JSON, or null.</param>
/// <param name="Training">The training state's JSON (checkpoints), or null.</param>
/// <param name="Parameters">Model parameters by state_dict name.</param>
/// <param name="OptimizerState">Optimizer buffers (name without the "optimizer." prefix), empty for plain models.</param>
/// <param name="OptimizerSteps">The optimizer's step count (0 for plain models).</param>
public sealed record ModelFileContent(ModelConfig Config, string? Tokenizer, string? Training,
    IReadOnlyList<NamedTensor> Parameters, IReadOnlyList<NamedTensor> OptimizerState, long OptimizerSteps);

/// <summary>Saves and loads models and checkpoints.</summary>
public static partial class ModelFile
{
    /// <summary>Value of the "format" metadata entry.</summary>
    public const string FormatName = "recurrent";
    /// <summary>
    /// Version written by this build; files with a larger version are refused. 2: a checkpoint's "training" entry is
    /// the fit loop's state (every kind of model) and task models carry the typed task description; version-1 files
    /// read as models, and their language-model-only training state is refused for --resume with the way on.
    /// </summary>
    public const int FormatVersion = 2;
    private const string OptimizerPrefix = "optimizer.";

    /// <summary>
    /// Test hook (fault injection, per async flow): wraps the temporary file's stream in WriteAtomically, e.g. to
    /// make it fail with "No space left on device" part-way, as a full disk does.
    /// </summary>
    internal static readonly AsyncLocal<Func<Stream, Stream>?> WriteStreamWrapper = new();

    /// <summary>JSON options used for the configuration (enums as names).</summary>
    public static readonly JsonSerializerOptions JsonOptions = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>
    /// Writes <paramref name="model"/> (and optionally tokenizer, training state and optimizer) atomically to
    /// <paramref name="path"/>. <paramref name="extraMetadata"/> adds entries of its own (e.g. a task's labels
    /// under "task"); their keys must not be ones this format uses.
    /// </summary>
    public static void Save(string path, SequenceModel<float> model, string? tokenizerJson = null, string? trainingJson = null,
        Optimizer<float>? optimizer = null, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Write(path, model.Config, model.Parameters, extraMetadata, tokenizerJson, trainingJson, optimizer);
    }

    /// <summary>
    /// The one writer of model files: the parameters of <paramref name="parameters"/> under their names,
    /// <paramref name="config"/> as the "config" entry, the optional tokenizer, training state and optimizer moments,
    /// and every entry of <paramref name="extraMetadata"/> (a task description under "task"; keys must not be ones this
    /// format uses), atomically and with the checksum that <see cref="Read"/> verifies.
    /// </summary>
    public static void Write(string path, ModelConfig config, Tensors.ParameterStore<float> parameters,
        IReadOnlyDictionary<string, string>? extraMetadata = null, string? tokenizerJson = null, string? trainingJson = null,
        Optimizer<float>? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parameters);
        var tensors = new List<NamedTensor>();
        foreach (var p in parameters.Parameters)
            tensors.Add(new NamedTensor(p.Name, p.Shape, parameters.Value(p).ToArray()));
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FormatName,
            ["format_version"] = FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["config"] = JsonSerializer.Serialize(config, JsonOptions),
        };
        foreach (var (key, value) in extraMetadata ?? new Dictionary<string, string>())
            if (!metadata.TryAdd(key, value) || key is "tokenizer" or "training" or "optimizer" or "optimizer_steps" or "sha256")
                throw new ArgumentException($"The metadata key '{key}' is reserved by the model file format.", nameof(extraMetadata));
        if (tokenizerJson is not null) metadata["tokenizer"] = tokenizerJson;
        if (trainingJson is not null) metadata["training"] = trainingJson;
        if (optimizer is not null)
        {
            metadata["optimizer"] = optimizer.GetType().Name.Split('`')[0];
            metadata["optimizer_steps"] = optimizer.StepCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (name, buffer) in optimizer.State)
                tensors.Add(new NamedTensor(OptimizerPrefix + name, [buffer.Length], (float[])buffer.Clone()));
        }
        metadata["sha256"] = Checksum(tensors, metadata);
        WriteAtomically(path, stream => SafeTensors.Write(stream, tensors, metadata));
    }

    /// <summary>Reads and verifies a model file (format, version, checksum).</summary>
    public static ModelFileContent Read(string path) => Verify(SafeTensors.Read(path), path);

    /// <summary>Parses and verifies model-file bytes; <paramref name="source"/> names them in messages.</summary>
    internal static ModelFileContent Parse(ReadOnlySpan<byte> bytes, string source) => Verify(SafeTensors.Parse(bytes, source), source);

    private static ModelFileContent Verify(SafeTensorsContent content, string path)
    {
        var meta = content.Metadata;
        InvalidDataException Bad(string what) => new($"'{path}' is not a usable model file: {what}.");
        if (!meta.TryGetValue("format", out var format) || format != FormatName)
            throw Bad("it was not written by Recurrent (no 'format: recurrent' metadata)");
        if (!meta.TryGetValue("format_version", out var vText) || !int.TryParse(vText, out int version))
            throw Bad("its format version is missing");
        if (version > FormatVersion)
            throw Bad($"it has format version {version}, newer than this build's {FormatVersion}; update Recurrent to read it");
        if (!meta.TryGetValue("sha256", out var stored) || stored != Checksum(content.Tensors, meta))
            throw Bad("its checksum does not match its contents (the file is corrupted or was edited); use an intact copy");
        ModelConfig config;
        try { config = JsonSerializer.Deserialize<ModelConfig>(meta["config"], JsonOptions) ?? throw Bad("the configuration is empty"); }
        catch (Exception e) when (e is JsonException or KeyNotFoundException) { throw Bad($"the configuration cannot be read ({e.Message})"); }
        long steps = meta.TryGetValue("optimizer_steps", out var s) && long.TryParse(s, out long n) ? n : 0;
        return new ModelFileContent(config, meta.GetValueOrDefault("tokenizer"), meta.GetValueOrDefault("training"),
            content.Tensors.Where(t => !t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)).ToList(),
            content.Tensors.Where(t => t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
                .Select(t => t with { Name = t.Name[OptimizerPrefix.Length..] }).ToList(),
            steps);
    }

    /// <summary>Builds the model described by <paramref name="content"/> and loads its parameters (names and shapes must match exactly).</summary>
    public static SequenceModel<float> CreateModel(ModelFileContent content, string source)
    {
        ArgumentNullException.ThrowIfNull(content);
        // The configuration is untrusted: check the parameter count it implies against the tensors actually in the
        // file before anything is allocated by it (a forged "hidden_size": 1000000 must not allocate terabytes).
        long inFile = 0;
        foreach (var t in content.Parameters) inFile += t.Data.Length;
        Int128 needed = ParameterCount(content.Config);
        if (needed != inFile)
            throw new InvalidDataException($"'{source}': its configuration needs {needed} parameter values but the file holds {inFile}; " +
                "the configuration or the tensors were changed. Use an intact copy.");
        SequenceModel<float> model;
        try { model = new SequenceModel<float>(content.Config, seed: 0); }
        catch (ArgumentException e) { throw new InvalidDataException($"'{source}' holds an impossible configuration: {e.Message}"); }
        LoadParameters(model, content.Parameters, source);
        return model;
    }

    /// <summary>Number of parameter values a model of <paramref name="config"/> has; see <see cref="ModelMemory.ParameterCount"/>.</summary>
    internal static Int128 ParameterCount(ModelConfig config) => ModelMemory.ParameterCount(config);

    /// <summary>Copies tensors into the model's parameters; every parameter must be present with its exact shape.</summary>
    public static void LoadParameters(SequenceModel<float> model, IReadOnlyList<NamedTensor> tensors, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var p in model.Parameters.Parameters)
        {
            if (!byName.TryGetValue(p.Name, out var t))
                throw new InvalidDataException($"'{source}' has no tensor '{p.Name}' {p.ShapeText}, which the model needs.");
            if (!t.Shape.SequenceEqual(p.Shape))
                throw new InvalidDataException($"'{source}': tensor '{p.Name}' has shape ({string.Join(", ", t.Shape)}); the model needs {p.ShapeText}.");
            t.Data.CopyTo(model.Parameters.Value(p));
        }
        var extra = byName.Keys.Where(k => !model.Parameters.Contains(k)).ToList();
        if (extra.Count > 0)
            throw new InvalidDataException($"'{source}' has tensors the model does not use: {string.Join(", ", extra)}.");
    }

    /// <summary>Restores optimizer buffers and step count saved by <see cref="Save"/>.</summary>
    public static void LoadOptimizer(Optimizer<float> optimizer, ModelFileContent content, string source)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        foreach (var (name, buffer) in optimizer.State)
        {
            var t = content.OptimizerState.FirstOrDefault(x => x.Name == name)
                ?? throw new InvalidDataException($"'{source}' has no optimizer buffer '{name}'; it was saved with another optimizer.");
            if (t.Data.Length != buffer.Length)
                throw new InvalidDataException($"'{source}': optimizer buffer '{name}' has {t.Data.Length} values; expected {buffer.Length}.");
            t.Data.CopyTo(buffer, 0);
        }
        optimizer.RestoreStepCount(content.OptimizerSteps);
    }

    // SHA-256 over every tensor (name, shape, bytes) and every metadata entry except the checksum itself.
    internal static string Checksum(IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (k, v) in metadata.Where(kv => kv.Key != "sha256").OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sha.AppendData(Encoding.UTF8.GetBytes($"{k}\u0000{v}\u0000"));
        foreach (var t in tensors)
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{t.Name}\u0000{string.Join(",", t.Shape)}\u0000"));
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Data.AsSpan()));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>
    /// Writes through <paramref name="write"/> to a temporary file next to <paramref name="path"/>, flushes it to
    /// disk and renames it over <paramref name="path"/>; on any failure the temporary file is removed and the
    /// previous file is untouched. A path under /dev/ (/dev/null, /dev/stdout) is written directly: renaming over
    /// it would replace the device with a regular file (and as root that succeeds).
    /// </summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        if (IsDevicePath(full))
        {
            using var device = new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            write(device);
            device.Flush();
            return;
        }
        string dir = Path.GetDirectoryName(full)!;
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}");
        try
        {
            using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Stream target = WriteStreamWrapper.Value?.Invoke(fs) ?? fs;
                write(target);
                target.Flush();
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (e is IOException or UnauthorizedAccessException)
                throw new IOException($"Could not write '{full}': {e.Message} Check that the directory exists, is writable and has free space; the previous file (if any) is unchanged.", e);
            throw;
        }
    }

    /// <summary>True for paths of devices (under /dev/ on Unix), which must be written in place, never replaced.</summary>
    internal static bool IsDevicePath(string fullPath) =>
        !OperatingSystem.IsWindows() && fullPath.StartsWith("/dev/", StringComparison.Ordinal) && File.Exists(fullPath);
}
