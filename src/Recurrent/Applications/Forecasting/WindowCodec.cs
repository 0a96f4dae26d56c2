// WindowCodec: the reversible transform between one window of a series in its own units and what the network
// reads and predicts — written once, so training, validation, `rnn eval` and `rnn predict` cannot drift apart.
//   1. Differencing (ForecastSpec.Lag rows of history): seasonal d = y[t] − y[t−S], then first d = y[t] − y[t−1];
//      together d[t] = y[t] − y[t−S] − y[t−1] + y[t−1−S]. Written d[t] = y[t] − P[t], where P[t] (the part the
//      past fixes) is undone by y[t] = d[t] + P[t] — with the predicted steps' own y for t beyond the history.
//   2. Normalisation of the differenced window, per column: Window: level = its last value, scale = its standard
//      deviation (or, for a (nearly) constant window, its mean absolute value, or 1); Global: the training rows' mean and
//      standard deviation; None: 0 and 1. Inputs and targets are (d − level) / scale; outputs map back as
//      z · scale + level. A target uses the level and scale of the same column among the inputs (window scaling
//      needs every target to be an input), else its own training statistics.
// Shapes: history (L, C_in) raw with L = W + Lag; model inputs (W, F) written at a time-major batch position;
// the features after the C_in value columns (known-ahead columns, calendar) come ready-made as (W, A);
// targets (H, C_target); outputs (H, C_target, Q), quantile innermost.
using System.Numerics;

namespace Recurrent.Forecasting;

/// <summary>Encodes windows for the network and decodes its outputs back to the series' units.</summary>
public sealed class WindowCodec
{
    private readonly ForecastSpec _spec;
    private readonly int _w, _l, _ci, _ct, _s;
    private readonly bool _d;
    private readonly int[] _targetInput;      // target k's column among the inputs, or −1
    private readonly double[] _history;       // (L, C_in) raw, the window loaded last
    private readonly double[] _diff;          // (W, C_in) differenced
    private readonly double[] _level, _scale; // (C_in) of the loaded window
    private readonly double[] _ext;           // one column's history and predicted path, (L + H)
    private bool _loaded;

    /// <summary>A codec for <paramref name="spec"/>; throws ArgumentException when it cannot be reversed (see remarks).</summary>
    /// <remarks>Window scaling and differencing need every target among the inputs: their level and past come from there.</remarks>
    public WindowCodec(ForecastSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        _w = spec.Window;
        _l = spec.HistoryRows;
        _ci = spec.Inputs.Count;
        _ct = spec.Targets.Count;
        _s = spec.SeasonDifference;
        _d = spec.Difference;
        _targetInput = spec.TargetToInput();
        if ((spec.Normalize == ForecastNormalization.Window || spec.Lag > 0) && Array.IndexOf(_targetInput, -1) is int k and >= 0)
            throw new ArgumentException($"the target column '{spec.Targets[k].Label}' is not an input: per-window scaling and differencing " +
                "take a target's level and past from its own values, so every target must also be an input (or use global normalisation without differencing).", nameof(spec));
        _history = new double[_l * _ci];
        _diff = new double[_w * _ci];
        _level = new double[_ci];
        _scale = new double[_ci];
        _ext = new double[_l + spec.Horizon];
    }

    /// <summary>The level (per input column) of the window loaded last.</summary>
    public ReadOnlySpan<double> Level => _level;
    /// <summary>The scale (per input column) of the window loaded last.</summary>
    public ReadOnlySpan<double> Scale => _scale;

    /// <summary>Loads one window's history, (L, C_in) raw values, and fixes its level and scale.</summary>
    public void Load(ReadOnlySpan<double> history)
    {
        if (history.Length != _l * _ci)
            throw new ArgumentException($"history has {history.Length} values; expected (L, C_in) = {_l}*{_ci} (window {_w} + {_spec.Lag} rows for differencing).", nameof(history));
        history.CopyTo(_history);
        for (int m = 0; m < _ci; m++)
        {
            for (int r = 0; r < _l; r++) _ext[r] = _history[r * _ci + m];
            for (int i = 0; i < _w; i++) { int r = _spec.Lag + i; _diff[i * _ci + m] = _ext[r] - Past(r); }
            (_level[m], _scale[m]) = _spec.Normalize switch
            {
                ForecastNormalization.Window => WindowStatistics(m),
                ForecastNormalization.Global => (_spec.Inputs[m].Mean, _spec.Inputs[m].Std),
                _ => (0.0, 1.0),
            };
        }
        _loaded = true;
    }

    /// <summary>
    /// Writes the loaded window's W steps of F features for batch row <paramref name="row"/> of <paramref name="batch"/>
    /// into time-major <paramref name="inputs"/> (W, B, F): the C_in scaled values, then <paramref name="ahead"/>'s (W, A).
    /// </summary>
    public void WriteInputs(Span<float> inputs, int batch, int row, ReadOnlySpan<float> ahead)
    {
        EnsureLoaded();
        int f = _spec.FeatureCount, a = f - _ci;
        if (ahead.Length != _w * a) throw new ArgumentException($"ahead has {ahead.Length} values; expected (W, A) = {_w}*{a}.", nameof(ahead));
        for (int t = 0; t < _w; t++)
        {
            Span<float> x = inputs.Slice((t * batch + row) * f, f);
            for (int m = 0; m < _ci; m++) x[m] = (float)((_diff[t * _ci + m] - _level[m]) / _scale[m]);
            ahead.Slice(t * a, a).CopyTo(x[_ci..]);
        }
    }

