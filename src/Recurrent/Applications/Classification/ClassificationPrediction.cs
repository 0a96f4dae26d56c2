// ClassificationPrediction: the classifier's answer for one sequence — the most probable label and the
// probability of every label (softmax of the last-step head).
namespace Recurrent.Classification;

/// <summary>Predicted label, its probability and all class probabilities (in label-id order).</summary>
public sealed record ClassificationPrediction(int LabelId, string Label, float Probability, float[] Probabilities, int Line);
