// FeatureCache: image features computed once and kept in a directory (a run directory) as
// image-features.safetensors, through the core's SafeTensors writer and reader. Layout:
//   tensors  "pooled" (N, C) and "grid" (N, R, C) float32, row i = image i (the grid region-major, as ImageFeatures
//            holds it; (N, 512) and (N, 49, 512) for ResNet18Grid.Last);
//   metadata "format" = "recurrent-image-features 1", "model" = the grid's Description, and "images" = a JSON
//            array of {"name", "bytes", "ticks"}: each image's path relative to the images folder ('/' separators),
//            its length in bytes and its last-write time in UTC ticks when it was computed.
// An entry is used only while the image's name, length and last-write time still match (a changed image is
// recomputed) and the grid's description matches (a cache of the other grid is recomputed, not mixed in). A file
// that cannot be read (damaged, another format, model or grid) is ignored, never fatal: everything is recomputed and
// the file rewritten; IgnoredReason says why. Writes are atomic
// (a temporary file in the same directory, then a rename). The reader loads the whole file (up to 2 GB: about
// 20,000 images at 100 KB each with the 7x7 grid, 10,000 with the 14x14).
using System.Text.Json;
using Recurrent.Serialization;

namespace Recurrent.Vision;

/// <summary>What identifies an image's content for the cache: relative name, length, last-write time (UTC ticks).</summary>
/// <param name="Name">Path relative to the images folder, '/' separators.</param>
/// <param name="Bytes">File length.</param>
/// <param name="LastWriteTicks">Last-write time, UTC ticks.</param>
public readonly record struct ImageFileKey(string Name, long Bytes, long LastWriteTicks)
{
    /// <summary>The key of <paramref name="name"/> (relative to <paramref name="imagesDirectory"/>) as the file is now.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static ImageFileKey Of(string imagesDirectory, string name)
    {
        var file = new FileInfo(Path.Combine(imagesDirectory, name));
        if (!file.Exists) throw new FileNotFoundException($"Image '{name}' does not exist in '{imagesDirectory}'.", file.FullName);
        return new ImageFileKey(name.Replace('\\', '/'), file.Length, file.LastWriteTimeUtc.Ticks);
    }
}

/// <summary>Image features cached in <c>image-features.safetensors</c> of a directory.</summary>
public sealed class FeatureCache
{
    /// <summary>The cache file's name.</summary>
    public const string FileName = "image-features.safetensors";
    private const string Format = "recurrent-image-features 1";

    private readonly Dictionary<string, (ImageFileKey Key, ImageFeatures Features)> _entries = new(StringComparer.Ordinal);
    private readonly ResNet18Grid _grid;

    private FeatureCache(string path, ResNet18Grid grid) { FilePath = path; _grid = grid; }

    /// <summary>The cache file (full path).</summary>
    public string FilePath { get; }

    /// <summary>Images held.</summary>
    public int Count => _entries.Count;

    /// <summary>Whether entries were added or replaced since loading.</summary>
    public bool Changed { get; private set; }

    /// <summary>Why an existing cache file was not used (damaged, another format, model or grid); null when it was, or there was none.</summary>
    public string? IgnoredReason { get; private set; }