    /// <summary>The scaled, differenced targets (H, C_target) of the loaded window's true future <paramref name="future"/> (H, C_target).</summary>
    public void EncodeTargets(ReadOnlySpan<double> future, Span<double> destination)
    {
        EnsureLoaded();
        int h = _spec.Horizon;
        if (future.Length != h * _ct || destination.Length != h * _ct)
            throw new ArgumentException($"future and destination must hold (H, C_target) = {h}*{_ct} values.", nameof(future));
        for (int k = 0; k < _ct; k++)
        {
            var (level, scale) = TargetScaling(k);
            StartPath(k);
            for (int j = 0; j < h; j++)
            {
                int r = _l + j;
                _ext[r] = future[j * _ct + k];
                destination[j * _ct + k] = (_ext[r] - Past(r) - level) / scale;
            }
        }
    }

    /// <summary>
    /// The network's outputs for the loaded window, (H, C_target, Q) scaled, in the series' units; each quantile's
    /// path is undifferenced on its own predicted values.
    /// </summary>
    public void DecodeOutputs(ReadOnlySpan<float> outputs, Span<double> destination) => Decode(outputs, destination, _spec.QuantileCount);

    /// <summary>Double-precision <see cref="DecodeOutputs"/> of values made by <see cref="EncodeTargets"/> (Q = 1): the exact inverse.</summary>
    public void DecodeTargets(ReadOnlySpan<double> encoded, Span<double> destination) => Decode(encoded, destination, 1);

    // values (H, C_target, q) scaled → destination in the series' units, each of the q paths undifferenced on itself.
    private void Decode<TValue>(ReadOnlySpan<TValue> values, Span<double> destination, int q) where TValue : INumberBase<TValue>
    {
        EnsureLoaded();
        int h = _spec.Horizon;
        if (values.Length != h * _ct * q || destination.Length != values.Length)
            throw new ArgumentException($"the values and destination must hold (H, C_target, Q) = {h}*{_ct}*{q} values.", nameof(values));
        for (int k = 0; k < _ct; k++)
        {
            var (level, scale) = TargetScaling(k);
            for (int p = 0; p < q; p++)
            {
                StartPath(k);
                for (int j = 0; j < h; j++)
                {
                    int at = (j * _ct + k) * q + p, r = _l + j;
                    _ext[r] = double.CreateChecked(values[at]) * scale + level + Past(r);
                    destination[at] = _ext[r];
                }
            }
        }
    }

    // The part of y[r] the past fixes under the differencing, from _ext (the column's history and path).
    private double Past(int r) => Past(_ext, 1, 0, r, _s, _d);

    /// <summary>
    /// The part of row <paramref name="row"/> of column <paramref name="column"/> of row-major values (rows,
    /// <paramref name="stride"/>) that seasonal (lag <paramref name="season"/>, 0: none) and first
    /// (<paramref name="first"/>) differencing take away: the differenced value is y[row] minus this.
    /// </summary>
    internal static double Past(ReadOnlySpan<double> values, int stride, int column, int row, int season, bool first)
    {
        double p = 0;
        if (season > 0) p += values[(row - season) * stride + column];
        if (first) p += values[(row - 1) * stride + column];
        if (season > 0 && first) p -= values[(row - 1 - season) * stride + column];
        return p;
    }

    // Puts target k's history (its input column) into _ext[0, L).
    private void StartPath(int k)
    {
        int m = _targetInput[k];
        if (m < 0) return; // no differencing (checked in the constructor): the past is not read
        for (int r = 0; r < _l; r++) _ext[r] = _history[r * _ci + m];
    }

    private (double Level, double Scale) TargetScaling(int k)
    {
        int m = _targetInput[k];
        return _spec.Normalize switch
        {
            ForecastNormalization.Window => (_level[m], _scale[m]),
            ForecastNormalization.Global => (_spec.Targets[k].Mean, _spec.Targets[k].Std),
            _ => (0.0, 1.0),
        };
    }

    // Window scaling of input column m: its last differenced value, and the standard deviation of its W values; a
    // constant window falls back to its mean absolute value (DeepAR's scale), or 1 when that is zero too.
    private (double Level, double Scale) WindowStatistics(int m)
    {
        double sum = 0, abs = 0;
        for (int i = 0; i < _w; i++) { double v = _diff[i * _ci + m]; sum += v; abs += Math.Abs(v); }
        double mean = sum / _w, sq = 0;
        for (int i = 0; i < _w; i++) { double e = _diff[i * _ci + m] - mean; sq += e * e; }
        double std = Math.Sqrt(sq / _w), meanAbs = abs / _w;
        // A window a millionth as variable as its size counts as constant (its steps would otherwise be scaled to huge values).
        double scale = std > 1e-6 * meanAbs && std > 0 ? std : meanAbs > 0 ? meanAbs : 1.0;
        return (_diff[(_w - 1) * _ci + m], scale);
    }

    private void EnsureLoaded()
    {
        if (!_loaded) throw new InvalidOperationException("Load a window's history first.");
    }
}
