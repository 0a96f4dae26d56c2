// ShapeScenes.Generate: the deterministic scene generator of the captions demo. Each scene draws, from one Rng
// stream seeded by the caller: the group's count (1–3, uniform), colour and shape (uniform), a second object of a
// different colour or shape (uniform over the 11 others), the relation (uniform over 4), each object's size (30–50 px
// on a 224 px image), its fill (the named colour ±12 per channel) and the background (white, or a grey of 228–247).
//
// Layout is drawn in one canonical frame — the group above the second object — and then mirrored or transposed into
// the relation asked for, so all four relations share one sampler and the same guarantees:
//   * every box lies at least 6 px (on 224) inside the image, and any two boxes are at least 6 px apart: no overlap;
//   * along the relation's axis, every group box ends at least 12 px before the second object's box begins;
//   * across that axis, every group centre is offset from the second object's centre by at most 0.6 of its
//     distance along the axis (within 31° of the relation's direction), so "above" is never also read as "left of".
// A group member that cannot be placed after 64 tries restarts the whole layout (rare: the sizes were too large).
using Recurrent.Randomness;

namespace Recurrent.Vision.Scenes;

/// <summary>
/// The shape scenes of <c>rnn demo captions</c>: generation (deterministic from a seed), captions and paraphrases,
/// and rendering with SkiaSharp.
/// </summary>
public static partial class ShapeScenes
{
    /// <summary>Smallest object side, in pixels of a 224 px image.</summary>
    public const double MinObjectPixels = 30;
    /// <summary>Largest object side, in pixels of a 224 px image.</summary>
    public const double MaxObjectPixels = 50;
    /// <summary>Least distance between a box and the image edge, in pixels of a 224 px image.</summary>
    public const double EdgeMarginPixels = 6;
    /// <summary>Least gap between any two boxes, in pixels of a 224 px image.</summary>
    public const double ObjectGapPixels = 6;
    /// <summary>Least gap along the relation's axis between each group box and the second object's box (224 px image).</summary>
    public const double RelationGapPixels = 12;

    /// <summary>Largest ratio of a group centre's offset across the relation's axis to its distance along it.</summary>
    public const double MaxAcrossRatio = 0.6;

    private const double Reference = 224;
    private const int MemberTries = 64;

    private static readonly Dictionary<ShapeColor, Rgb> BaseFill = new()
    {
        [ShapeColor.Red] = new Rgb(220, 40, 40),
        [ShapeColor.Green] = new Rgb(40, 165, 60),
        [ShapeColor.Blue] = new Rgb(40, 80, 220),
        [ShapeColor.Yellow] = new Rgb(235, 195, 20),
    };

    /// <summary>
    /// Generates <paramref name="count"/> scenes, the same ones for the same seed on every run and platform
    /// (all randomness comes from <see cref="Rng"/>).
    /// </summary>
    public static IReadOnlyList<ShapeScene> Generate(int count, ulong seed)
    {
        if (count < 0) throw new ArgumentException($"count must be zero or more, got {count}.", nameof(count));
        var rng = new Rng(seed);
        var scenes = new ShapeScene[count];
        for (int i = 0; i < count; i++) scenes[i] = Next(rng);
        return scenes;
    }