    /// <summary>Reads the cache of <paramref name="directory"/> for features of <paramref name="grid"/>; an absent or
    /// unreadable file, or one of another grid, gives an empty cache.</summary>
    public static FeatureCache Load(string directory, ResNet18Grid grid)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(grid);
        var cache = new FeatureCache(Path.GetFullPath(Path.Combine(directory, FileName)), grid);
        if (!File.Exists(cache.FilePath)) return cache;
        try { cache.ReadEntries(); }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException or FormatException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            cache._entries.Clear();
            cache.IgnoredReason = e.Message;
        }
        return cache;
    }

    /// <summary>The cached features of an image when its key (name, length, last-write time) still matches.</summary>
    public bool TryGet(ImageFileKey key, out ImageFeatures features)
    {
        if (_entries.TryGetValue(key.Name, out var entry) && entry.Key == key) { features = entry.Features; return true; }
        features = null!;
        return false;
    }

    /// <summary>Adds or replaces an image's features.</summary>
    public void Set(ImageFileKey key, ImageFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Pooled.Length != _grid.Channels || features.Grid.Length != _grid.Regions * _grid.Channels)
            throw new ArgumentException($"Features of '{key.Name}' have {features.Pooled.Length} pooled and {features.Grid.Length} grid values; " +
                $"expected {_grid.Channels} and {_grid.Regions * _grid.Channels} ({_grid.Name} grid).", nameof(features));
        _entries[key.Name] = (key, features);
        Changed = true;
    }

    /// <summary>Writes the cache file (temporary file, then rename), creating the directory if needed.</summary>
    public void Save()
    {
        var entries = _entries.Values.OrderBy(e => e.Key.Name, StringComparer.Ordinal).ToList();
        int n = entries.Count, channels = _grid.Channels, gridSize = _grid.Regions * channels;
        var pooled = new float[n * channels];         // (N, C)
        var grid = new float[(long)n * gridSize];     // (N, R, C)
        for (int i = 0; i < n; i++)
        {
            entries[i].Features.Pooled.CopyTo(pooled, i * channels);
            entries[i].Features.Grid.CopyTo(grid, (long)i * gridSize);
        }
        var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartArray();
            foreach (var (key, _) in entries)
            {
                w.WriteStartObject();
                w.WriteString("name", key.Name);
                w.WriteNumber("bytes", key.Bytes);
                w.WriteNumber("ticks", key.LastWriteTicks);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        string images = System.Text.Encoding.UTF8.GetString(json.ToArray());
        var metadata = new Dictionary<string, string> { ["format"] = Format, ["model"] = _grid.Description, ["images"] = images };
        var tensors = new List<NamedTensor>
        {
            new("pooled", [n, channels], pooled),
            new("grid", [n, _grid.Regions, channels], grid),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        string temporary = FilePath + "." + Environment.ProcessId + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                SafeTensors.Write(stream, tensors, metadata);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, FilePath, overwrite: true);
        }
        finally { if (File.Exists(temporary)) File.Delete(temporary); }
        Changed = false;
    }

    private void ReadEntries()
    {
        var content = SafeTensors.Read(FilePath);
        if (!content.Metadata.TryGetValue("format", out string? format) || format != Format)
            throw new InvalidDataException($"'{FilePath}' is not a {Format} file (format '{format}').");
        if (!content.Metadata.TryGetValue("model", out string? model) || model != _grid.Description)
            throw new InvalidDataException($"'{FilePath}' holds features of another model ('{model}').");
        if (!content.Metadata.TryGetValue("images", out string? imagesJson))
            throw new InvalidDataException($"'{FilePath}' has no image list.");
        var images = new List<ImageFileKey>();
        using (var doc = JsonDocument.Parse(imagesJson))
            foreach (var e in doc.RootElement.EnumerateArray())
                images.Add(new ImageFileKey(e.GetProperty("name").GetString() ?? throw new InvalidDataException($"'{FilePath}': an image has no name."),
                    e.GetProperty("bytes").GetInt64(), e.GetProperty("ticks").GetInt64()));
        var pooled = content.Find("pooled") ?? throw new InvalidDataException($"'{FilePath}' has no 'pooled' tensor.");
        var grid = content.Find("grid") ?? throw new InvalidDataException($"'{FilePath}' has no 'grid' tensor.");
        int n = images.Count, channels = _grid.Channels, gridSize = _grid.Regions * channels;
        if (pooled.Data.Length != n * channels || grid.Data.Length != (long)n * gridSize)
            throw new InvalidDataException($"'{FilePath}': {n} images but tensors of {pooled.Data.Length} and {grid.Data.Length} values.");
        for (int i = 0; i < n; i++)
        {
            var key = images[i];
            _entries[key.Name] = (key, new ImageFeatures(
                pooled.Data.AsSpan(i * channels, channels).ToArray(),
                grid.Data.AsSpan(i * gridSize, gridSize).ToArray()));
        }
    }
}
