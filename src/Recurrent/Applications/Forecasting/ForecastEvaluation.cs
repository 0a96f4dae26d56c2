// ForecastEvaluation: a forecaster's network run over windows of a ForecastSeries — the loss on the scaled values
// (MSE, or the pinball loss over the quantiles: what training minimises), and per series the ForecastAccuracy in
// the series' units beside the naive and seasonal-naive forecasts of the same windows, MASE scaled by each series'
// history (its rows before Split), and quantile coverage; pooled over the series. The one evaluation behind the
// training log's validation metrics and `rnn eval`.
// Shapes: a batch is inputs (W, B, F) and outputs (B, H·C_target·Q).
using Recurrent.Losses;
using Recurrent.Models;

namespace Recurrent.Forecasting;

/// <summary>The accuracy of a forecaster on windows, per series and overall.</summary>
/// <param name="Loss">Mean loss on the scaled values (MSE, or pinball with quantiles).</param>
/// <param name="Overall">All series together.</param>
/// <param name="PerSeries">Each series that had a window, by its position in the series' Segments.</param>
/// <param name="Windows">Windows evaluated.</param>
public sealed record ForecastEvaluation(double Loss, ForecastAccuracy Overall, IReadOnlyList<(int Segment, ForecastAccuracy Accuracy)> PerSeries, int Windows)
{
    /// <summary>Chunk of windows per forward pass.</summary>
    public const int DefaultBatch = 256;

    /// <summary>
    /// Runs <paramref name="model"/> over <paramref name="windows"/> of <paramref name="series"/> in batches of
    /// <paramref name="batchSize"/>. Throws ArgumentException when there is no window. <paramref name="observe"/>, when
    /// given, sees each window's index in <paramref name="windows"/> and its point forecast (H, C_target) in the
    /// series' units (a buffer reused for the next window: copy what you keep).
    /// </summary>
    public static ForecastEvaluation Run(SequenceModel<float> model, ForecastSeries series, IReadOnlyList<ForecastWindowRef> windows, int batchSize = DefaultBatch,
        Action<int, double[]>? observe = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Count == 0) throw new ArgumentException("There is no window to evaluate.", nameof(windows));
        var spec = series.Spec;
        int w = spec.Window, ct = spec.Targets.Count, q = spec.QuantileCount, block = spec.Horizon * ct, point = spec.PointQuantile;
        double[]? levels = spec.Quantiles?.ToArray();
        var inputs = new float[w * batchSize * spec.FeatureCount];
        var targets = new float[batchSize * block];
        var decoded = new double[block * q];
        var predictions = new double[block];
        var naive = new double[block];
        var seasonal = new double[block];
        var builders = new Dictionary<int, ForecastAccuracy.Builder>();
        var chunk = new ForecastWindowRef[batchSize];
        double lossSum = 0;
        for (int at = 0; at < windows.Count; at += batchSize)
        {
            int b = Math.Min(batchSize, windows.Count - at);
            for (int k = 0; k < b; k++) chunk[k] = windows[at + k];
            Span<float> x = inputs.AsSpan(0, w * b * spec.FeatureCount), y = targets.AsSpan(0, b * block);
            series.Fill(chunk.AsSpan(0, b), x, y);
            model.ResetState();
            ReadOnlySpan<float> output = model.Forward(x, w, b, training: false); // (B, H·C_target·Q)
            lossSum += b * (levels is null
                ? MeanSquaredError.LossAndGradient(output, y, block, ReadOnlySpan<float>.Empty, Span<float>.Empty, out _)
                : PinballLoss.LossAndGradient(output, y, levels, Span<float>.Empty));
            for (int k = 0; k < b; k++)
            {
                var window = chunk[k];
                series.Decode(window, output.Slice(k * block * q, block * q), decoded);
                for (int i = 0; i < block; i++) predictions[i] = decoded[i * q + point];
                observe?.Invoke(at + k, predictions);
                series.Baselines(window, naive, seasonal);
                if (!builders.TryGetValue(window.Segment, out var builder))
                    builders[window.Segment] = builder = new ForecastAccuracy.Builder(ct, spec.Season, series.MaseScale(window.Segment), spec.Quantiles);
                builder.Add(predictions, series.Truth(window), naive, seasonal, levels is null ? default : decoded);
            }
        }
        var perSeries = builders.OrderBy(p => p.Key).Select(p => (p.Key, p.Value.Build())).ToArray();
        return new ForecastEvaluation(lossSum / windows.Count, ForecastAccuracy.Combine(perSeries.Select(p => p.Item2).ToArray()), perSeries, windows.Count);
    }
}
