using Recurrent.Vision;
using SkiaSharp;
using Xunit;

namespace Recurrent.Tests.Vision;

public class AttentionHeatMapTests
{
    private static SKBitmap Grey(int width, int height)
    {
        var bitmap = new SKBitmap(width, height);
        bitmap.Erase(new SKColor(200, 200, 200));
        return bitmap;
    }

    // Within one level of 255: the blend is rounded to bytes.
    private static void Near(int expected, byte actual) => Assert.InRange(actual, expected - 1, expected + 1);

    [Fact]
    public void A_step_that_looks_at_the_top_left_region_keeps_it_bright_and_dims_the_rest()
    {
        using var image = Grey(300, 200);
        var weights = new float[49];
        weights[0] = 1;                      // region (row 0, col 0)
        using var map = AttentionHeatMap.Render(image, weights, size: 70);
        Assert.Equal(70, map.Width);
        Assert.Equal(70, map.Height);
        // Cells of 10 px; region (0,0)'s centre is at x = y = 4.5. Pixels before it hold its weight (full brightness),
        // the far corner gets the floor.
        Near(200, map.GetPixel(2, 2).Red);
        Near((int)(200 * AttentionHeatMap.Floor), map.GetPixel(65, 65).Red);
        // Pixel 14 (centre 14.5) lies 0.95 of the way from region 0's centre to region 1's: a = 0.05.
        Near((int)(200 * (AttentionHeatMap.Floor + (1 - AttentionHeatMap.Floor) * 0.05f)), map.GetPixel(14, 2).Red);
    }

    [Fact]
    public void Uniform_weights_leave_the_image_as_it_was()
    {
        using var image = Grey(64, 64);
        var weights = Enumerable.Repeat(1f / 49, 49).ToArray();
        using var map = AttentionHeatMap.Render(image, weights, size: 64);
        for (int y = 0; y < 64; y += 7)
            for (int x = 0; x < 64; x += 7)
                Near(200, map.GetPixel(x, y).Green);
    }

    [Fact]
    public void Weights_that_are_not_a_square_grid_are_refused()
    {
        using var image = Grey(10, 10);
        var e = Assert.Throws<ArgumentException>(() => AttentionHeatMap.Render(image, new float[48]));
        Assert.Contains("48", e.Message);
    }

    [Fact]
    public void Png_bytes_decode_back_to_the_same_size()
    {
        using var image = Grey(30, 20);
        using var thumb = AttentionHeatMap.Thumbnail(image, 48);
        using var decoded = SKBitmap.Decode(AttentionHeatMap.Png(thumb));
        Assert.Equal(48, decoded.Width);
        Assert.Equal(48, decoded.Height);
    }
}
