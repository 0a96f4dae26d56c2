// RecurrentForecastOptions: the settings of the RecurrentForecast estimator — the series column read and the columns
// added (the forecast, and optionally the lower and upper bounds of a confidence band, as ML.NET's SSA forecaster
// names them), the window W and horizon H, how windows are made scale-free (normalisation, differencing, season) and
// the network and its training. A sibling of RecurrentOptionsBase rather than a subclass: a forecaster has no label
// column (the series is its own target) and no bidirectional reading (it forecasts from the last step), and its
// training defaults are those of `rnn train --task forecast` (ForecastOptions), to which these map one to one.
using Microsoft.ML;
using Recurrent.Forecasting;
using Recurrent.Layers;
using Recurrent.Training;

namespace Recurrent.ML;

/// <summary>Settings of <c>mlContext.Forecasting.RecurrentForecast</c>.</summary>
public sealed class RecurrentForecastOptions
{
    /// <summary>The series column: Single, one observation per row, rows in time order. Default "Value".</summary>
    public string InputColumnName { get; set; } = "Value";
    /// <summary>The added forecast column: Vector&lt;Single&gt;(H), the next H values after each row. Default "Forecast".</summary>
    public string OutputColumnName { get; set; } = "Forecast";
    /// <summary>
    /// Added column of the lower bound of the band (Vector&lt;Single&gt;(H)), or null for none. With either bound column the
    /// network predicts three quantiles — (1 − <see cref="ConfidenceLevel"/>)/2, 0.5, (1 + ConfidenceLevel)/2 — with the
    /// pinball loss, and the forecast is the median.
    /// </summary>
    public string? ConfidenceLowerBoundColumn { get; set; }
    /// <summary>Added column of the upper bound of the band, or null for none; see <see cref="ConfidenceLowerBoundColumn"/>.</summary>
    public string? ConfidenceUpperBoundColumn { get; set; }
    /// <summary>The probability the band should hold the truth (default 0.95), in (0, 1); used only with a bound column.</summary>
    public float ConfidenceLevel { get; set; } = 0.95f;

    /// <summary>W, the observations each forecast reads (default 24); ML.NET's SSA calls it windowSize.</summary>
    public int WindowSize { get; set; } = 24;
    /// <summary>H, the values forecast at once (default 1).</summary>
    public int Horizon { get; set; } = 1;
    /// <summary>How windows are scaled (default: each window relative to its last value and its own spread).</summary>
    public ForecastNormalization Normalize { get; set; } = ForecastNormalization.Window;
    /// <summary>Forecast first differences (default false).</summary>
    public bool Difference { get; set; }
    /// <summary>Seasonal differencing lag S (0: none); null (default): chosen from the training rows as `rnn train --task forecast` does.</summary>
    public int? SeasonDifference { get; set; }
    /// <summary>The season of the baselines in the validation metrics; null (default): detected from the training rows.</summary>
    public int? Season { get; set; }

    /// <summary>The recurrent cell (default LSTM).</summary>
    public RecurrentCell Cell { get; set; } = RecurrentCell.Lstm;
    /// <summary>Hidden units per layer (default 32).</summary>
    public int HiddenSize { get; set; } = 32;
    /// <summary>Stacked recurrent layers (default 1).</summary>
    public int Layers { get; set; } = 1;
    /// <summary>The LSTM's initial forget-gate bias; null (default) keeps the model's default, 1. Ignored by the GRU. Must be finite.</summary>
    public double? ForgetGateBias { get; set; }
    /// <summary>Passes over the training windows (default 100; fewer when early stopping ends the run).</summary>
    public int Epochs { get; set; } = 100;
    /// <summary>Windows per update (default 32).</summary>
    public int BatchSize { get; set; } = 32;
    /// <summary>Adam's learning rate (default 5e-3), with a gradient-norm clip of 1.</summary>
    public double LearningRate { get; set; } = 5e-3;
    /// <summary>Seed of the initialisation and the shuffling (default 1): the same seed and series give the same model.</summary>
    public ulong Seed { get; set; } = 1;
    /// <summary>
    /// The fraction of the series' last rows held out for early stopping and best weights (default 0.2), as
    /// `rnn train --task forecast` holds them out; ignored with <see cref="ValidationData"/>.
    /// </summary>
    public double ValidationFraction { get; set; } = 0.2;
    /// <summary>
    /// Rows that continue the training series in time (same column name), held out for early stopping instead of the
    /// last <see cref="ValidationFraction"/> of the training rows; their windows may reach back into the training rows.
    /// </summary>
    public IDataView? ValidationData { get; set; }
    /// <summary>Evaluations without a lower validation loss before training stops (default 10).</summary>
    public int Patience { get; set; } = 10;
    /// <summary>Called with each metrics line of the run (every 10 updates and at each evaluation).</summary>
    public Action<MetricsRecord>? Progress { get; set; }
    /// <summary>Stops training between updates; <c>Fit</c> then throws <see cref="OperationCanceledException"/> (ML.NET 6 gives outside trainers no hook on MLContext's own).</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>The quantile levels predicted: three around the median with a bound column, else none (a point forecast with MSE).</summary>
    internal double[]? Quantiles => ConfidenceLowerBoundColumn is null && ConfidenceUpperBoundColumn is null ? null
        : [(1 - (double)ConfidenceLevel) / 2, 0.5, (1 + (double)ConfidenceLevel) / 2];

