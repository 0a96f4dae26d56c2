// Forecaster: a trained forecasting model with its ForecastSpec — predicts the next H steps of the target
// columns from W steps of the input columns (values in original units in and out; standardisation inside),
// and continues a series autoregressively for any number of steps by appending its own predictions to the
// window (which needs every input column to be a target column).
// Shapes: windows (B, W, C_in) row-major per window; predictions (B, H, C_target); a continuation (N, C_target).
using Recurrent.Layers;
using Recurrent.Models;

namespace Recurrent.Forecasting;

/// <summary>A forecasting model: a dense-input, last-step-head <see cref="SequenceModel{T}"/> and its <see cref="ForecastSpec"/>.</summary>
public sealed class Forecaster
{
    private float[] _x = [];

    /// <summary>Pairs a model with its spec; throws ArgumentException when their sizes disagree.</summary>
    public Forecaster(SequenceModel<float> model, ForecastSpec spec)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        var c = model.Config;
        if (c.Input != InputKind.Dense || c.Head != HeadKind.LastStep || c.InputSize != spec.Inputs.Count || c.OutputSize != spec.Targets.Count * spec.Horizon)
            throw new ArgumentException($"The model (input {c.Input} {c.InputSize}, head {c.Head} {c.OutputSize}) does not fit the spec " +
                $"({spec.Inputs.Count} dense inputs, {spec.Targets.Count} targets × horizon {spec.Horizon} from the last step).", nameof(model));
        Model = model;
        Spec = spec;
    }

    /// <summary>The network.</summary>
    public SequenceModel<float> Model { get; }
    /// <summary>Columns, standardisation, window and horizon.</summary>
    public ForecastSpec Spec { get; }

    /// <summary>Predictions (B, H, C_target) in original units for windows (B, W, C_in) in original units.</summary>
    public double[] PredictWindows(ReadOnlySpan<double> windows, int batch)
    {
        int w = Spec.Window, ci = Spec.Inputs.Count, ct = Spec.Targets.Count, h = Spec.Horizon;
        if (batch <= 0) throw new ArgumentException($"batch must be positive, got {batch}.", nameof(batch));
        if (windows.Length != batch * w * ci)
            throw new ArgumentException($"windows has {windows.Length} values; expected (B, W, C) = {batch}*{w}*{ci}.", nameof(windows));
        if (_x.Length < w * batch * ci) _x = new float[w * batch * ci];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < w; t++)
                for (int k = 0; k < ci; k++)
                    _x[(t * batch + b) * ci + k] = (float)Spec.Inputs[k].Normalize(windows[(b * w + t) * ci + k]);
        Model.ResetState();
        ReadOnlySpan<float> y = Model.Forward(_x.AsSpan(0, w * batch * ci), w, batch, training: false);
        var result = new double[batch * h * ct];
        for (int i = 0; i < result.Length; i++) result[i] = Spec.Targets[i % ct].Denormalize(y[i]);
        return result;
    }

    /// <summary>
    /// Continues a series: <paramref name="history"/> is (rows, C_in) of the input columns in original units
    /// (rows ≥ W); returns (steps, C_target), each block of H steps predicted from the window that ends with the
    /// previous predictions.
    /// </summary>
    public double[] Continue(ReadOnlySpan<double> history, int rows, int steps)
    {
        int w = Spec.Window, ci = Spec.Inputs.Count, ct = Spec.Targets.Count, h = Spec.Horizon;
        if (steps <= 0) throw new ArgumentException($"steps must be positive, got {steps}.", nameof(steps));
        if (rows < w) throw new ArgumentException($"continuing needs at least the window of {w} rows of history, got {rows}.", nameof(rows));
        if (history.Length != rows * ci) throw new ArgumentException($"history has {history.Length} values; expected (rows, C) = {rows}*{ci}.", nameof(history));
        int[] map = Spec.InputToTarget();
        int missing = Array.IndexOf(map, -1);
        if (missing >= 0)
            throw new ArgumentException($"the input column '{Spec.Inputs[missing].Label}' is not predicted, so the series cannot be continued " +
                "past the data; train with every input column among the targets.", nameof(history));
        // The series so far, (rows + predicted, C_in): the history, then every predicted step's values of the input columns.
        var series = new List<double>(history.ToArray());
        var result = new double[steps * ct];
        for (int done = 0; done < steps;)
        {
            double[] p = PredictWindows(series.GetRange(series.Count - w * ci, w * ci).ToArray(), 1);  // (H, C_target)
            int take = Math.Min(h, steps - done);
            Array.Copy(p, 0, result, done * ct, take * ct);
            for (int s = 0; s < h; s++)
                for (int k = 0; k < ci; k++) series.Add(p[s * ct + map[k]]);
            done += take;
        }
        return result;
    }
}
