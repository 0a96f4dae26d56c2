// IEvaluationDetails: an evaluator that can say what it predicted, not only how well — after Evaluate, a small JSON
// object (a confusion matrix, a few examples with their predictions, forecast windows) that PredictionsWriter puts
// in the run directory's predictions.json for a dashboard or `rnn report`. Optional: evaluators without it (language
// models, demos) simply get no predictions.json. The details are collected during Evaluate's own pass (no second
// pass), and asking for them changes nothing: no generator is drawn from and no model state is touched.
using System.Text.Json.Nodes;

namespace Recurrent.Training;

/// <summary>An <see cref="IEvaluator"/> that can describe the predictions of its last evaluation.</summary>
public interface IEvaluationDetails
{
    /// <summary>
    /// The predictions of the most recent <see cref="IEvaluator.Evaluate"/> as a new JSON object whose "kind" says
    /// its shape ("confusion", "forecast", "sequences"); null before the first evaluation.
    /// </summary>
    JsonObject? PredictionDetails();
}
