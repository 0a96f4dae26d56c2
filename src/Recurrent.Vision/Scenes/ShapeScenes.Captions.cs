// ShapeScenes.Captions: the sentences a scene is described by. One canonical caption (what a model is asked to
// produce and what BLEU references first) and three paraphrases, so a training set has several captions per image
// like real captioning sets. The grammar, with G = the group's noun phrase, O = the second object's, R = the
// relation, R' = its inverse:
//   NP        := "a" colour shape | ("two" | "three") colour shape "s"
//   canonical :  G R O                       "two red circles above a blue square"
//   inverse   :  O R' G                      "a blue square below two red circles"
//   there     :  "there" ("is"|"are") G R O  "there are two red circles above a blue square"
//   copula    :  G ("is"|"are") R-long O     "two red circles are above a blue square" / "… is to the left of …"
// where R is "above" | "below" | "left of" | "right of" and R-long spells the last two "to the left of" /
// "to the right of". Lower case, single spaces, no final full stop. SceneAttributes.Parse reads all of them back.
namespace Recurrent.Vision.Scenes;

public static partial class ShapeScenes
{
    /// <summary>The canonical caption: group, relation, second object ("two red circles above a blue square").</summary>
    public static string Caption(ShapeScene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        return $"{GroupPhrase(scene)} {SceneVocabulary.Phrase(scene.Relation)} {OtherPhrase(scene)}";
    }

    /// <summary>
    /// Three other phrasings of the same scene: the inverse relation with the objects swapped ("a blue square below
    /// two red circles"), "there is/are …", and "… is/are [to the] … of …".
    /// </summary>
    public static IReadOnlyList<string> Paraphrases(ShapeScene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        string group = GroupPhrase(scene), other = OtherPhrase(scene), verb = scene.Count == 1 ? "is" : "are";
        return
        [
            $"{other} {SceneVocabulary.Phrase(SceneVocabulary.Inverse(scene.Relation))} {group}",
            $"there {verb} {group} {SceneVocabulary.Phrase(scene.Relation)} {other}",
            $"{group} {verb} {SceneVocabulary.LongPhrase(scene.Relation)} {other}",
        ];
    }

    /// <summary>The canonical caption followed by the paraphrases: every reference caption of the scene.</summary>
    public static IReadOnlyList<string> AllCaptions(ShapeScene scene) => [Caption(scene), .. Paraphrases(scene)];

    private static string GroupPhrase(ShapeScene scene) =>
        $"{SceneVocabulary.CountWord(scene.Count)} {SceneVocabulary.Word(scene.GroupColor)} {SceneVocabulary.Word(scene.GroupShape, scene.Count > 1)}";

    private static string OtherPhrase(ShapeScene scene) =>
        $"{SceneVocabulary.CountWord(1)} {SceneVocabulary.Word(scene.OtherColor)} {SceneVocabulary.Word(scene.OtherShape, plural: false)}";
}
