// ForecastRunSpec: what a forecasting run is — its kind ("forecast"), the model's architecture, how it is trained
// (ForecastOptions: window, horizon, batch, optimization, run controls, held-out fraction, seed) and which series it
// reads (file, columns, encoding) — stored as the application's part ("run") of the fit state in every checkpoint,
// so `rnn train --resume DIR` rereads the same series, standardises and splits it the same way and continues exactly.
using System.Text.Json.Nodes;
using Recurrent.Training;

namespace Recurrent.Forecasting;

/// <summary>The series a forecasting run reads.</summary>
public sealed record ForecastDataSpec
{
    /// <summary>The CSV file (absolute).</summary>
    public required string Path { get; init; }
    /// <summary>Input columns, header names or 1-based numbers (null: the targets).</summary>
    public IReadOnlyList<string>? Inputs { get; init; }
    /// <summary>Target columns, header names or 1-based numbers (null: the last column).</summary>
    public IReadOnlyList<string>? Targets { get; init; }
    /// <summary>The file's text encoding (null = UTF-8).</summary>
    public string? Encoding { get; init; }
    /// <summary>Columns known ahead (read at the predicted step), or null.</summary>
    public IReadOnlyList<string>? Known { get; init; }
    /// <summary>The date/time column whose calendar is added to the inputs, or null.</summary>
    public string? TimeColumn { get; init; }
    /// <summary>The column naming each row's series (long format, many series), or null.</summary>
    public string? SeriesColumn { get; init; }
}

/// <summary>The kind, model, training options and data of a forecasting run.</summary>
public sealed record ForecastRunSpec
{
    /// <summary>The name under "kind", so a checkpoint of another kind of model is not read as this one.</summary>
    public const string KindName = ForecastFile.Task;


    /// <summary>"forecast".</summary>
    public string Kind { get; init; } = KindName;
    /// <summary>The architecture.</summary>
    public required ForecastModelSettings Model { get; init; }
    /// <summary>How it is trained.</summary>
    public required ForecastOptions Training { get; init; }
    /// <summary>The series.</summary>
    public required ForecastDataSpec Data { get; init; }
    /// <summary>A forecaster file whose network and standardisation the run starts from (fine-tuning), or null.</summary>
    public string? InitFrom { get; init; }

    /// <summary>This spec as a JSON node.</summary>
    public JsonNode ToJsonNode() => RunSpecJson.ToNode(this);

    /// <summary>Reads a spec; InvalidDataException naming <paramref name="source"/> when it is missing or impossible.</summary>
    public static ForecastRunSpec FromJsonNode(JsonNode? node, string source) =>
        RunSpecJson.Read<ForecastRunSpec>(node, source, "forecasting",
            s => s.Kind == KindName && s.Model is not null && s.Training is not null && s.Data?.Path is not null,
            s => { s.Model.Validate(); s.Training.Validate(); });
}
