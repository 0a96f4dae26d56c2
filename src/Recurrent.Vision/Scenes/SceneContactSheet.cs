// SceneContactSheet: a grid of rendered scenes with text under each — for a person to look at the captions demo's
// data, or its held-out scenes beside the captions a model wrote. Text is word-wrapped to the tile's width ('\n'
// forces a break) in up to MaxLines lines; it is drawn with the system's sans-serif font through SkiaSharp (where no
// font is installed the tiles still render, without text).
using SkiaSharp;

namespace Recurrent.Vision.Scenes;

/// <summary>Renders scenes and their captions as one PNG grid.</summary>
public static class SceneContactSheet
{
    /// <summary>Most text lines under a tile; further lines are dropped.</summary>
    public const int MaxLines = 4;

    private const float FontSize = 12, LineHeight = 15, Padding = 4;

    /// <summary>
    /// Draws <paramref name="scenes"/> in a grid of <paramref name="columns"/> columns, tiles of
    /// <paramref name="tileSize"/> pixels, with <paramref name="captions"/>[i] under tile i (the caller disposes the bitmap).
    /// </summary>
    public static SKBitmap Render(IReadOnlyList<ShapeScene> scenes, IReadOnlyList<string> captions, int columns = 4, int tileSize = 224)
    {
        ArgumentNullException.ThrowIfNull(scenes);
        ArgumentNullException.ThrowIfNull(captions);
        if (scenes.Count == 0) throw new ArgumentException("A contact sheet needs at least one scene.", nameof(scenes));
        if (captions.Count != scenes.Count)
            throw new ArgumentException($"Each scene needs one caption: {scenes.Count} scenes, {captions.Count} captions.", nameof(captions));
        if (columns <= 0) throw new ArgumentException($"columns must be positive, got {columns}.", nameof(columns));
        if (tileSize < 64) throw new ArgumentException($"tileSize must be at least 64 pixels, got {tileSize}.", nameof(tileSize));

        int rows = (scenes.Count + columns - 1) / columns;
        int textHeight = (int)(MaxLines * LineHeight + 2 * Padding);
        int cellHeight = tileSize + textHeight;
        var sheet = new SKBitmap(new SKImageInfo(Math.Min(columns, scenes.Count) * tileSize, rows * cellHeight, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using var canvas = new SKCanvas(sheet);
        canvas.Clear(new SKColor(60, 60, 60));
        using var typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        using var font = new SKFont(typeface, FontSize);
        using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true };
        for (int i = 0; i < scenes.Count; i++)
        {
            float left = i % columns * tileSize, top = i / columns * cellHeight;
            ShapeScenes.Draw(canvas, scenes[i], left, top, tileSize);
            var lines = Wrap(captions[i] ?? "", font, tileSize - 2 * Padding);
            for (int l = 0; l < Math.Min(lines.Count, MaxLines); l++)
                canvas.DrawText(lines[l], left + Padding, top + tileSize + Padding + (l + 1) * LineHeight - 3, SKTextAlign.Left, font, ink);
        }
        canvas.Flush();
        return sheet;
    }

    /// <summary>Renders the sheet (see <see cref="Render"/>) and writes it as a PNG file.</summary>
    public static void SavePng(IReadOnlyList<ShapeScene> scenes, IReadOnlyList<string> captions, string path, int columns = 4, int tileSize = 224)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var sheet = Render(scenes, captions, columns, tileSize);
        ShapeScenes.WritePng(sheet, path);
    }

    /// <summary>Greedy word wrap to <paramref name="width"/> pixels; '\n' starts a new line.</summary>
    private static List<string> Wrap(string text, SKFont font, float width)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Split('\n'))
        {
            string line = "";
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = line.Length == 0 ? word : line + " " + word;
                if (line.Length > 0 && font.MeasureText(candidate) > width)
                {
                    lines.Add(line);
                    line = word;
                }
                else line = candidate;
            }
            lines.Add(line);
        }
        return lines;
    }
}
