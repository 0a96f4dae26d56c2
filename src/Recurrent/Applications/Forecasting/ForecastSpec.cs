// ForecastSpec: everything a forecasting model needs besides its weights — which columns it reads and
// predicts, each with the mean and standard deviation fitted on the training part, the window length W and the
// horizon H (the model reads W steps and predicts the next H steps of every target column), and how a window is
// made scale-free (WindowCodec): differencing (first, Difference; seasonal, SeasonDifference) and then the
// normalisation (global standardisation, per-window, or none). Also: the season the baselines use, the quantiles
// predicted (none: a point forecast trained with MSE), the columns known ahead and the calendar features read at
// the predicted step, and the series-id column of a many-series model. Stored as JSON in the model file; files
// from before these options read as global standardisation, no differencing, season 1, a point forecast.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Recurrent.Forecasting;

/// <summary>A column of a forecasting model and its standardisation.</summary>
/// <param name="Name">Header name, or null when the training file had no header.</param>
/// <param name="Index">0-based column index in the training file.</param>
/// <param name="Mean">Mean over the training rows.</param>
/// <param name="Std">Standard deviation over the training rows (1 when the column is constant).</param>
public sealed record ForecastColumn(string? Name, int Index, double Mean, double Std)
{
    /// <summary>(x − mean) / std.</summary>
    public double Normalize(double x) => (x - Mean) / Std;
    /// <summary>z · std + mean.</summary>
    public double Denormalize(double z) => z * Std + Mean;
    /// <summary>How the column is named to a user: its name, else its 1-based number.</summary>
    [JsonIgnore] public string Label => Name ?? (Index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Columns, standardisation, window and horizon of a forecasting model.</summary>
/// <param name="Inputs">Columns read at every step, in feature order.</param>
/// <param name="Targets">Columns predicted, in output order.</param>
/// <param name="Window">Steps the model reads (W).</param>
/// <param name="Horizon">Steps it predicts at once (H); the output is (H, targets) row-major.</param>
public sealed record ForecastSpec(IReadOnlyList<ForecastColumn> Inputs, IReadOnlyList<ForecastColumn> Targets, int Window, int Horizon)
{
    /// <summary>How windows are scaled (model files without it: Global, which was the only way then).</summary>
    public ForecastNormalization Normalize { get; init; } = ForecastNormalization.Global;
    /// <summary>True: the network sees first differences y[t] − y[t−1] (after any seasonal differencing).</summary>
    public bool Difference { get; init; }
    /// <summary>S &gt; 0: the network sees seasonal differences y[t] − y[t−S]; 0: none.</summary>
    public int SeasonDifference { get; init; }
    /// <summary>The season of the seasonal-naive baseline and of MASE (1: none, the naive forecast).</summary>
    public int Season { get; init; } = 1;
    /// <summary>Quantile levels predicted (pinball loss), increasing in (0, 1); null: a point forecast (MSE).</summary>
    public IReadOnlyList<double>? Quantiles { get; init; }
    /// <summary>Columns known ahead (read at the predicted step, standardised globally), or null.</summary>
    public IReadOnlyList<ForecastColumn>? Known { get; init; }
    /// <summary>Calendar features of the predicted step from a date/time column, or null.</summary>
    public CalendarFeatures? Calendar { get; init; }
    /// <summary>The column naming the series of a many-series (long-format) file, or null for one series.</summary>
    public string? SeriesColumn { get; init; }

    /// <summary>Rows the differencing consumes before the first value the network sees: SeasonDifference + (Difference ? 1 : 0).</summary>
    [JsonIgnore] public int Lag => SeasonDifference + (Difference ? 1 : 0);
    /// <summary>Rows of history one prediction needs: W + Lag.</summary>
    [JsonIgnore] public int HistoryRows => Window + Lag;
    /// <summary>Values predicted per target and step: the quantiles, or 1.</summary>
    [JsonIgnore] public int QuantileCount => Quantiles?.Count ?? 1;
    /// <summary>Features per step the network reads: the input columns, the known columns, the calendar features.</summary>
    [JsonIgnore] public int FeatureCount => Inputs.Count + (Known?.Count ?? 0) + (Calendar?.Count ?? 0);
    /// <summary>The network's outputs: (H, C_target, Q) row-major.</summary>
    [JsonIgnore] public int OutputSize => Horizon * Targets.Count * QuantileCount;
    /// <summary>The quantile whose prediction is the point forecast: the one nearest 0.5 (index into Quantiles; 0 without).</summary>
    [JsonIgnore] public int PointQuantile => Quantiles is null ? 0
        : Enumerable.Range(0, Quantiles.Count).MinBy(i => Math.Abs(Quantiles[i] - 0.5));

    /// <summary>JSON form stored in model files.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Reads <see cref="ToJson"/>'s form; throws InvalidDataException when it is not usable.</summary>
    public static ForecastSpec FromJson(string json)
    {
        ForecastSpec? spec;
        try { spec = JsonSerializer.Deserialize<ForecastSpec>(json); }
        catch (JsonException e) { throw new InvalidDataException($"The forecasting settings cannot be read: {e.Message}"); }
        if (spec is null || spec.Inputs is null || spec.Targets is null || spec.Inputs.Count == 0 || spec.Targets.Count == 0 || spec.Window <= 0 || spec.Horizon <= 0
            || spec.Inputs.Concat(spec.Targets).Concat(spec.Known ?? []).Any(c => c is null || !(c.Std > 0) || !double.IsFinite(c.Mean))
            || !Enum.IsDefined(spec.Normalize) || spec.SeasonDifference < 0 || spec.Season < 1
            || (spec.Quantiles is { } q && (q.Count == 0 || q.Any(v => !(v > 0 && v < 1)) || q.Zip(q.Skip(1)).Any(p => p.Second <= p.First)))
            || (spec.Calendar is { } cal && !cal.IsValid))
            throw new InvalidDataException("The forecasting settings are incomplete or impossible.");
        return spec;
    }

    /// <summary>
    /// For each input column, the position of the same column among the targets, or −1 — continuing a series
    /// autoregressively needs every input to be a target.
    /// </summary>
    public int[] InputToTarget() => Inputs.Select(i => Targets.ToList().FindIndex(t => t.Index == i.Index)).ToArray();

    /// <summary>For each target column, the position of the same column among the inputs, or −1.</summary>
    public int[] TargetToInput() => Targets.Select(t => Inputs.ToList().FindIndex(i => i.Index == t.Index)).ToArray();

    /// <summary>Fits the mean and standard deviation of each of the given columns over all rows of row-major values (N, columns).</summary>
    public static ForecastColumn[] Fit(IReadOnlyList<(string? Name, int Index)> columns, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(columns);
        int c = columns.Count;
        if (c == 0) return [];
        int rows = values.Length / c;
        if (rows <= 0 || values.Length != rows * c) throw new ArgumentException($"Fitting needs whole rows of {c} values, got {values.Length} values.", nameof(values));
        var result = new ForecastColumn[c];
        for (int k = 0; k < c; k++)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++) sum += values[r * c + k];
            double mean = sum / rows, sq = 0;
            for (int r = 0; r < rows; r++) { double d = values[r * c + k] - mean; sq += d * d; }
            double std = Math.Sqrt(sq / rows);
            result[k] = new ForecastColumn(columns[k].Name, columns[k].Index, mean, std > 1e-12 ? std : 1.0);
        }
        return result;
    }
}
