// TestImages: small pictures drawn with SkiaSharp for the Vision tests (coloured shapes on white), and writing them
// as PNG files.
using SkiaSharp;

namespace Recurrent.Tests.Vision;

internal static class TestImages
{
    /// <summary>A white picture with a filled circle of the given colour.</summary>
    public static SKBitmap Circle(SKColor color, int width = 224, int height = 224) => Draw(width, height, (canvas, paint) =>
    {
        paint.Color = color;
        canvas.DrawCircle(width * 0.5f, height * 0.5f, Math.Min(width, height) * 0.3f, paint);
    });

    /// <summary>A white picture with a filled square of the given colour.</summary>
    public static SKBitmap Square(SKColor color, int width = 224, int height = 224) => Draw(width, height, (canvas, paint) =>
    {
        paint.Color = color;
        float side = Math.Min(width, height) * 0.5f;
        canvas.DrawRect(width * 0.5f - side / 2, height * 0.5f - side / 2, side, side, paint);
    });

    /// <summary>Several shapes: a red circle top left, a blue square bottom right, a green triangle.</summary>
    public static SKBitmap Scene(int width = 224, int height = 224) => Draw(width, height, (canvas, paint) =>
    {
        paint.Color = SKColors.Red;
        canvas.DrawCircle(width * 0.25f, height * 0.25f, width * 0.15f, paint);
        paint.Color = SKColors.Blue;
        canvas.DrawRect(width * 0.6f, height * 0.6f, width * 0.3f, height * 0.3f, paint);
        paint.Color = SKColors.Green;
        using var path = new SKPath();
        path.MoveTo(width * 0.7f, height * 0.1f);
        path.LineTo(width * 0.9f, height * 0.4f);
        path.LineTo(width * 0.5f, height * 0.4f);
        path.Close();
        canvas.DrawPath(path, paint);
    });

    /// <summary>Writes the bitmap as a PNG file.</summary>
    public static void SavePng(SKBitmap bitmap, string path)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static SKBitmap Draw(int width, int height, Action<SKCanvas, SKPaint> draw)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        canvas.Clear(SKColors.White);
        draw(canvas, paint);
        canvas.Flush();
        return bitmap;
    }
}
