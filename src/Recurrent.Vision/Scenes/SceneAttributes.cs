// SceneAttributes: what a caption states about a scene — the group's count, colour and shape, the relation, and the
// second object's count, colour and shape — read back from text, and compared with a scene for the captions demo's
// exact-attribute accuracy. A field is null when the caption does not say it.
//
// Reading: lower-case words (punctuation is a separator); the first relation phrase splits the caption into a
// subject and an object part ("above" | "over"; "below" | "under" | "beneath"; "[to|on the] left of"; "[to|on the]
// right of"). In each part the first number word ("a" | "an" | "one" → 1, "two", "three"), the first colour word
// and the first shape word (singular or plural) are taken; other words ("there", "is", "are", "the") are ignored.
// The group is the plural noun phrase: when the subject is singular and the object plural ("a blue square below two
// red circles"), the parts are swapped and the relation inverted. With two singular phrases the caption names no
// group ("a red circle above a blue square" and "a blue square below a red circle" are one scene), so Score reads
// it both ways and keeps the reading with more attributes right (ties: as written).
namespace Recurrent.Vision.Scenes;

/// <summary>The attributes a caption states; null where it says nothing. See <see cref="Parse"/>.</summary>
/// <param name="Count">How many objects the group has.</param>
/// <param name="GroupColor">The group's colour.</param>
/// <param name="GroupShape">The group's shape.</param>
/// <param name="Relation">Where the group is relative to the second object.</param>
/// <param name="OtherCount">How many second objects the caption names (a scene always has one).</param>
/// <param name="OtherColor">The second object's colour.</param>
/// <param name="OtherShape">The second object's shape.</param>
public sealed record SceneAttributes(
    int? Count, ShapeColor? GroupColor, ShapeKind? GroupShape, SpatialRelation? Relation,
    int? OtherCount, ShapeColor? OtherColor, ShapeKind? OtherShape)
{
    /// <summary>The attributes of a scene, every field set (what its canonical caption states).</summary>
    public static SceneAttributes Of(ShapeScene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        return new SceneAttributes(scene.Count, scene.GroupColor, scene.GroupShape, scene.Relation, 1, scene.OtherColor, scene.OtherShape);
    }

    /// <summary>The same statement read from the other object: group and second object swapped, relation inverted.</summary>
    public SceneAttributes Inverted() => new(OtherCount, OtherColor, OtherShape,
        Relation is { } r ? SceneVocabulary.Inverse(r) : null, Count, GroupColor, GroupShape);

    /// <summary>
    /// Reads the attributes a caption states: every phrasing of <see cref="ShapeScenes.Caption"/> and
    /// <see cref="ShapeScenes.Paraphrases"/>, and looser text (unknown words are ignored; what is missing is null).
    /// </summary>
    public static SceneAttributes Parse(string caption)
    {
        ArgumentNullException.ThrowIfNull(caption);
        var words = Words(caption);
        var (relation, start, end) = FindRelation(words);
        if (relation is null)
        {
            var whole = NounPhrase.Read(words, 0, words.Count);
            return new SceneAttributes(whole.Count, whole.Color, whole.Shape, null, null, null, null);
        }
        var subject = NounPhrase.Read(words, 0, start);
        var obj = NounPhrase.Read(words, end, words.Count);
        var read = new SceneAttributes(subject.Count, subject.Color, subject.Shape, relation, obj.Count, obj.Color, obj.Shape);
        return subject.Count == 1 && obj.Count > 1 ? read.Inverted() : read;
    }

    /// <summary>Scores <paramref name="caption"/> against <paramref name="scene"/>, attribute by attribute (see the file header).</summary>
    public static AttributeScore Score(ShapeScene scene, string caption)
    {
        ArgumentNullException.ThrowIfNull(scene);
        var read = Parse(caption);
        var asWritten = read.Compare(scene);
        if (read.Count != 1 || read.OtherCount != 1) return asWritten;
        var swapped = read.Inverted().Compare(scene);
        return swapped.CorrectAttributes > asWritten.CorrectAttributes ? swapped : asWritten;
    }

    /// <summary>Compares these attributes with a scene's, as they stand (no swapping); a null field is wrong.</summary>
    public AttributeScore Compare(ShapeScene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        return new AttributeScore(
            Count: Count == scene.Count && OtherCount == 1,
            GroupColor: GroupColor == scene.GroupColor,
            GroupShape: GroupShape == scene.GroupShape,
            Relation: Relation == scene.Relation,
            OtherColor: OtherColor == scene.OtherColor,
            OtherShape: OtherShape == scene.OtherShape);
    }

    private static List<string> Words(string caption)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (char c in caption)
        {
            if (char.IsLetter(c)) current.Append(char.ToLowerInvariant(c));
            else if (current.Length > 0) { words.Add(current.ToString()); current.Clear(); }
        }
        if (current.Length > 0) words.Add(current.ToString());
        return words;
    }

    /// <summary>The first relation phrase: its relation and the word span [start, end) it covers.</summary>
    private static (SpatialRelation? Relation, int Start, int End) FindRelation(List<string> words)
    {
        for (int i = 0; i < words.Count; i++)
        {
            switch (words[i])
            {
                case "above" or "over":
                    return (SpatialRelation.Above, i, i + 1);
                case "below" or "under" or "beneath":
                    return (SpatialRelation.Below, i, i + 1);
                case "left" or "right" when i + 1 < words.Count && words[i + 1] == "of":
                    int start = i >= 2 && words[i - 1] == "the" && words[i - 2] is "to" or "on" ? i - 2 : i;
                    return (words[i] == "left" ? SpatialRelation.LeftOf : SpatialRelation.RightOf, start, i + 2);
            }
        }
        return (null, words.Count, words.Count);
    }

    private readonly record struct NounPhrase(int? Count, ShapeColor? Color, ShapeKind? Shape)
    {
        public static NounPhrase Read(List<string> words, int start, int end)
        {
            int? count = null;
            ShapeColor? color = null;
            ShapeKind? shape = null;
            for (int i = start; i < end; i++)
            {
                string w = words[i];
                count ??= w switch { "a" or "an" or "one" => 1, "two" => 2, "three" => 3, _ => null };
                color ??= ColorOf(w);
                shape ??= ShapeOf(w);
            }
            return new NounPhrase(count, color, shape);
        }

        private static ShapeColor? ColorOf(string word)
        {
            foreach (var c in SceneVocabulary.Colors)
                if (word == SceneVocabulary.Word(c)) return c;
            return null;
        }

        private static ShapeKind? ShapeOf(string word)
        {
            foreach (var s in SceneVocabulary.Shapes)
                if (word == SceneVocabulary.Word(s, plural: false) || word == SceneVocabulary.Word(s, plural: true)) return s;
            return null;
        }
    }
}
