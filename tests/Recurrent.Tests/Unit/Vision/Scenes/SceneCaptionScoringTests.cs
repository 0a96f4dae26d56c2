// Captions of the shape scenes and their scoring: the grammar's exact sentences for two hand-built scenes; every
// caption and paraphrase of 2,000 generated scenes reads back to its scene; one wrong word (count, a colour, a shape,
// the relation) makes exactly that attribute wrong, in the canonical and in the inverse phrasing; text with none of
// the words scores nothing; and AttributeAccuracy averages the slots as documented.
using Recurrent.Vision.Scenes;

namespace Recurrent.Tests.Vision.Scenes;

public sealed class SceneCaptionScoringTests
{
    private static readonly Rgb White = new(255, 255, 255);

    private static ShapeScene Scene(int count, ShapeColor color, ShapeKind shape, SpatialRelation relation, ShapeColor otherColor, ShapeKind otherShape)
    {
        // layout is irrelevant to captions; objects in a row so the constructor's checks pass
        var group = Enumerable.Range(0, count).Select(i => new SceneObject(color, shape, new Rgb(1, 2, 3), 0.2 + 0.25 * i, 0.2, 0.15)).ToArray();
        return new ShapeScene(group, relation, new SceneObject(otherColor, otherShape, new Rgb(4, 5, 6), 0.5, 0.8, 0.15), White);
    }

    [Fact]
    public void CaptionAndParaphrasesFollowTheGrammar()
    {
        var plural = Scene(2, ShapeColor.Red, ShapeKind.Circle, SpatialRelation.Above, ShapeColor.Blue, ShapeKind.Square);
        Assert.Equal("two red circles above a blue square", ShapeScenes.Caption(plural));
        Assert.Equal(["a blue square below two red circles", "there are two red circles above a blue square", "two red circles are above a blue square"],
            ShapeScenes.Paraphrases(plural));

        var single = Scene(1, ShapeColor.Green, ShapeKind.Triangle, SpatialRelation.LeftOf, ShapeColor.Yellow, ShapeKind.Circle);
        Assert.Equal("a green triangle left of a yellow circle", ShapeScenes.Caption(single));
        Assert.Equal(["a yellow circle right of a green triangle", "there is a green triangle left of a yellow circle", "a green triangle is to the left of a yellow circle"],
            ShapeScenes.Paraphrases(single));
        Assert.Equal(4, ShapeScenes.AllCaptions(single).Count);
    }

    [Fact]
    public void EveryCaptionAndParaphraseOf2000ScenesReadsBackToItsScene()
    {
        foreach (var scene in ShapeScenes.Generate(2000, 21))
        {
            var truth = SceneAttributes.Of(scene);
            foreach (var caption in ShapeScenes.AllCaptions(scene))
            {
                var read = SceneAttributes.Parse(caption);
                // two single objects name no group: the inverse phrasing reads as the same scene seen from the other object
                Assert.True(read == truth || (scene.Count == 1 && read.Inverted() == truth), $"'{caption}' read as {read}, scene is {truth}");
                Assert.True(SceneAttributes.Score(scene, caption).Exact, $"'{caption}' does not score exact");
            }
        }
    }

    [Fact]
    public void LooseTextIsReadAndMissingAttributesAreNull()
    {
        Assert.Equal(new SceneAttributes(2, ShapeColor.Red, ShapeKind.Circle, SpatialRelation.LeftOf, 1, ShapeColor.Blue, ShapeKind.Square),
            SceneAttributes.Parse("Two RED circles, on the left of a blue square."));
        Assert.Equal(new SceneAttributes(3, ShapeColor.Yellow, ShapeKind.Triangle, SpatialRelation.Below, 1, ShapeColor.Green, ShapeKind.Circle),
            SceneAttributes.Parse("a green circle over three yellow triangles"));
        Assert.Equal(new SceneAttributes(1, ShapeColor.Red, ShapeKind.Circle, null, null, null, null), SceneAttributes.Parse("a red circle"));
        Assert.Equal(new SceneAttributes(null, null, ShapeKind.Square, SpatialRelation.Above, null, ShapeColor.Blue, null),
            SceneAttributes.Parse("squares above blue"));
    }

    private static readonly string[] CountWords = ["a", "two", "three"];
    private static readonly string[] RelationPhrases = ["above", "below", "left of", "right of"];

    /// <summary>A caption built from words: count colour shape relation "a" colour shape, in the given order.</summary>
    private static string Words(string count, ShapeColor color, ShapeKind shape, bool plural, string relation, ShapeColor otherColor, ShapeKind otherShape, bool inverse)
    {
        string group = $"{count} {SceneVocabulary.Word(color)} {SceneVocabulary.Word(shape, plural)}";
        string other = $"a {SceneVocabulary.Word(otherColor)} {SceneVocabulary.Word(otherShape, false)}";
        return inverse ? $"{other} {relation} {group}" : $"{group} {relation} {other}";
    }

