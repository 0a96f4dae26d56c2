// TaggerValidation: the tagger's evaluator for the fit loop — mean cross-entropy and per-token accuracy over the
// held-out sentences' tags, and conlleval-style entity F1 of the predicted tags (dropout off); the loss is monitored.
// The accuracy's pass also keeps the confusion matrix over tags and the predicted tags of the first few sentences,
// which PredictionDetails gives as predictions.json's {"kind":"confusion", "labels" (tags), "matrix" (rows = true
// tag; its diagonal over its total is val_token_accuracy), "examples" (tokens, target and predicted tag sequences)}.
using System.Text.Json.Nodes;
using Recurrent.Supervised;
using Recurrent.Training;

namespace Recurrent.Tagging;

/// <summary>val_loss, val_token_accuracy and val_entity_f1 of a tagger, and what it predicted.</summary>
internal sealed class TaggerValidation(SequenceTagger tagger, IReadOnlyList<TaggedSentence> sentences, IReadOnlyList<SequenceExample> examples,
    int batchSize) : IEvaluator, IEvaluationDetails
{
    // Predicted tag ids of the shown sentences, (sentence)(token); -1 where a token has no target.
    private readonly int[][] _shown = examples.Take(PredictionJson.MaxExamples).Select(e => new int[e.Tokens.Length]).ToArray();
    private ConfusionMatrix? _matrix;

    public Evaluation Evaluate()
    {
        var matrix = new ConfusionMatrix(tagger.Tags.Count);
        var shown = _shown;
        foreach (int[] tags in shown) Array.Fill(tags, -1);
        var (loss, accuracy) = PaddedInference.Evaluate(tagger.Model, examples, batchSize, matrix,
            p => { if (p.Example < shown.Length) shown[p.Example][p.Step] = p.Predicted; });
        _matrix = matrix;
        var entities = new EntityScorer();
        List<string[]> predicted = tagger.Predict(sentences, batchSize);
        for (int i = 0; i < sentences.Count; i++) entities.Add(sentences[i].Tags!, predicted[i]);
        return new Evaluation([new("val_loss", loss), new("val_token_accuracy", accuracy), new("val_entity_f1", entities.F1())],
            "val_loss", HigherIsBetter: false);
    }

    public JsonObject? PredictionDetails()
    {
        if (_matrix is null) return null;
        var tags = tagger.Tags;
        var shownExamples = new JsonArray();
        for (int i = 0; i < _shown.Length; i++)
            shownExamples.Add(new JsonObject
            {
                ["tokens"] = PredictionJson.Strings(sentences[i].Tokens),
                ["target"] = PredictionJson.Strings(sentences[i].Tags!),
                ["predicted"] = PredictionJson.Strings(_shown[i].Select(id => id < 0 ? "" : tags[id])),
            });
        return new JsonObject
        {
            ["kind"] = "confusion",
            ["labels"] = PredictionJson.Strings(tags.Names),
            ["matrix"] = _matrix.ToJsonRows(),
            ["examples"] = shownExamples,
        };
    }
}
