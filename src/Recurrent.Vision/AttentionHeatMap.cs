// AttentionHeatMap: Show, Attend and Tell's picture (Xu et al. 2015, figures 2–3) — where a captioner looked when it
// wrote a word. One step's attention weights over the CNN's grid (side×side regions, region-major: r = row·side + col,
// as ResNet18Features lays out the grid) are upsampled bilinearly to the picture (each weight sits at its region's
// centre), divided by the step's largest weight, and used to dim the image: a pixel keeps
// (Floor + (1 − Floor)·a) of its brightness, a ∈ [0,1] the upsampled weight, so the attended regions stay bright and
// the rest goes dark. The image is first squashed to a square, as the network saw it (ResNet18Features resizes to
// 224×224 without cropping), so a region's cell covers the part of the picture that region's features came from.
using SkiaSharp;

namespace Recurrent.Vision;

/// <summary>Draws attention weights over an image, and small PNG helpers for reports.</summary>
public static class AttentionHeatMap
{
    /// <summary>Brightness kept where a step did not look at all.</summary>
    public const float Floor = 0.22f;

    /// <summary>
    /// <paramref name="image"/> squashed to <paramref name="size"/>×<paramref name="size"/> and dimmed outside the
    /// regions <paramref name="weights"/> (side², region-major) attend to. Throws ArgumentException when the weights
    /// are not a square grid.
    /// </summary>
    public static SKBitmap Render(SKBitmap image, ReadOnlySpan<float> weights, int size = 160)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (size <= 0) throw new ArgumentException($"size must be positive, got {size}.", nameof(size));
        int side = (int)Math.Round(Math.Sqrt(weights.Length));
        if (side == 0 || side * side != weights.Length)
            throw new ArgumentException($"weights has {weights.Length} values; expected a square grid (e.g. 49 for 7×7).", nameof(weights));
        float max = 0;
        foreach (float w in weights) max = Math.Max(max, w);
        float scale = max > 0 ? 1 / max : 0;

        using var square = Thumbnail(image, size);
        var result = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        for (int y = 0; y < size; y++)
        {
            // Region centres are at (i + 0.5)·size/side; between two centres the weight is interpolated, beyond the outer
            // centres it is held (clamped).
            float gy = Math.Clamp((y + 0.5f) * side / size - 0.5f, 0, side - 1);
            int y0 = (int)gy, y1 = Math.Min(y0 + 1, side - 1);
            float fy = gy - y0;
            for (int x = 0; x < size; x++)
            {
                float gx = Math.Clamp((x + 0.5f) * side / size - 0.5f, 0, side - 1);
                int x0 = (int)gx, x1 = Math.Min(x0 + 1, side - 1);
                float fx = gx - x0;
                float a = (1 - fy) * ((1 - fx) * weights[y0 * side + x0] + fx * weights[y0 * side + x1])
                        + fy * ((1 - fx) * weights[y1 * side + x0] + fx * weights[y1 * side + x1]);
                float keep = Floor + (1 - Floor) * Math.Clamp(a * scale, 0, 1);
                SKColor c = square.GetPixel(x, y);
                result.SetPixel(x, y, new SKColor((byte)(c.Red * keep), (byte)(c.Green * keep), (byte)(c.Blue * keep), 255));
            }
        }
        return result;
    }

    /// <summary>
    /// Show, Attend and Tell's figure for one caption: the image, then one tile per generated word (and the end token
    /// when <paramref name="attention"/> has a row for it) drawn by <see cref="Render"/> from that step's row of
    /// <paramref name="attention"/> (steps × R), each with its word below it. Text uses DejaVu Sans when the system
    /// has it (Skia's default font otherwise; without any font the tiles are drawn without words).
    /// </summary>
    public static SKBitmap Strip(SKBitmap image, IReadOnlyList<string> words, ReadOnlySpan<float> attention, int regions, int tile = 128)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(words);
        if (regions <= 0 || attention.Length % regions != 0)
            throw new ArgumentException($"attention has {attention.Length} values, not whole rows of {regions} regions.", nameof(attention));
        int steps = attention.Length / regions;
        if (steps < words.Count)
            throw new ArgumentException($"attention has {steps} rows for {words.Count} words.", nameof(attention));
        const int label = 22, gap = 4;
        int tiles = 1 + steps;
        var strip = new SKBitmap(new SKImageInfo(tiles * (tile + gap) - gap, tile + label, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(strip);
        canvas.Clear(SKColors.White);
        using var typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        using var font = new SKFont(typeface, 14);
        using var ink = new SKPaint { Color = new SKColor(30, 30, 30), IsAntialias = true };
        using (var thumb = Thumbnail(image, tile)) canvas.DrawBitmap(thumb, 0, 0);
        for (int t = 0; t < steps; t++)
        {
            using var map = Render(image, attention.Slice(t * regions, regions), tile);
            float left = (t + 1) * (tile + gap);
            canvas.DrawBitmap(map, left, 0);
            string word = t < words.Count ? words[t] : "<end>";
            canvas.DrawText(word, left + tile / 2f, tile + label - 6, SKTextAlign.Center, font, ink);
        }
        canvas.Flush();
        return strip;
    }

    /// <summary><paramref name="image"/> resized to <paramref name="size"/>×<paramref name="size"/> (squashed, not cropped), opaque RGBA.</summary>
    public static SKBitmap Thumbnail(SKBitmap image, int size)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (size <= 0) throw new ArgumentException($"size must be positive, got {size}.", nameof(size));
        var info = new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul);
        var square = new SKBitmap(info);
        using var canvas = new SKCanvas(square);
        canvas.Clear(SKColors.White);
        using var source = SKImage.FromBitmap(image);
        canvas.DrawImage(source, new SKRect(0, 0, size, size), new SKSamplingOptions(SKCubicResampler.Mitchell));
        canvas.Flush();
        return square;
    }

    /// <summary>The bitmap encoded as PNG.</summary>
    public static byte[] Png(SKBitmap bitmap)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException("SkiaSharp could not encode the bitmap as PNG.");
        return data.ToArray();
    }
}
