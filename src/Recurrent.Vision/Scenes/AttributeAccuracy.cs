// AttributeAccuracy: the captions demo's exact-attribute metrics over a held-out set — the fraction of colours right
// (the group's and the second object's colour, two per caption), of shapes right (two per caption), of counts, of
// relations, and of captions with every attribute right ("exact", the demo's strictest bar).
namespace Recurrent.Vision.Scenes;

/// <summary>Attribute accuracies of generated captions over a set of scenes, each in [0, 1].</summary>
/// <param name="Captions">How many captions were scored.</param>
/// <param name="Color">Fraction of colour slots right (group and second object: two per caption).</param>
/// <param name="Shape">Fraction of shape slots right (two per caption).</param>
/// <param name="Count">Fraction of captions with the group's count right.</param>
/// <param name="Relation">Fraction of captions with the relation right.</param>
/// <param name="Exact">Fraction of captions with every attribute right.</param>
public sealed record AttributeAccuracy(int Captions, double Color, double Shape, double Count, double Relation, double Exact)
{
    /// <summary>Scores <paramref name="captions"/>[i] against <paramref name="scenes"/>[i] and averages.</summary>
    public static AttributeAccuracy Measure(IReadOnlyList<ShapeScene> scenes, IReadOnlyList<string> captions)
    {
        ArgumentNullException.ThrowIfNull(scenes);
        ArgumentNullException.ThrowIfNull(captions);
        if (scenes.Count != captions.Count)
            throw new ArgumentException($"Each scene needs one caption: {scenes.Count} scenes, {captions.Count} captions.", nameof(captions));
        var scores = new AttributeScore[scenes.Count];
        for (int i = 0; i < scores.Length; i++) scores[i] = SceneAttributes.Score(scenes[i], captions[i]);
        return FromScores(scores);
    }

    /// <summary>Averages scores already made; an empty set gives zeros.</summary>
    public static AttributeAccuracy FromScores(IReadOnlyList<AttributeScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        int n = scores.Count;
        if (n == 0) return new AttributeAccuracy(0, 0, 0, 0, 0, 0);
        double Fraction(Func<AttributeScore, int> correct, int slots) => scores.Sum(correct) / (double)(n * slots);
        return new AttributeAccuracy(n,
            Color: Fraction(s => (s.GroupColor ? 1 : 0) + (s.OtherColor ? 1 : 0), 2),
            Shape: Fraction(s => (s.GroupShape ? 1 : 0) + (s.OtherShape ? 1 : 0), 2),
            Count: Fraction(s => s.Count ? 1 : 0, 1),
            Relation: Fraction(s => s.Relation ? 1 : 0, 1),
            Exact: Fraction(s => s.Exact ? 1 : 0, 1));
    }

    /// <summary>One line for reports: "colour 0.981  shape 0.975  count 0.940  relation 0.912  exact 0.850 (500 captions)".</summary>
    public override string ToString() =>
        FormattableString.Invariant($"colour {Color:F3}  shape {Shape:F3}  count {Count:F3}  relation {Relation:F3}  exact {Exact:F3} ({Captions} captions)");
}
