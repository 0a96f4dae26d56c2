// ClassifierValidation: the classifier's evaluator for the fit loop — mean cross-entropy, accuracy and macro-F1 on
// the held-out examples (dropout off, one forward pass), the loss monitored low as Keras' EarlyStopping does by default.
// The same pass keeps the confusion matrix and the predictions for the first few examples, which PredictionDetails
// gives as predictions.json's {"kind":"confusion", "labels", "matrix" (rows = true label), "examples"}.
using System.Globalization;
using System.Text.Json.Nodes;
using Recurrent.Data;
using Recurrent.Models;
using Recurrent.Supervised;
using Recurrent.Training;

namespace Recurrent.Classification;

/// <summary>val_loss, val_accuracy and val_macro_f1 of a classifier, and what it predicted.</summary>
// inputs: what the first examples read (at least the first PredictionJson.MaxExamples), for people: text, or first numbers.
internal sealed class ClassifierValidation(SequenceModel<float> model, IReadOnlyList<SequenceExample> examples, IReadOnlyList<string> inputs,
    int batchSize, Vocabulary labels) : IEvaluator, IEvaluationDetails
{
    private readonly (int Predicted, float Confidence)[] _shown = new (int, float)[Math.Min(PredictionJson.MaxExamples, examples.Count)];
    private ConfusionMatrix? _matrix;

    public Evaluation Evaluate()
    {
        var matrix = new ConfusionMatrix(labels.Count);
        var shown = _shown;
        Array.Fill(shown, (-1, float.NaN));
        var (loss, _) = PaddedInference.Evaluate(model, examples, batchSize, matrix, // one forward pass for all three, and the details
            p => { if (p.Example < shown.Length) shown[p.Example] = (p.Predicted, p.Confidence); });
        _matrix = matrix;
        return new Evaluation([new("val_loss", loss), new("val_accuracy", matrix.Accuracy), new("val_macro_f1", matrix.MacroF1)], "val_loss", HigherIsBetter: false);
    }

    public JsonObject? PredictionDetails()
    {
        if (_matrix is null) return null;
        var shownExamples = new JsonArray();
        for (int i = 0; i < _shown.Length; i++)
        {
            var (predicted, confidence) = _shown[i];
            if (predicted < 0) continue; // an example without a label is not scored
            shownExamples.Add(new JsonObject
            {
                ["input"] = PredictionJson.Shorten(inputs[i]),
                ["target"] = labels[examples[i].Targets[0]],
                ["predicted"] = labels[predicted],
                ["confidence"] = PredictionJson.Number(Math.Round(confidence, 4)),
            });
        }
        return new JsonObject
        {
            ["kind"] = "confusion",
            ["labels"] = PredictionJson.Strings(labels.Names),
            ["matrix"] = _matrix.ToJsonRows(),
            ["examples"] = shownExamples,
        };
    }

    /// <summary>A numeric sequence for people: its first values, invariant culture.</summary>
    internal static string Describe(float[] values)
    {
        const int shown = 24;
        string text = string.Join(" ", values.Take(shown).Select(v => v.ToString("G4", CultureInfo.InvariantCulture)));
        return values.Length > shown ? $"{text} … ({values.Length} values)" : text;
    }
}
