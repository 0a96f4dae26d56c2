// PredictedTarget: one scored target of PaddedInference.Evaluate — which example (and which step of it, for a tagger),
// its true class, the arg-max class and that class's softmax probability — handed to an optional observer, so an
// evaluator can keep a few predictions (for predictions.json) from the pass that computes its metrics instead of
// running a second one.
namespace Recurrent.Supervised;

/// <summary>A labelled target and the model's prediction for it.</summary>
/// <param name="Example">Index of the example in the evaluated list.</param>
/// <param name="Step">The step of the target (0 for a last-step head).</param>
/// <param name="Actual">The true class id.</param>
/// <param name="Predicted">The arg-max class id (the first on ties, as the accuracy counts it).</param>
/// <param name="Confidence">Softmax probability of <paramref name="Predicted"/>.</param>
public readonly record struct PredictedTarget(int Example, int Step, int Actual, int Predicted, float Confidence);