    /// <summary>The network in the core library's terms.</summary>
    internal ForecastModelSettings ToSettings() => new()
    {
        Cell = Cell == RecurrentCell.Gru ? CellKind.Gru : CellKind.Lstm,
        HiddenSize = HiddenSize,
        Layers = Layers,
        ForgetGateBias = ForgetGateBias,
    };

    /// <summary>The training in the core library's terms, holding out <paramref name="validationFraction"/> of the rows.</summary>
    internal ForecastOptions ToTraining(double validationFraction)
    {
        var defaults = new ForecastOptions();
        return defaults with
        {
            Window = WindowSize, Horizon = Horizon, BatchSize = BatchSize,
            Optimization = defaults.Optimization with { LearningRate = LearningRate },
            Fit = defaults.Fit with { Epochs = Epochs, Patience = Patience },
            ValidationFraction = validationFraction, Seed = Seed,
            Normalize = Normalize, Difference = Difference, SeasonDifference = SeasonDifference, Season = Season,
            Quantiles = Quantiles,
        };
    }

    /// <summary>Throws ArgumentOutOfRangeException (ParamName = the option) naming the first impossible setting.</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(InputColumnName, nameof(InputColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(OutputColumnName, nameof(OutputColumnName));
        string?[] added = [OutputColumnName, ConfidenceLowerBoundColumn, ConfidenceUpperBoundColumn];
        var named = added.Where(n => n is not null).ToArray();
        if (named.Distinct(StringComparer.Ordinal).Count() != named.Length)
            throw new ArgumentOutOfRangeException(nameof(OutputColumnName), $"The forecast and bound columns need different names, got {string.Join(", ", named.Select(n => $"'{n}'"))}.");
        if (!(ConfidenceLevel > 0 && ConfidenceLevel < 1))
            throw new ArgumentOutOfRangeException(nameof(ConfidenceLevel), ConfidenceLevel, "ConfidenceLevel must lie strictly between 0 and 1.");
        if (WindowSize < 1) throw new ArgumentOutOfRangeException(nameof(WindowSize), WindowSize, "WindowSize must be positive.");
        if (Horizon < 1) throw new ArgumentOutOfRangeException(nameof(Horizon), Horizon, "Horizon must be positive.");
        if (HiddenSize < 1) throw new ArgumentOutOfRangeException(nameof(HiddenSize), HiddenSize, "HiddenSize must be positive.");
        if (Layers < 1) throw new ArgumentOutOfRangeException(nameof(Layers), Layers, "Layers must be positive.");
        if (ForgetGateBias is double fb && !double.IsFinite(fb)) throw new ArgumentOutOfRangeException(nameof(ForgetGateBias), fb, "ForgetGateBias must be finite.");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be positive.");
        if (Patience < 1) throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "Patience must be positive.");
        try { ToTraining(ValidationFraction).Validate(); }
        catch (ArgumentException e) when (e is not ArgumentOutOfRangeException)
        {
            // The core's check names its own property; the same name is an option here.
            throw new ArgumentOutOfRangeException(e.ParamName == nameof(ForecastOptions.Window) ? nameof(WindowSize) : e.ParamName, e.Message.Split(" (Parameter")[0]);
        }
    }
}
