// ForecastValidation: the fit loop's evaluator for forecasting — ForecastEvaluation over the validation windows:
// val_loss (the training loss on the scaled values, the monitored metric), val_mse, val_mae and val_mase in the
// series' units (MASE pooled over series as M4 does), and with quantiles each level's coverage (val_cover_q0.1 ...).
// The baselines of the same windows do not change while training, so they are measured once (Baselines) for the
// run's header and closing lines.
using System.Globalization;
using Recurrent.Models;
using Recurrent.Training;

namespace Recurrent.Forecasting;

/// <summary>Validation metrics of a forecaster.</summary>
internal sealed class ForecastValidation(SequenceModel<float> model, ForecastSeries series, int batchSize) : IEvaluator
{
    public Evaluation Evaluate()
    {
        var e = ForecastEvaluation.Run(model, series, series.Validation, batchSize);
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
}
