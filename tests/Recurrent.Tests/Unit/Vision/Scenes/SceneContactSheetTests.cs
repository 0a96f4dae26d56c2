// The contact sheet: a grid of tiles with room for text under each, every scene drawn in its own tile (its objects'
// fills at their centres, offset by the tile), and a caption list that does not match the scenes is refused.
using Recurrent.Vision.Scenes;

namespace Recurrent.Tests.Vision.Scenes;

public sealed class SceneContactSheetTests
{
    [Fact]
    public void SheetPlacesEveryScenesTileInItsGridCell()
    {
        var scenes = ShapeScenes.Generate(6, 17);
        using var sheet = SceneContactSheet.Render(scenes, scenes.Select(ShapeScenes.Caption).ToList(), columns: 4, tileSize: 100);
        Assert.Equal(400, sheet.Width);
        int cellHeight = sheet.Height / 2;
        Assert.True(cellHeight > 100 + SceneContactSheet.MaxLines * 10, $"cell height {cellHeight} leaves too little room for text");
        for (int i = 0; i < scenes.Count; i++)
        {
            int left = i % 4 * 100, top = i / 4 * cellHeight;
            foreach (var o in scenes[i].Group.Append(scenes[i].Other))
            {
                var pixel = sheet.GetPixel(left + (int)(o.CenterX * 100), top + (int)(o.CenterY * 100));
                Assert.Equal((o.Fill.R, o.Fill.G, o.Fill.B), (pixel.Red, pixel.Green, pixel.Blue));
            }
        }
        var error = Assert.Throws<ArgumentException>(() => SceneContactSheet.Render(scenes, ["one caption"]));
        Assert.Contains("6 scenes, 1 captions", error.Message);
    }
}
