// ImageFiles: which files are images (by name), decoding one with SkiaSharp into a bitmap, and listing a folder's
// images. Decoding goes through SKCodec itself rather than SKBitmap.Decode so that a truncated file is refused (Skia
// reports it as "incomplete input" and SKBitmap.Decode would return the half-filled picture), and every failure —
// missing, a directory, empty, not an image, damaged — is an exception naming the file. GIFs give their first frame;
// the EXIF orientation of JPEGs is not applied.
using SkiaSharp;

namespace Recurrent.Vision;

/// <summary>The images of a folder, and the other files in it.</summary>
/// <param name="Directory">The folder listed (full path).</param>
/// <param name="Images">Image file names (no path), sorted ordinal.</param>
/// <param name="Skipped">Names of the files that are not images by their extension, sorted ordinal.</param>
public sealed record ImageFolderListing(string Directory, IReadOnlyList<string> Images, IReadOnlyList<string> Skipped);

/// <summary>Image file names, decoding and folder listing.</summary>
public static class ImageFiles
{
    /// <summary>The extensions read as images (lower case, with the dot).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    /// <summary>Whether the name ends in png, jpg, jpeg, bmp, gif or webp (case-insensitive).</summary>
    public static bool IsImageName(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string extension = Path.GetExtension(path);
        return Extensions.Any(e => string.Equals(e, extension, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Decodes an image file (first frame) into an RGBA bitmap.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The path is a directory, the file is empty, or it is not a readable image.</exception>
    public static SKBitmap Decode(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new InvalidDataException($"'{path}' is a directory, not a readable image.");
        if (!File.Exists(path)) throw new FileNotFoundException($"Image '{path}' does not exist.", path);
        if (new FileInfo(path).Length == 0) throw new InvalidDataException($"'{path}' is empty (0 bytes), not a readable image.");
        using var codec = SKCodec.Create(path, out SKCodecResult opened);
        if (codec is null)
            throw new InvalidDataException($"'{path}' is not a readable image ({opened}): not a PNG, JPEG, BMP, GIF or WebP that SkiaSharp can decode.");
        var encoded = codec.Info;
        if (encoded.Width <= 0 || encoded.Height <= 0) throw new InvalidDataException($"'{path}' is not a readable image: its size is {encoded.Width}x{encoded.Height}.");
        var info = new SKImageInfo(encoded.Width, encoded.Height, SKColorType.Rgba8888,
            encoded.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        SKCodecResult decoded = codec.GetPixels(info, bitmap.GetPixels());
        if (decoded != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw new InvalidDataException($"'{path}' is not a readable image: decoding stopped with '{decoded}' (the file is damaged or truncated).");
        }
        return bitmap;
    }

    /// <summary>The image files of a folder (not its subfolders) by name, and the other files skipped.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static ImageFolderListing List(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string full = Path.GetFullPath(directory);
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"Image folder '{directory}' does not exist.");
        var names = Directory.EnumerateFiles(full).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        return new ImageFolderListing(full, names.Where(IsImageName).ToList(), names.Where(n => !IsImageName(n)).ToList());
    }
}
