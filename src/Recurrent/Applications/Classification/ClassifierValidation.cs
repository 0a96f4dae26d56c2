// ClassifierValidation: the classifier's evaluator for the fit loop — mean cross-entropy, accuracy and macro-F1 on
// the held-out examples (dropout off, one forward pass), the loss monitored low as Keras' EarlyStopping does by default.
using Recurrent.Models;
using Recurrent.Supervised;
using Recurrent.Training;

namespace Recurrent.Classification;

/// <summary>val_loss, val_accuracy and val_macro_f1 of a classifier.</summary>
internal sealed class ClassifierValidation(SequenceModel<float> model, IReadOnlyList<SequenceExample> examples, int batchSize, int classes) : IEvaluator
{
    public Evaluation Evaluate()
    {
        var matrix = new ConfusionMatrix(classes);
        var (loss, _) = PaddedInference.Evaluate(model, examples, batchSize, matrix); // one forward pass for all three

        return new Evaluation([new("val_loss", loss), new("val_accuracy", matrix.Accuracy), new("val_macro_f1", matrix.MacroF1)], "val_loss", HigherIsBetter: false);
    }
}
