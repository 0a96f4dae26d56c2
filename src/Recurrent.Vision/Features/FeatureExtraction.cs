// FeatureExtraction: features for many images, the way a run needs them. ForImages and ForCaptionImages read what
// the run directory's FeatureCache holds, decode and compute the rest in batches of ResNet18Features.MaxBatch
// (decoded bitmaps live for one batch only), and write the cache back when anything changed.
//
// Unreadable images: for training (ForImages, ForCaptionImages) an image that fails to decode is REFUSED — after
// the readable ones have been computed and cached, so a rerun after the fix computes only what was missing — with
// one InvalidDataException giving the number of unreadable images and the first few with their reasons (and, from
// ForCaptionImages, the first caption line that names each). For prediction over a folder (ComputeFolder) they are
// skipped and listed, with the non-image files, in the caller's skipped list; nothing is cached.
using SkiaSharp;

namespace Recurrent.Vision;

/// <summary>Image features for a set of images, through the feature cache, or for a whole folder.</summary>
public static class FeatureExtraction
{
    /// <summary>Most unreadable images named in the error message.</summary>
    public const int UnreadableShown = 5;

    /// <summary>
    /// Features for each image (names relative to <paramref name="imagesDirectory"/>), reading what the cache in
    /// <paramref name="cacheDirectory"/> holds and computing the rest in batches (progress reports images done,
    /// total), then writing the cache back when anything changed.
    /// </summary>
    /// <exception cref="FileNotFoundException">An image does not exist.</exception>
    /// <exception cref="InvalidDataException">Images cannot be decoded (all of them counted in one message).</exception>
    public static IReadOnlyList<ImageFeatures> ForImages(IReadOnlyList<string> names, string imagesDirectory,
        string cacheDirectory, ResNet18Features model, IProgress<(int Done, int Total)>? progress = null) =>
        Cached(names, imagesDirectory, cacheDirectory, model, progress, name => $"'{name}'");

    /// <summary>Features for each image of a captioned set, in its order, as <see cref="ForImages"/>; an unreadable
    /// image is named with the first caption line that refers to it.</summary>
    public static IReadOnlyList<ImageFeatures> ForCaptionImages(CaptionImageSet set, string cacheDirectory,
        ResNet18Features model, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        var firstLine = set.Images.ToDictionary(i => i.Name, i => i.Captions[0].Line, StringComparer.Ordinal);
        return Cached(set.Images.Select(i => i.Name).ToList(), set.ImagesDirectory, cacheDirectory, model, progress,
            name => $"'{name}' ({set.CaptionsPath}:{firstLine[name]})");
    }

    /// <summary>Features of every readable image of a folder (not its subfolders), by name in ordinal order; the
    /// files that are not images or cannot be decoded are added to <paramref name="skipped"/> with the reason. No cache.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static IReadOnlyList<(string Name, ImageFeatures Features)> ComputeFolder(string imagesDirectory,
        ResNet18Features model, List<(string Name, string Reason)> skipped, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(skipped);
        var listing = ImageFiles.List(imagesDirectory);
        foreach (string name in listing.Skipped)
            skipped.Add((name, $"not an image file name (expected {string.Join(", ", ImageFiles.Extensions)})"));
        var results = new List<(string, ImageFeatures)>(listing.Images.Count);
        Compute(listing.Images, listing.Directory, model, progress, 0, listing.Images.Count,
            (name, features) => results.Add((name, features)),
            (name, reason) => skipped.Add((name, reason)));
        return results;
    }

    private static IReadOnlyList<ImageFeatures> Cached(IReadOnlyList<string> names, string imagesDirectory, string cacheDirectory,
        ResNet18Features model, IProgress<(int Done, int Total)>? progress, Func<string, string> describe)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(imagesDirectory);
        ArgumentNullException.ThrowIfNull(cacheDirectory);
        ArgumentNullException.ThrowIfNull(model);
        string root = Path.GetFullPath(imagesDirectory);
        var cache = FeatureCache.Load(cacheDirectory, model.Grid);
        var keys = new Dictionary<string, ImageFileKey>(StringComparer.Ordinal);
        var found = new Dictionary<string, ImageFeatures>(StringComparer.Ordinal);
        var toCompute = new List<string>();
        foreach (string name in names)
        {
            var key = ImageFileKey.Of(root, name);
            if (!keys.TryAdd(key.Name, key)) continue;
            if (cache.TryGet(key, out var features)) found[key.Name] = features;
            else toCompute.Add(key.Name);
        }
        var unreadable = new List<(string Name, string Reason)>();
        Compute(toCompute, root, model, progress, found.Count, keys.Count,
            (name, features) => { found[name] = features; cache.Set(keys[name], features); },
            (name, reason) => unreadable.Add((name, reason)));
        if (cache.Changed) cache.Save();
        if (unreadable.Count > 0)
        {
            string shown = string.Join(Environment.NewLine, unreadable.Take(UnreadableShown).Select(u => $"  {describe(u.Name)}: {u.Reason}"));
            string more = unreadable.Count > UnreadableShown ? $"{Environment.NewLine}  ... and {unreadable.Count - UnreadableShown} more" : "";
            throw new InvalidDataException($"{unreadable.Count} image{(unreadable.Count == 1 ? " is" : "s are")} not readable in '{imagesDirectory}' " +
                $"and cannot be used for training:{Environment.NewLine}{shown}{more}{Environment.NewLine}" +
                "Replace those files or remove their captions; the features of the other images are cached.");
        }
        return names.Select(n => found[n.Replace('\\', '/')]).ToList();
    }

    /// <summary>Decodes and computes <paramref name="names"/> batch by batch, reporting progress from
    /// <paramref name="doneBefore"/> of <paramref name="total"/>.</summary>
    private static void Compute(IReadOnlyList<string> names, string root, ResNet18Features model, IProgress<(int Done, int Total)>? progress,
        int doneBefore, int total, Action<string, ImageFeatures> computed, Action<string, string> failed)
    {
        int done = doneBefore;
        progress?.Report((done, total));
        for (int start = 0; start < names.Count; start += ResNet18Features.MaxBatch)
        {
            var batchNames = new List<string>();
            var bitmaps = new List<SKBitmap>();
            try
            {
                foreach (string name in names.Skip(start).Take(ResNet18Features.MaxBatch))
                {
                    try { bitmaps.Add(ImageFiles.Decode(Path.Combine(root, name))); batchNames.Add(name); }
                    catch (Exception e) when (e is InvalidDataException or FileNotFoundException or IOException or UnauthorizedAccessException)
                    { failed(name, e.Message); }
                }
                var features = model.Compute(bitmaps);
                for (int i = 0; i < batchNames.Count; i++) computed(batchNames[i], features[i]);
            }
            finally { foreach (var b in bitmaps) b.Dispose(); }
            done += Math.Min(ResNet18Features.MaxBatch, names.Count - start);
            progress?.Report((done, total));
        }
    }
}
