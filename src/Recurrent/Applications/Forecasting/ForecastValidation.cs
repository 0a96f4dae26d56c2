// ForecastValidation: the forecaster's evaluator for the fit loop — every validation window of the series predicted
// in batches of the training batch size (dropout off, zero initial state): val_loss is the mean squared error on
// standardised values (what training minimises, monitored low), val_mse and val_mae the errors in the series' own
// units (ForecastMetrics) over every predicted value.
using Recurrent.Models;
using Recurrent.Training;

namespace Recurrent.Forecasting;

/// <summary>val_loss (standardised MSE), val_mse and val_mae (original units) of a forecaster.</summary>
internal sealed class ForecastValidation : IEvaluator
{
    private readonly SequenceModel<float> _model;
    private readonly ForecastSeries _series;
    private readonly int _batchSize;
    private readonly float[] _inputs, _targets;

    public ForecastValidation(SequenceModel<float> model, ForecastSeries series, int batchSize)
    {
        var spec = series.Spec;
        _model = model;
        _series = series;
        _batchSize = batchSize;
        _inputs = new float[spec.Window * batchSize * spec.Inputs.Count];
        _targets = new float[batchSize * spec.Horizon * spec.Targets.Count];
    }

    public Evaluation Evaluate()
    {
        var spec = _series.Spec;
        var starts = _series.ValidationStarts;
        int w = spec.Window, ct = spec.Targets.Count, block = spec.Horizon * ct;
        var predictions = new double[starts.Count * block];
        var truths = new double[starts.Count * block];
        double squares = 0;
        int[] chunk = new int[_batchSize];
        for (int at = 0; at < starts.Count; at += _batchSize)
        {
            int b = Math.Min(_batchSize, starts.Count - at);
            for (int k = 0; k < b; k++) chunk[k] = starts[at + k];
            Span<float> x = _inputs.AsSpan(0, w * b * spec.Inputs.Count), y = _targets.AsSpan(0, b * block);
            _series.Fill(chunk.AsSpan(0, b), x, y);
            _model.ResetState();
            ReadOnlySpan<float> p = _model.Forward(x, w, b, training: false); // (B, H·C_target)
            for (int i = 0; i < b * block; i++)
            {
                double d = p[i] - y[i];
                squares += d * d;
                predictions[at * block + i] = spec.Targets[i % ct].Denormalize(p[i]);
            }
            for (int k = 0; k < b; k++) _series.Truth(chunk[k]).CopyTo(truths.AsSpan((at + k) * block, block));
        }
        var metrics = ForecastMetrics.Compute(predictions, truths);
        return new Evaluation([new("val_loss", squares / predictions.Length), new("val_mse", metrics.Mse), new("val_mae", metrics.Mae)],
            "val_loss", HigherIsBetter: false);
    }
}
