// AttributeScore: one caption checked against one scene, attribute by attribute (SceneAttributes.Score makes it);
// AttributeAccuracy averages many. Count is right only when the group's count is right and the caption names a
// single second object; an attribute the caption does not state is wrong.
namespace Recurrent.Vision.Scenes;

/// <summary>Which attributes of a scene a caption got right.</summary>
/// <param name="Count">The group's count (and exactly one second object).</param>
/// <param name="GroupColor">The group's colour.</param>
/// <param name="GroupShape">The group's shape.</param>
/// <param name="Relation">The relation between group and second object.</param>
/// <param name="OtherColor">The second object's colour.</param>
/// <param name="OtherShape">The second object's shape.</param>
public readonly record struct AttributeScore(bool Count, bool GroupColor, bool GroupShape, bool Relation, bool OtherColor, bool OtherShape)
{
    /// <summary>Number of attributes in a score.</summary>
    public const int Attributes = 6;

    /// <summary>How many of the six attributes are right.</summary>
    public int CorrectAttributes =>
        (Count ? 1 : 0) + (GroupColor ? 1 : 0) + (GroupShape ? 1 : 0) + (Relation ? 1 : 0) + (OtherColor ? 1 : 0) + (OtherShape ? 1 : 0);

    /// <summary>True when every attribute is right.</summary>
    public bool Exact => CorrectAttributes == Attributes;
}
