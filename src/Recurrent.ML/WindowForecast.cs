// WindowForecast: the one place the ML.NET forecaster asks the core Forecaster for numbers — the next `steps` values
// after a history of exactly L = W + Lag observations, through Forecaster.ContinueQuantiles (for steps ≤ H that is the
// network's forward on that one window, a batch of one; beyond H each block of H is forecast from the window ending with
// the previous block's point forecasts). Transform's rows and the engine both come here, so they give the same bits.
// The Forecaster reuses buffers, so calls on one model are serialised.
// Shapes: history (L); the core's result (steps, 1 target, Q); returned arrays (steps).
using Recurrent.Forecasting;

namespace Recurrent.ML;

internal static class WindowForecast
{
    /// <summary>The forecast (and, with <paramref name="bounds"/>, the outermost quantiles) of the <paramref name="steps"/> values after <paramref name="history"/>.</summary>
    public static RecurrentForecastPrediction Compute(Forecaster forecaster, ReadOnlySpan<double> history, int steps, bool bounds)
    {
        var spec = forecaster.Spec;
        int q = spec.QuantileCount, p = spec.PointQuantile;
        double[] all;
        lock (forecaster) all = forecaster.ContinueQuantiles(history, history.Length, steps);
        var point = new float[steps];
        float[]? lower = bounds ? new float[steps] : null, upper = bounds ? new float[steps] : null;
        for (int s = 0; s < steps; s++)
        {
            point[s] = (float)all[s * q + p];
            if (bounds)
            {
                lower![s] = (float)all[s * q];
                upper![s] = (float)all[s * q + q - 1];
            }
        }
        return new RecurrentForecastPrediction(point, lower, upper);
    }
}
