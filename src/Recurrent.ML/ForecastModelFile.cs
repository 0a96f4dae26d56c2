// ForecastModelFile: the file of a RecurrentForecast model and of a checkpointed engine — the core forecaster's own
// model file (ForecastFile's task description: columns, standardisation, window, horizon; `rnn predict` and `rnn eval`
// read it) with one more metadata entry, "ml_forecast": the ML.NET column names and the last L observations the
// engine forecasts from (after Fit: the end of the training series; after CheckPoint: the engine's current window).
// Written atomically by the model-file writer. A forecaster file without the entry (from `rnn train --task forecast`)
// loads with the default column names and an empty window, if it forecasts one column from itself alone.
using System.Text.Json;
using Recurrent.Forecasting;
using Recurrent.Serialization;

namespace Recurrent.ML;

internal static class ForecastModelFile
{
    private const string Key = "ml_forecast";

    // The "ml_forecast" entry. History: (≤ L) observations, oldest first, in the series' units.
    private sealed record State(string Input, string Output, string? LowerBound, string? UpperBound, double[] History);

    /// <summary>Writes the forecaster, its column names and <paramref name="history"/> to <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, Forecaster forecaster, ForecastColumnNames columns, IReadOnlyList<double> history)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var metadata = new Dictionary<string, string>(ForecastFile.Metadata(forecaster), StringComparer.Ordinal)
        {
            [Key] = JsonSerializer.Serialize(new State(columns.Input, columns.Output, columns.LowerBound, columns.UpperBound, history.ToArray())),
        };
        ModelFile.SaveTask(path, forecaster.Model.Config, forecaster.Model.Parameters, metadata);
    }

    /// <summary>
    /// Reads a file written by <see cref="Save"/> or a one-column forecaster file; InvalidDataException naming the file
    /// for any other model, a forecaster that reads other columns, calendar features or several series, or a bad entry.
    /// </summary>
    public static (Forecaster Forecaster, ForecastColumnNames Columns, double[] History) Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Forecaster forecaster = ForecastFile.Load(path);
        var spec = forecaster.Spec;
        if (spec.Inputs.Count != 1 || spec.Targets.Count != 1 || spec.Inputs[0].Index != spec.Targets[0].Index
            || spec.Known is not null || spec.Calendar is not null || spec.SeriesColumn is not null)
            throw new InvalidDataException($"'{path}' forecasts {spec.Targets.Count} column(s) from {spec.Inputs.Count} input column(s)" +
                $"{(spec.Known is null && spec.Calendar is null ? "" : " with known-ahead or calendar features")}{(spec.SeriesColumn is null ? "" : " of many series")}; " +
                "the ML.NET forecaster reads one series column and forecasts it from itself alone.");
        var (_, metadata) = ModelFile.ReadWithMetadata(path);
        if (!metadata.TryGetValue(Key, out string? json))
            return (forecaster, new ForecastColumnNames(spec.Inputs[0].Name ?? "Value", "Forecast", null, null), []);
        State? state;
        try { state = JsonSerializer.Deserialize<State>(json); }
        catch (JsonException e) { throw new InvalidDataException($"'{path}': its ML.NET forecaster entry cannot be read: {e.Message}"); }
        if (state is null || string.IsNullOrWhiteSpace(state.Input) || string.IsNullOrWhiteSpace(state.Output) || state.History is null
            || state.History.Length > spec.HistoryRows || state.History.Any(v => !double.IsFinite(v))
            || ((state.LowerBound is not null || state.UpperBound is not null) && spec.QuantileCount < 2))
            throw new InvalidDataException($"'{path}': its ML.NET forecaster entry is incomplete or does not fit the model.");
        return (forecaster, new ForecastColumnNames(state.Input, state.Output, state.LowerBound, state.UpperBound), state.History);
    }
}
