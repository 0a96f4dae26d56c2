// CaptionsFile: reads a captions file, the text half of an image-captioning data set. UTF-8 text, one
// "file name<TAB>caption" per line; an image may have several lines; blank lines and lines starting with '#' are
// skipped, and so is a first line "image<TAB>caption" (any case). Every problem is an InvalidDataException naming the
// file and line (invalid UTF-8: also the byte offset), so a user can go straight to it.
using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Recurrent.Vision;

/// <summary>One caption of a captions file.</summary>
/// <param name="Image">The image's file name, relative to the images folder, as written.</param>
/// <param name="Caption">The caption text, trimmed.</param>
/// <param name="Line">1-based line number in the captions file.</param>
public sealed record CaptionLine(string Image, string Caption, int Line);

/// <summary>Reads "image&lt;TAB&gt;caption" files.</summary>
public static class CaptionsFile
{
    /// <summary>The captions of a file, in file order.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A line has no tab, an empty image name or caption, the file is not
    /// UTF-8, or it holds no captions; the message names the file and line.</exception>
    public static IReadOnlyList<CaptionLine> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Captions file '{path}' does not exist.", path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>The captions in UTF-8 bytes; <paramref name="source"/> names them in errors.</summary>
    public static IReadOnlyList<CaptionLine> Parse(ReadOnlySpan<byte> bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
        var chars = new char[bytes.Length];
        OperationStatus status = Utf8.ToUtf16(bytes, chars, out int bytesRead, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            int line = 1 + bytes[..bytesRead].Count((byte)'\n');
            throw new InvalidDataException($"{source}:{line}: not valid UTF-8 at byte offset {bytesRead} (0x{bytes[bytesRead]:X2}). " +
                "Save the captions file as UTF-8.");
        }
        string text = new(chars, 0, written);
        var captions = new List<CaptionLine>();
        bool sawContent = false;
        int number = 0;
        foreach (string rawLine in text.Split('\n'))
        {
            number++;
            string line = rawLine.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
            bool first = !sawContent;
            sawContent = true;
            int tab = line.IndexOf('\t');
            if (tab < 0)
                throw new InvalidDataException($"{source}:{number}: no tab in '{Shorten(line)}'. Each line is 'file name<TAB>caption'.");
            if (line.IndexOf('\t', tab + 1) >= 0)
                throw new InvalidDataException($"{source}:{number}: more than one tab in '{Shorten(line)}'. Each line is 'file name<TAB>caption'; remove the extra columns.");
            string image = line[..tab].Trim(), caption = line[(tab + 1)..].Trim();
            if (first && image.Equals("image", StringComparison.OrdinalIgnoreCase) && caption.Equals("caption", StringComparison.OrdinalIgnoreCase)) continue;
            if (image.Length == 0) throw new InvalidDataException($"{source}:{number}: the image name before the tab is empty.");
            if (caption.Length == 0) throw new InvalidDataException($"{source}:{number}: the caption of '{image}' is empty; write one or remove the line.");
            captions.Add(new CaptionLine(image, caption, number));
        }
        if (captions.Count == 0)
            throw new InvalidDataException($"'{source}' holds no captions. Write one 'file name<TAB>caption' per line.");
        return captions;
    }

    private static string Shorten(string line) => line.Length <= 60 ? line : line[..57] + "...";
}
