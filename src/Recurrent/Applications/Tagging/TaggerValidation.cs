// TaggerValidation: the tagger's evaluator for the fit loop — mean cross-entropy and per-token accuracy over the
// held-out sentences' tags, and conlleval-style entity F1 of the predicted tags (dropout off); the loss is monitored.
using Recurrent.Supervised;
using Recurrent.Training;

namespace Recurrent.Tagging;

/// <summary>val_loss, val_token_accuracy and val_entity_f1 of a tagger.</summary>
internal sealed class TaggerValidation(SequenceTagger tagger, IReadOnlyList<TaggedSentence> sentences, IReadOnlyList<SequenceExample> examples,
    int batchSize) : IEvaluator
{
    public Evaluation Evaluate()
    {
        var (loss, accuracy) = PaddedInference.Evaluate(tagger.Model, examples, batchSize);
        var entities = new EntityScorer();
        List<string[]> predicted = tagger.Predict(sentences, batchSize);
        for (int i = 0; i < sentences.Count; i++) entities.Add(sentences[i].Tags!, predicted[i]);
        return new Evaluation([new("val_loss", loss), new("val_token_accuracy", accuracy), new("val_entity_f1", entities.F1())],
            "val_loss", HigherIsBetter: false);
    }
}
