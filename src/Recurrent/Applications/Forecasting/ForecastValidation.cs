// ForecastValidation: the fit loop's evaluator for forecasting — ForecastEvaluation over the validation windows:
// val_loss (the training loss on the scaled values, the monitored metric), val_mse, val_mae and val_mase in the
// series' units (MASE pooled over series as M4 does), and with quantiles each level's coverage (val_cover_q0.1 ...).
// The baselines of the same windows do not change while training, so they are measured once (Baselines) for the
// run's header and closing lines. The same pass keeps the point forecasts of a few windows spread over the
// validation windows, which PredictionDetails gives as predictions.json's {"kind":"forecast", "examples": [{history
// (the last ≤48 values before the forecast), actual, predicted}]}, in the series' units, for the first target column.
using System.Globalization;
using System.Text.Json.Nodes;
using Recurrent.Models;
using Recurrent.Training;

namespace Recurrent.Forecasting;

/// <summary>Validation metrics of a forecaster, and a few of its forecasts.</summary>
internal sealed class ForecastValidation(SequenceModel<float> model, ForecastSeries series, int batchSize) : IEvaluator, IEvaluationDetails
{
    // The windows shown: evenly spread over the validation windows, in order; and their forecasts (H, C_target).
    private readonly int[] _shownWindows = Spread(series.Validation.Count, PredictionJson.MaxForecasts);
    private double[][]? _shown;

    public Evaluation Evaluate()
    {
        var shown = _shownWindows.Select(_ => new double[series.Spec.Horizon * series.Spec.Targets.Count]).ToArray();
        var e = ForecastEvaluation.Run(model, series, series.Validation, batchSize, (index, predictions) =>
        {
            int slot = Array.IndexOf(_shownWindows, index);
            if (slot >= 0) predictions.CopyTo(shown[slot], 0);
        });
        _shown = shown;
        var a = e.Overall;
        var metrics = new List<KeyValuePair<string, double>>
        {
            new("val_loss", e.Loss), new("val_mse", a.Mse), new("val_mae", a.Mae),
        };
        if (double.IsFinite(a.Mase)) metrics.Add(new("val_mase", a.Mase)); // NaN when a series' training rows are not longer than its season
        if (a.QuantileCoverage is { } coverage)
            for (int i = 0; i < coverage.Count; i++)
                metrics.Add(new("val_cover_q" + series.Spec.Quantiles![i].ToString("0.###", CultureInfo.InvariantCulture), coverage[i]));
        return new Evaluation(metrics, "val_loss", HigherIsBetter: false);
    }

    public JsonObject? PredictionDetails()
    {
        if (_shown is null) return null;
        var spec = series.Spec;
        int ct = spec.Targets.Count, h = spec.Horizon;
        var examples = new JsonArray();
        for (int s = 0; s < _shownWindows.Length; s++)
        {
            var window = series.Validation[_shownWindows[s]];
            var segment = series.Segments[window.Segment];
            int first = window.Start + spec.HistoryRows; // the first predicted row
            int from = Math.Max(0, first - PredictionJson.MaxHistory);
            var example = new JsonObject();
            if (segment.Id is not null) example["series"] = segment.Id;
            example["column"] = spec.Targets[0].Name;
            example["history"] = PredictionJson.Numbers(Column(segment.Targets, ct, from, first - from));
            example["actual"] = PredictionJson.Numbers(Column(series.Truth(window), ct, 0, h));
            example["predicted"] = PredictionJson.Numbers(Column(_shown[s], ct, 0, h));
            examples.Add(example);
        }
        return new JsonObject { ["kind"] = "forecast", ["examples"] = examples };
    }

    // Values of the first column of rows [from, from + count) of a row-major (rows, columns) array.
    private static double[] Column(ReadOnlySpan<double> values, int columns, int from, int count)
    {
        var column = new double[count];
        for (int r = 0; r < count; r++) column[r] = values[(from + r) * columns];
        return column;
    }

    // Up to `most` indices evenly spread over 0..count-1, first and last included.
    private static int[] Spread(int count, int most)
    {
        int n = Math.Min(count, most);
        if (n <= 1) return n == 1 ? [0] : [];
        return Enumerable.Range(0, n).Select(k => (int)((long)k * (count - 1) / (n - 1))).Distinct().ToArray();
    }
}
