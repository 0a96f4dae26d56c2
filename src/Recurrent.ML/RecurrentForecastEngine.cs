// RecurrentForecastEngine: a fitted RecurrentForecast model following a live series, as ML.NET's SSA forecaster's
// TimeSeriesPredictionEngine does — it holds the last L = W + Lag observations (W the window, Lag the rows differencing
// needs), Update appends new observations (dropping the oldest), Predict forecasts the values after the last one, and
// CheckPoint writes the model and the current window to one file that mlContext.Model.LoadRecurrentForecastEngine
// resumes, so predictions continue with the same bits. Made by RecurrentForecastTransformer.CreateForecastEngine,
// warm-started with the end of the series Fit trained on. Not thread-safe (as ML.NET's prediction engines).
using Recurrent.Forecasting;

namespace Recurrent.ML;

/// <summary>A stateful forecaster of a live series: Update with observations, Predict the next values, CheckPoint to resume.</summary>
public sealed class RecurrentForecastEngine
{
    private readonly Forecaster _forecaster;
    private readonly double[] _window;  // (L) ring: the last observations, oldest at _start once full
    private int _count, _start;

    internal RecurrentForecastEngine(Forecaster forecaster, ForecastColumnNames columns, IReadOnlyList<double> history)
    {
        _forecaster = forecaster;
        Columns = columns;
        _window = new double[forecaster.Spec.HistoryRows];
        foreach (double v in history.Skip(Math.Max(0, history.Count - _window.Length))) Push(v);
    }

    /// <summary>The model's columns (those its transformer reads and adds).</summary>
    public ForecastColumnNames Columns { get; }
    /// <summary>H, the values one forecast gives.</summary>
    public int Horizon => _forecaster.Spec.Horizon;
    /// <summary>L = W + the rows differencing needs: the observations a forecast reads.</summary>
    public int ObservationsNeeded => _window.Length;
    /// <summary>The observations held, oldest first (at most <see cref="ObservationsNeeded"/>).</summary>
    public IReadOnlyList<float> Observations => History().Select(v => (float)v).ToArray();

    /// <summary>Appends one observation (the oldest held is dropped once L are held). ArgumentOutOfRangeException for NaN or infinity.</summary>
    public void Update(float value)
    {
        if (!float.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "An observation must be a finite number; fill a missing value before updating the engine.");
        Push(value);
    }

    /// <summary>Appends observations in time order, oldest first; checked as <see cref="Update(float)"/> before any is taken.</summary>
    public void Update(IEnumerable<float> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        float[] all = values.ToArray();
        int bad = Array.FindIndex(all, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new ArgumentOutOfRangeException(nameof(values), all[bad], $"Observation {bad} (0-based) is not a finite number; fill a missing value before updating the engine.");
        foreach (float v in all) Push(v);
    }

    /// <summary>The next H values after the last observation (the median with bounds). InvalidOperationException while fewer than L observations are held.</summary>
    public float[] Predict() => PredictWithBounds(Horizon).Forecast;

    /// <summary>
    /// The next <paramref name="horizon"/> values: for more than H, each block of H is forecast from the window that
    /// ends with the previous block's forecasts (Forecaster.Continue), as ML.NET's engine forecasts past its horizon.
    /// </summary>
    public float[] Predict(int horizon) => PredictWithBounds(horizon).Forecast;

    /// <summary>
    /// The next <paramref name="horizon"/> values with the band's bounds when the model has them (beyond H, the band is
    /// that of one block ahead of the forecast path, not the accumulated uncertainty).
    /// </summary>
    public RecurrentForecastPrediction PredictWithBounds(int horizon)
    {
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be positive.");
        if (_count < _window.Length)
            throw new InvalidOperationException($"The engine holds {_count} observation(s); a forecast reads the last {_window.Length} " +
                $"(window {_forecaster.Spec.Window}{(_forecaster.Spec.Lag > 0 ? $" + {_forecaster.Spec.Lag} for differencing" : "")}). Update it with more first.");
        return WindowForecast.Compute(_forecaster, History(), horizon, Columns.LowerBound is not null || Columns.UpperBound is not null);
    }

    /// <summary>
    /// Writes the model and the observations held to <paramref name="path"/> (atomically; a Recurrent forecaster file
    /// that `rnn predict` also reads); <c>mlContext.Model.LoadRecurrentForecastEngine(path)</c> resumes this engine.
    /// </summary>
    public void CheckPoint(string path) => ForecastModelFile.Save(path, _forecaster, Columns, History());

    private void Push(double value)
    {
        if (_count < _window.Length) _window[_count++] = value;
        else
        {
            _window[_start] = value;
            _start = (_start + 1) % _window.Length;
        }
    }

    // The observations held, oldest first.
    private double[] History()
    {
        var h = new double[_count];
        for (int i = 0; i < _count; i++) h[i] = _window[(_start + i) % _window.Length];
        return h;
    }
}
