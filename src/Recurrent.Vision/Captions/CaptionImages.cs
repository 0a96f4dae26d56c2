// CaptionImages: joins the lines of a captions file with the images folder. Every name must stay inside the folder
// (no '..' segment, no absolute path) and name an existing file; all missing images are reported in ONE
// FileNotFoundException (the count and the first five as file:line: 'name'), so a user fixes them in one go.
// The result holds the distinct images in first-seen order, each with its captions.
//
// Unreadable images (present but not decodable) are found later, when features are computed
// (FeatureExtraction.ForCaptionImages), and refused for training there.
namespace Recurrent.Vision;

/// <summary>One image of a captioned data set and its captions.</summary>
/// <param name="Name">The image's path relative to the images folder, with '/' separators.</param>
/// <param name="Captions">Its captions, in file order (with their line numbers).</param>
public sealed record ImageCaptions(string Name, IReadOnlyList<CaptionLine> Captions);

/// <summary>The images a captions file refers to, with their captions.</summary>
/// <param name="ImagesDirectory">The images folder (full path).</param>
/// <param name="CaptionsPath">The captions file, as given.</param>
/// <param name="Images">The distinct images, in first-seen order.</param>
public sealed record CaptionImageSet(string ImagesDirectory, string CaptionsPath, IReadOnlyList<ImageCaptions> Images)
{
    /// <summary>All captions.</summary>
    public int CaptionCount => Images.Sum(i => i.Captions.Count);
}

/// <summary>Matches caption lines with the files of an images folder.</summary>
public static class CaptionImages
{
    /// <summary>Most missing images named in the error message.</summary>
    public const int MissingShown = 5;

    /// <summary>The images of <paramref name="lines"/> in <paramref name="imagesDirectory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The images folder does not exist.</exception>
    /// <exception cref="InvalidDataException">A name is absolute or leaves the folder ('..').</exception>
    /// <exception cref="FileNotFoundException">Images are missing: one exception for all of them.</exception>
    public static CaptionImageSet Match(IReadOnlyList<CaptionLine> lines, string imagesDirectory, string captionsPath)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(imagesDirectory);
        ArgumentNullException.ThrowIfNull(captionsPath);
        string root = Path.GetFullPath(imagesDirectory);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"Images folder '{imagesDirectory}' does not exist.");
        var byName = new Dictionary<string, List<CaptionLine>>(StringComparer.Ordinal);
        var order = new List<string>();
        var missing = new List<CaptionLine>();
        foreach (var line in lines)
        {
            string name = RelativeName(line, root, captionsPath);
            if (!File.Exists(Path.Combine(root, name))) { missing.Add(line); continue; }
            if (!byName.TryGetValue(name, out var captions)) { byName[name] = captions = []; order.Add(name); }
            captions.Add(line);
        }
        if (missing.Count > 0)
        {
            string shown = string.Join(Environment.NewLine, missing.Take(MissingShown).Select(m => $"  {captionsPath}:{m.Line}: '{m.Image}'"));
            string more = missing.Count > MissingShown ? $"{Environment.NewLine}  ... and {missing.Count - MissingShown} more" : "";
            throw new FileNotFoundException(
                $"'{captionsPath}': {missing.Count} caption{(missing.Count == 1 ? "" : "s")} {(missing.Count == 1 ? "refers" : "refer")} to images missing from '{imagesDirectory}':{Environment.NewLine}" +
                $"{shown}{more}{Environment.NewLine}Fix those names or remove those lines.");
        }
        return new CaptionImageSet(root, captionsPath, order.Select(n => new ImageCaptions(n, byName[n])).ToList());
    }

    /// <summary>The line's image name relative to <paramref name="root"/> with '/' separators; refuses names that leave it.</summary>
    private static string RelativeName(CaptionLine line, string root, string captionsPath)
    {
        string name = line.Image;
        bool climbs = name.Split('/', '\\').Any(segment => segment == "..");
        if (climbs || Path.IsPathRooted(name) || name.StartsWith('\\'))
            throw new InvalidDataException($"{captionsPath}:{line.Line}: image name '{name}' is {(climbs ? "outside" : "an absolute path, not inside")} the images folder; " +
                "names are relative to the images folder and may not contain '..'.");
        string full = Path.GetFullPath(Path.Combine(root, name));
        string relative = Path.GetRelativePath(root, full);
        if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            throw new InvalidDataException($"{captionsPath}:{line.Line}: image name '{name}' is outside the images folder '{root}'.");
        return relative.Replace(Path.DirectorySeparatorChar, '/');
    }
}
