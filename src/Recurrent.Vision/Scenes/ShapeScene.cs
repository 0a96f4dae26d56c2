// ShapeScene: one generated scene of the captions demo — a primary group of 1–3 shapes of one colour and shape, and
// a single second object that differs from them in colour, shape or both, with the whole group on one side of it
// (above / below / left of / right of). The attribute fields are what captions state and what scoring checks; the
// objects are the layout the renderer draws. Made by ShapeScenes.Generate; equality compares every field and object.
namespace Recurrent.Vision.Scenes;

/// <summary>A generated scene: the group's attributes, the relation, the second object, and the exact layout.</summary>
public sealed record ShapeScene
{
    /// <summary>Creates a scene, checking that the layout agrees with the attributes.</summary>
    public ShapeScene(IReadOnlyList<SceneObject> group, SpatialRelation relation, SceneObject other, Rgb background)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.Count < SceneVocabulary.MinGroupCount || group.Count > SceneVocabulary.MaxGroupCount)
            throw new ArgumentException($"A scene's group holds {SceneVocabulary.MinGroupCount} to {SceneVocabulary.MaxGroupCount} objects, got {group.Count}.", nameof(group));
        foreach (var o in group)
            if (o.Color != group[0].Color || o.Shape != group[0].Shape)
                throw new ArgumentException($"Every object of a group has one colour and shape: {group[0].Color} {group[0].Shape} beside {o.Color} {o.Shape}.", nameof(group));
        if (other.Color == group[0].Color && other.Shape == group[0].Shape)
            throw new ArgumentException($"The second object must differ from the group in colour or shape; both are {other.Color} {other.Shape}.", nameof(other));
        Group = group.ToArray();
        Relation = relation;
        Other = other;
        Background = background;
    }

    /// <summary>The objects of the primary group (all one colour and shape), 1 to 3 of them.</summary>
    public IReadOnlyList<SceneObject> Group { get; }

    /// <summary>Where the group lies relative to <see cref="Other"/>.</summary>
    public SpatialRelation Relation { get; }

    /// <summary>The single second object.</summary>
    public SceneObject Other { get; }

    /// <summary>The background fill (white or a light grey).</summary>
    public Rgb Background { get; }

    /// <summary>Number of objects in the group.</summary>
    public int Count => Group.Count;

    /// <summary>Colour of the group.</summary>
    public ShapeColor GroupColor => Group[0].Color;

    /// <summary>Shape of the group.</summary>
    public ShapeKind GroupShape => Group[0].Shape;

    /// <summary>Colour of the second object.</summary>
    public ShapeColor OtherColor => Other.Color;

    /// <summary>Shape of the second object.</summary>
    public ShapeKind OtherShape => Other.Shape;

    /// <summary>True when both scenes have the same attributes, background and every object in the same place.</summary>
    public bool Equals(ShapeScene? other) =>
        other is not null && Relation == other.Relation && Other == other.Other && Background == other.Background
        && Group.SequenceEqual(other.Group);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Relation);
        hash.Add(Other);
        hash.Add(Background);
        foreach (var o in Group) hash.Add(o);
        return hash.ToHashCode();
    }
}
