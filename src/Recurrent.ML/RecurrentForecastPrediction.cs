// RecurrentForecastPrediction: what RecurrentForecastEngine.PredictWithBounds returns — the next values of the series
// and, for a model trained with a bound column, the band's lower and upper bounds at the same steps.
// Shapes: each array (steps), in the series' units.
namespace Recurrent.ML;

/// <summary>A forecast of the next steps of a series, with its band when the model has one.</summary>
/// <param name="Forecast">The point forecast (the median for a model with bounds), (steps).</param>
/// <param name="LowerBound">The lower quantile at each step, or null when the model has no bounds.</param>
/// <param name="UpperBound">The upper quantile at each step, or null when the model has no bounds.</param>
public sealed record RecurrentForecastPrediction(float[] Forecast, float[]? LowerBound, float[]? UpperBound);
