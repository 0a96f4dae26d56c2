// ForecastSpec: everything a forecasting model needs besides its weights — which columns it reads and
// predicts, each with the mean and standard deviation fitted on the training part (inputs and targets are
// standardised, (x − mean) / std, and predictions mapped back), the window length W and the horizon H (the
// model reads W steps and predicts the next H steps of every target column). Stored as JSON in the model file.
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
    /// <summary>JSON form stored in model files.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Reads <see cref="ToJson"/>'s form; throws InvalidDataException when it is not usable.</summary>
    public static ForecastSpec FromJson(string json)
    {
        ForecastSpec? spec;
        try { spec = JsonSerializer.Deserialize<ForecastSpec>(json); }
        catch (JsonException e) { throw new InvalidDataException($"The forecasting settings cannot be read: {e.Message}"); }
        if (spec is null || spec.Inputs is null || spec.Targets is null || spec.Inputs.Count == 0 || spec.Targets.Count == 0 || spec.Window <= 0 || spec.Horizon <= 0
            || spec.Inputs.Concat(spec.Targets).Any(c => !(c.Std > 0) || !double.IsFinite(c.Mean)))
            throw new InvalidDataException("The forecasting settings are incomplete or impossible.");
        return spec;
    }

    /// <summary>
    /// For each input column, the position of the same column among the targets, or −1 — continuing a series
    /// autoregressively needs every input to be a target.
    /// </summary>
    public int[] InputToTarget() => Inputs.Select(i => Targets.ToList().FindIndex(t => t.Index == i.Index)).ToArray();

    /// <summary>Fits standardisation of the given columns on rows [0, rows) of row-major values (N, columns).</summary>
    public static ForecastColumn[] Fit(IReadOnlyList<(string? Name, int Index)> columns, ReadOnlySpan<double> values, int rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        int c = columns.Count;
        if (rows <= 0 || values.Length < rows * c) throw new ArgumentException($"Fitting needs rows in 1..{values.Length / Math.Max(c, 1)}, got {rows}.", nameof(rows));
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
