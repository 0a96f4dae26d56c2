// ForecastMetrics: mean squared and mean absolute error between predictions and true values, in the series'
// own units, over every predicted value.
namespace Recurrent.Forecasting;

/// <summary>Errors of a forecast in original units.</summary>
/// <param name="Count">Values compared.</param>
/// <param name="Mse">Mean squared error.</param>
/// <param name="Mae">Mean absolute error.</param>
public sealed record ForecastMetrics(long Count, double Mse, double Mae)
{
    /// <summary>Compares equally long spans of predictions and truths.</summary>
    public static ForecastMetrics Compute(ReadOnlySpan<double> predictions, ReadOnlySpan<double> truths)
    {
        if (predictions.Length != truths.Length) throw new ArgumentException($"{predictions.Length} predictions for {truths.Length} true values.", nameof(predictions));
        if (predictions.Length == 0) throw new ArgumentException("There is nothing to compare.", nameof(predictions));
        double sq = 0, abs = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            double d = predictions[i] - truths[i];
            sq += d * d;
            abs += Math.Abs(d);
        }
        return new ForecastMetrics(predictions.Length, sq / predictions.Length, abs / predictions.Length);
    }
}