    [Fact]
    public void OneWrongWordMakesExactlyThatAttributeWrong()
    {
        int checkedCaptions = 0;
        foreach (var scene in ShapeScenes.Generate(300, 31))
        {
            bool plural = scene.Count > 1;
            string count = CountWords[scene.Count - 1];
            foreach (bool inverse in new[] { false, true })
            {
                var relation = inverse ? SceneVocabulary.Inverse(scene.Relation) : scene.Relation;
                string Phrase(SpatialRelation r) => SceneVocabulary.Phrase(r);
                Assert.True(SceneAttributes.Score(scene, Words(count, scene.GroupColor, scene.GroupShape, plural, Phrase(relation), scene.OtherColor, scene.OtherShape, inverse)).Exact);

                void Expect(string caption, Func<AttributeScore, bool> wrongOne, string name)
                {
                    var score = SceneAttributes.Score(scene, caption);
                    Assert.False(wrongOne(score), $"'{caption}' for '{ShapeScenes.Caption(scene)}': {name} should be wrong, got {score}");
                    Assert.True(score.CorrectAttributes == AttributeScore.Attributes - 1, $"'{caption}' for '{ShapeScenes.Caption(scene)}': only {name} should be wrong, got {score}");
                    checkedCaptions++;
                }
                foreach (var wrong in CountWords.Where(w => w != count))
                    Expect(Words(wrong, scene.GroupColor, scene.GroupShape, plural, Phrase(relation), scene.OtherColor, scene.OtherShape, inverse), s => s.Count, "count");
                foreach (var wrong in SceneVocabulary.Colors.Where(c => c != scene.GroupColor))
                    Expect(Words(count, wrong, scene.GroupShape, plural, Phrase(relation), scene.OtherColor, scene.OtherShape, inverse), s => s.GroupColor, "group colour");
                foreach (var wrong in SceneVocabulary.Shapes.Where(c => c != scene.GroupShape))
                    Expect(Words(count, scene.GroupColor, wrong, plural, Phrase(relation), scene.OtherColor, scene.OtherShape, inverse), s => s.GroupShape, "group shape");
                foreach (var wrong in SceneVocabulary.Relations.Where(r => r != relation))
                    Expect(Words(count, scene.GroupColor, scene.GroupShape, plural, Phrase(wrong), scene.OtherColor, scene.OtherShape, inverse), s => s.Relation, "relation");
                foreach (var wrong in SceneVocabulary.Colors.Where(c => c != scene.OtherColor))
                    Expect(Words(count, scene.GroupColor, scene.GroupShape, plural, Phrase(relation), wrong, scene.OtherShape, inverse), s => s.OtherColor, "other colour");
                foreach (var wrong in SceneVocabulary.Shapes.Where(c => c != scene.OtherShape))
                    Expect(Words(count, scene.GroupColor, scene.GroupShape, plural, Phrase(relation), scene.OtherColor, wrong, inverse), s => s.OtherShape, "other shape");
            }
        }
        Assert.Equal(300 * 2 * (2 + 3 + 2 + 3 + 3 + 2), checkedCaptions);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lorem ipsum dolor sit amet")]
    [InlineData("<unk> <unk> <unk>")]
    [InlineData("purple hexagons")]
    public void GarbageScoresNothing(string caption)
    {
        foreach (var scene in ShapeScenes.Generate(50, 41))
            Assert.Equal(0, SceneAttributes.Score(scene, caption).CorrectAttributes);
    }

    [Fact]
    public void AccuracyAveragesColourAndShapeSlotsAndWholeCaptions()
    {
        var scene = Scene(2, ShapeColor.Red, ShapeKind.Circle, SpatialRelation.Above, ShapeColor.Blue, ShapeKind.Square);
        var accuracy = AttributeAccuracy.Measure([scene, scene, scene, scene],
        [
            "two red circles above a blue square",      // exact
            "two red circles below a blue square",      // relation wrong
            "three green circles above a blue circle",  // count, one colour, one shape wrong
            "nothing at all",                           // everything wrong
        ]);
        Assert.Equal(4, accuracy.Captions);
        Assert.Equal(5.0 / 8, accuracy.Color, 12);
        Assert.Equal(5.0 / 8, accuracy.Shape, 12);
        Assert.Equal(2.0 / 4, accuracy.Count, 12);
        Assert.Equal(2.0 / 4, accuracy.Relation, 12);
        Assert.Equal(1.0 / 4, accuracy.Exact, 12);
        Assert.Contains("exact 0.250 (4 captions)", accuracy.ToString());
        Assert.Throws<ArgumentException>(() => AttributeAccuracy.Measure([scene], []));
    }
}
