// SceneVocabulary: the closed attribute spaces of the generated shape scenes (colour, shape, spatial relation) and
// the words captions use for them. One table per attribute, so the caption writer (ShapeScenes.Captions.cs) and the
// caption reader (SceneAttributes.cs) cannot drift apart. Sizes: 4 colours × 3 shapes × counts 1–3 × 4 relations.
namespace Recurrent.Vision.Scenes;

/// <summary>The fill colour of a shape in a generated scene.</summary>
public enum ShapeColor
{
    /// <summary>Red (RGB about 220, 40, 40).</summary>
    Red,
    /// <summary>Green (RGB about 40, 165, 60).</summary>
    Green,
    /// <summary>Blue (RGB about 40, 80, 220).</summary>
    Blue,
    /// <summary>Yellow (RGB about 235, 195, 20).</summary>
    Yellow,
}

/// <summary>The outline of a shape in a generated scene; every shape fills its square bounding box's width.</summary>
public enum ShapeKind
{
    /// <summary>A disc whose diameter is the object's size.</summary>
    Circle,
    /// <summary>An axis-aligned square whose side is the object's size.</summary>
    Square,
    /// <summary>An upward isosceles triangle: base and height equal the object's size.</summary>
    Triangle,
}

/// <summary>Where the primary group of a scene lies relative to its second object (image coordinates, y down).</summary>
public enum SpatialRelation
{
    /// <summary>The group is above the second object.</summary>
    Above,
    /// <summary>The group is below the second object.</summary>
    Below,
    /// <summary>The group is left of the second object.</summary>
    LeftOf,
    /// <summary>The group is right of the second object.</summary>
    RightOf,
}

/// <summary>The words of the caption grammar for each attribute value, shared by the writer and the reader.</summary>
public static class SceneVocabulary
{
    /// <summary>Smallest number of objects in a scene's primary group.</summary>
    public const int MinGroupCount = 1;

    /// <summary>Largest number of objects in a scene's primary group.</summary>
    public const int MaxGroupCount = 3;

    /// <summary>Every colour, in enum order.</summary>
    public static IReadOnlyList<ShapeColor> Colors { get; } = Enum.GetValues<ShapeColor>();

    /// <summary>Every shape, in enum order.</summary>
    public static IReadOnlyList<ShapeKind> Shapes { get; } = Enum.GetValues<ShapeKind>();

    /// <summary>Every relation, in enum order.</summary>
    public static IReadOnlyList<SpatialRelation> Relations { get; } = Enum.GetValues<SpatialRelation>();

    /// <summary>The caption word for a colour ("red").</summary>
    public static string Word(ShapeColor color) => color switch
    {
        ShapeColor.Red => "red",
        ShapeColor.Green => "green",
        ShapeColor.Blue => "blue",
        ShapeColor.Yellow => "yellow",
        _ => throw new ArgumentException($"Unknown shape colour {(int)color}.", nameof(color)),
    };

    /// <summary>The caption word for a shape, singular ("circle") or plural ("circles").</summary>
    public static string Word(ShapeKind shape, bool plural)
    {
        string singular = shape switch
        {
            ShapeKind.Circle => "circle",
            ShapeKind.Square => "square",
            ShapeKind.Triangle => "triangle",
            _ => throw new ArgumentException($"Unknown shape kind {(int)shape}.", nameof(shape)),
        };
        return plural ? singular + "s" : singular;
    }

    /// <summary>The caption words for a count: "a" for one, then "two", "three".</summary>
    public static string CountWord(int count) => count switch
    {
        1 => "a",
        2 => "two",
        3 => "three",
        _ => throw new ArgumentException($"Counts in scene captions are 1 to 3, got {count}.", nameof(count)),
    };

    /// <summary>The short relation phrase of canonical captions: "above", "below", "left of", "right of".</summary>
    public static string Phrase(SpatialRelation relation) => relation switch
    {
        SpatialRelation.Above => "above",
        SpatialRelation.Below => "below",
        SpatialRelation.LeftOf => "left of",
        SpatialRelation.RightOf => "right of",
        _ => throw new ArgumentException($"Unknown spatial relation {(int)relation}.", nameof(relation)),
    };

    /// <summary>The long relation phrase of some paraphrases: "above", "below", "to the left of", "to the right of".</summary>
    public static string LongPhrase(SpatialRelation relation) => relation switch
    {
        SpatialRelation.LeftOf => "to the left of",
        SpatialRelation.RightOf => "to the right of",
        _ => Phrase(relation),
    };

    /// <summary>The relation seen from the other side: above ↔ below, left of ↔ right of.</summary>
    public static SpatialRelation Inverse(SpatialRelation relation) => relation switch
    {
        SpatialRelation.Above => SpatialRelation.Below,
        SpatialRelation.Below => SpatialRelation.Above,
        SpatialRelation.LeftOf => SpatialRelation.RightOf,
        SpatialRelation.RightOf => SpatialRelation.LeftOf,
        _ => throw new ArgumentException($"Unknown spatial relation {(int)relation}.", nameof(relation)),
    };
}
