// The captions demo's generated scenes: the same seed gives the same scenes and the same pixels; boxes stay inside
// the image and apart; the relation holds geometrically (checked here from the box coordinates, independently of
// the generator's canonical frame) and the renderer puts each object's fill at its centre; and every colour, shape,
// count and relation occurs often enough in 1,000 scenes for a model to learn it.
using Recurrent.Vision.Scenes;

namespace Recurrent.Tests.Vision.Scenes;

public sealed class ShapeSceneGenerationTests
{
    private const double Pixel = 1.0 / 224;

    [Fact]
    public void SameSeedGivesTheSameScenesAndIdenticalPixels()
    {
        var first = ShapeScenes.Generate(40, 123);
        var second = ShapeScenes.Generate(40, 123);
        Assert.Equal(first, second);
        for (int i = 0; i < first.Count; i++)
        {
            using var a = ShapeScenes.Render(first[i]);
            using var b = ShapeScenes.Render(second[i]);
            Assert.Equal(a.Bytes, b.Bytes);
        }
        var other = ShapeScenes.Generate(40, 124);
        Assert.True(Enumerable.Range(0, 40).Count(i => first[i] != other[i]) >= 39, "seed 124 should give different scenes than seed 123");
    }

    [Fact]
    public void BoxesStayInsideTheImageAndApart()
    {
        foreach (var scene in ShapeScenes.Generate(2000, 5))
        {
            var boxes = scene.Group.Append(scene.Other).ToArray();
            foreach (var o in boxes)
            {
                Assert.InRange(o.Size, ShapeScenes.MinObjectPixels * Pixel - 1e-12, ShapeScenes.MaxObjectPixels * Pixel + 1e-12);
                double edge = ShapeScenes.EdgeMarginPixels * Pixel - 1e-9;
                Assert.True(o.Left >= edge && o.Top >= edge && o.Right <= 1 - edge && o.Bottom <= 1 - edge, $"box {o} leaves the image margin");
            }
            for (int i = 0; i < boxes.Length; i++)
                for (int j = i + 1; j < boxes.Length; j++)
                {
                    double gapX = Math.Max(boxes[j].Left - boxes[i].Right, boxes[i].Left - boxes[j].Right);
                    double gapY = Math.Max(boxes[j].Top - boxes[i].Bottom, boxes[i].Top - boxes[j].Bottom);
                    Assert.True(Math.Max(gapX, gapY) >= ShapeScenes.ObjectGapPixels * Pixel - 1e-9,
                        $"boxes {boxes[i]} and {boxes[j]} are closer than {ShapeScenes.ObjectGapPixels} px");
                }
        }
    }

    [Fact]
    public void EveryGroupObjectLiesOnTheRelationsSideOfTheOtherObject()
    {
        foreach (var scene in ShapeScenes.Generate(2000, 6))
        {
            var o = scene.Other;
            foreach (var g in scene.Group)
            {
                // gap between the boxes along the relation's axis; centre distance along it; centre offset across it
                var (gap, along, across) = scene.Relation switch
                {
                    SpatialRelation.Above => (o.Top - g.Bottom, o.CenterY - g.CenterY, g.CenterX - o.CenterX),
                    SpatialRelation.Below => (g.Top - o.Bottom, g.CenterY - o.CenterY, g.CenterX - o.CenterX),
                    SpatialRelation.LeftOf => (o.Left - g.Right, o.CenterX - g.CenterX, g.CenterY - o.CenterY),
                    SpatialRelation.RightOf => (g.Left - o.Right, g.CenterX - o.CenterX, g.CenterY - o.CenterY),
                    _ => throw new InvalidOperationException(scene.Relation.ToString()),
                };
                Assert.True(gap >= ShapeScenes.RelationGapPixels * Pixel - 1e-9, $"{ShapeScenes.Caption(scene)}: gap {gap * 224:F1} px");
                Assert.True(Math.Abs(across) <= ShapeScenes.MaxAcrossRatio * along + 1e-9,
                    $"{ShapeScenes.Caption(scene)}: across {across * 224:F1} px for along {along * 224:F1} px");
            }
        }
    }

    [Fact]
    public void RenderedImageHasEachFillAtItsObjectsCentreOnTheBackground()
    {
        foreach (var scene in ShapeScenes.Generate(200, 8))
        {
            using var bitmap = ShapeScenes.Render(scene);
            Assert.Equal(224, bitmap.Width);
            Assert.Equal(224, bitmap.Height);
            foreach (var o in scene.Group.Append(scene.Other))
            {
                var pixel = bitmap.GetPixel((int)(o.CenterX * 224), (int)(o.CenterY * 224));
                Assert.Equal((o.Fill.R, o.Fill.G, o.Fill.B, (byte)255), (pixel.Red, pixel.Green, pixel.Blue, pixel.Alpha));
            }
            var corner = bitmap.GetPixel(2, 2);
            Assert.Equal((scene.Background.R, scene.Background.G, scene.Background.B), (corner.Red, corner.Green, corner.Blue));
        }
    }

    [Fact]
    public void SavePngWritesADecodableImageOfTheRequestedSize()
    {
        var scene = ShapeScenes.Generate(1, 3)[0];
        string path = Path.Combine(Path.GetTempPath(), $"scene-{Guid.NewGuid():N}.png");
        try
        {
            ShapeScenes.SavePng(scene, path, 96);
            using var decoded = SkiaSharp.SKBitmap.Decode(path);
            Assert.Equal(96, decoded.Width);
            Assert.Equal(96, decoded.Height);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void EveryAttributeValueOccursOftenIn1000Scenes()
    {
        var scenes = ShapeScenes.Generate(1000, 11);
        void AtLeast<T>(Func<ShapeScene, T> attribute, IEnumerable<T> values, double share, string name)
        {
            foreach (var value in values)
            {
                int n = scenes.Count(s => EqualityComparer<T>.Default.Equals(attribute(s), value));
                Assert.True(n >= share * 1000, $"{name} {value} occurs in {n} of 1000 scenes, fewer than {share * 1000}");
            }
        }
        AtLeast(s => s.Count, [1, 2, 3], 0.7 / 3, "count");
        AtLeast(s => s.GroupColor, SceneVocabulary.Colors, 0.7 / 4, "group colour");
        AtLeast(s => s.GroupShape, SceneVocabulary.Shapes, 0.7 / 3, "group shape");
        AtLeast(s => s.OtherColor, SceneVocabulary.Colors, 0.7 / 4, "other colour");
        AtLeast(s => s.OtherShape, SceneVocabulary.Shapes, 0.7 / 3, "other shape");
        AtLeast(s => s.Relation, SceneVocabulary.Relations, 0.7 / 4, "relation");
        AtLeast(s => s.Background.R == 255, [true, false], 0.4, "white background");
        Assert.All(scenes, s => Assert.False(s.GroupColor == s.OtherColor && s.GroupShape == s.OtherShape));
    }

    [Fact]
    public void ASceneWhoseSecondObjectMatchesTheGroupIsRejected()
    {
        var fill = new Rgb(200, 30, 30);
        var group = new[] { new SceneObject(ShapeColor.Red, ShapeKind.Circle, fill, 0.5, 0.2, 0.15) };
        var other = new SceneObject(ShapeColor.Red, ShapeKind.Circle, fill, 0.5, 0.8, 0.15);
        var error = Assert.Throws<ArgumentException>(() => new ShapeScene(group, SpatialRelation.Above, other, new Rgb(255, 255, 255)));
        Assert.Contains("differ", error.Message);
    }
}