    /// <summary>Draws one scene from <paramref name="rng"/> (the step <see cref="Generate"/> repeats).</summary>
    public static ShapeScene Next(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int groupCount = SceneVocabulary.MinGroupCount + rng.NextInt(SceneVocabulary.MaxGroupCount - SceneVocabulary.MinGroupCount + 1);
        var groupColor = SceneVocabulary.Colors[rng.NextInt(SceneVocabulary.Colors.Count)];
        var groupShape = SceneVocabulary.Shapes[rng.NextInt(SceneVocabulary.Shapes.Count)];
        ShapeColor otherColor;
        ShapeKind otherShape;
        do
        {
            otherColor = SceneVocabulary.Colors[rng.NextInt(SceneVocabulary.Colors.Count)];
            otherShape = SceneVocabulary.Shapes[rng.NextInt(SceneVocabulary.Shapes.Count)];
        } while (otherColor == groupColor && otherShape == groupShape);
        var relation = SceneVocabulary.Relations[rng.NextInt(SceneVocabulary.Relations.Count)];
        byte level = rng.NextInt(2) == 0 ? (byte)255 : (byte)(228 + rng.NextInt(20));
        var background = new Rgb(level, level, level);

        // Canonical frame: group above the second object. Positions are (across, along) = (x, y) here.
        var (group, other) = CanonicalLayout(rng, groupCount);
        var groupObjects = new SceneObject[groupCount];
        for (int i = 0; i < groupCount; i++)
        {
            var (x, y) = FromCanonical(relation, group[i].Across, group[i].Along);
            groupObjects[i] = new SceneObject(groupColor, groupShape, Jitter(rng, groupColor), x, y, group[i].Size);
        }
        var (ox, oy) = FromCanonical(relation, other.Across, other.Along);
        var otherObject = new SceneObject(otherColor, otherShape, Jitter(rng, otherColor), ox, oy, other.Size);
        return new ShapeScene(groupObjects, relation, otherObject, background);
    }

    private readonly record struct Placed(double Across, double Along, double Size);

    private static (Placed[] Group, Placed Other) CanonicalLayout(Rng rng, int groupCount)
    {
        const double edge = EdgeMarginPixels / Reference, gap = ObjectGapPixels / Reference, relationGap = RelationGapPixels / Reference;
        while (true)
        {
            double otherSize = ObjectSize(rng);
            double lowestAlong = edge + MaxObjectPixels / Reference + relationGap + otherSize / 2;
            var other = new Placed(
                rng.Uniform(edge + otherSize / 2, 1 - edge - otherSize / 2),
                rng.Uniform(lowestAlong, 1 - edge - otherSize / 2),
                otherSize);
            var group = new Placed[groupCount];
            bool placedAll = true;
            for (int i = 0; i < groupCount && placedAll; i++)
            {
                double size = ObjectSize(rng);
                placedAll = false;
                for (int attempt = 0; attempt < MemberTries && !placedAll; attempt++)
                {
                    double along = rng.Uniform(edge + size / 2, other.Along - otherSize / 2 - relationGap - size / 2);
                    double reach = MaxAcrossRatio * (other.Along - along); // the cone: |across offset| <= 0.6 × along distance
                    double lo = Math.Max(edge + size / 2, other.Across - reach), hi = Math.Min(1 - edge - size / 2, other.Across + reach);
                    if (hi <= lo) continue;
                    var candidate = new Placed(rng.Uniform(lo, hi), along, size);
                    bool clear = true;
                    for (int j = 0; j < i && clear; j++) clear = Apart(candidate, group[j], gap);
                    if (!clear) continue;
                    group[i] = candidate;
                    placedAll = true;
                }
            }
            if (placedAll) return (group, other);
        }
    }

    private static double ObjectSize(Rng rng) => rng.Uniform(MinObjectPixels, MaxObjectPixels) / Reference;

    /// <summary>True when two square boxes are separated by at least <paramref name="gap"/> along x or along y.</summary>
    private static bool Apart(Placed a, Placed b, double gap)
    {
        double half = (a.Size + b.Size) / 2 + gap;
        return Math.Abs(a.Across - b.Across) >= half || Math.Abs(a.Along - b.Along) >= half;
    }

    /// <summary>Maps canonical (across, along) — group above — to image (x, y) for <paramref name="relation"/>.</summary>
    private static (double X, double Y) FromCanonical(SpatialRelation relation, double across, double along) => relation switch
    {
        SpatialRelation.Above => (across, along),
        SpatialRelation.Below => (across, 1 - along),
        SpatialRelation.LeftOf => (along, across),
        SpatialRelation.RightOf => (1 - along, across),
        _ => throw new ArgumentException($"Unknown spatial relation {(int)relation}.", nameof(relation)),
    };

    private static Rgb Jitter(Rng rng, ShapeColor color)
    {
        var fill = BaseFill[color];
        static byte Channel(Rng rng, byte value) => (byte)Math.Clamp(value + rng.NextInt(25) - 12, 0, 255);
        byte r = Channel(rng, fill.R), g = Channel(rng, fill.G), b = Channel(rng, fill.B);
        return new Rgb(r, g, b);
    }
}
