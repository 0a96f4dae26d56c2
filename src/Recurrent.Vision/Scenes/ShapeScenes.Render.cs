// ShapeScenes.Render: draws a scene with SkiaSharp on the CPU raster backend — background fill, then every object as
// an anti-aliased filled shape inside its box (circle: inscribed disc; square: the box; triangle: apex at the top
// centre, base along the bottom edge). Coordinates are unit fractions scaled by the requested size, so the same
// scene renders at 224 px for ResNet18 or larger for a person to look at. The bitmap is RGBA8888, unpremultiplied
// alpha (all opaque), which is what the feature extractor's decoding path reads.
using SkiaSharp;

namespace Recurrent.Vision.Scenes;

public static partial class ShapeScenes
{
    /// <summary>Renders <paramref name="scene"/> to a new square bitmap of side <paramref name="size"/> pixels (the caller disposes it).</summary>
    public static SKBitmap Render(ShapeScene scene, int size = 224)
    {
        ArgumentNullException.ThrowIfNull(scene);
        if (size < 16) throw new ArgumentException($"size must be at least 16 pixels, got {size}.", nameof(size));
        var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(bitmap))
            Draw(canvas, scene, 0, 0, size);
        return bitmap;
    }

    /// <summary>Renders <paramref name="scene"/> at <paramref name="size"/> pixels and writes it as a PNG file.</summary>
    public static void SavePng(ShapeScene scene, string path, int size = 224)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var bitmap = Render(scene, size);
        WritePng(bitmap, path);
    }

    /// <summary>Draws a scene into the square (left, top, side) of a canvas.</summary>
    internal static void Draw(SKCanvas canvas, ShapeScene scene, float left, float top, float side)
    {
        using (var backgroundPaint = new SKPaint { Color = ToSkia(scene.Background), Style = SKPaintStyle.Fill })
            canvas.DrawRect(left, top, side, side, backgroundPaint);
        using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        foreach (var o in scene.Group.Append(scene.Other))
        {
            paint.Color = ToSkia(o.Fill);
            float x0 = left + (float)(o.Left * side), y0 = top + (float)(o.Top * side), s = (float)(o.Size * side);
            switch (o.Shape)
            {
                case ShapeKind.Circle:
                    canvas.DrawCircle(x0 + s / 2, y0 + s / 2, s / 2, paint);
                    break;
                case ShapeKind.Square:
                    canvas.DrawRect(x0, y0, s, s, paint);
                    break;
                case ShapeKind.Triangle:
                    using (var path = new SKPath())
                    {
                        path.MoveTo(x0 + s / 2, y0);
                        path.LineTo(x0 + s, y0 + s);
                        path.LineTo(x0, y0 + s);
                        path.Close();
                        canvas.DrawPath(path, paint);
                    }
                    break;
                default:
                    throw new ArgumentException($"Unknown shape kind {(int)o.Shape}.", nameof(scene));
            }
        }
    }

    internal static void WritePng(SKBitmap bitmap, string path)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {bitmap.Width}x{bitmap.Height} bitmap as PNG for '{path}'.");
        using var stream = File.Create(path);
        data.SaveTo(stream);
    }

    private static SKColor ToSkia(Rgb rgb) => new(rgb.R, rgb.G, rgb.B);
}
