// FitState: everything besides the weights and optimizer moments that a run needs to continue exactly where it
// stopped — step, epoch and position in it, the batch source's own state (a language model's carried hidden
// state), the dropout generator, the best monitored metric and the patience counter, time spent, skipped steps,
// the divergence reference, the averaged weights' start and NT-ASGD trigger (the average itself is an optimizer
// buffer), each stateful callback's state (e.g. the sampler's generator) and the application's
// run description (its options and data, as JSON it reads back itself). Stored as JSON under "training" in every
// checkpoint. Byte arrays travel as base64, so float state round-trips bit for bit (NaN included).
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Recurrent.Training;

/// <summary>The resumable state of a <see cref="FitLoop"/>.</summary>
public sealed record FitState
{
    /// <summary>Value of <see cref="Format"/>.</summary>
    public const string FormatName = "recurrent.fit";
    /// <summary>Version written by this build; larger versions are refused.</summary>
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>"recurrent.fit".</summary>
    public string Format { get; init; } = FormatName;
    /// <summary>Format version.</summary>
    public int Version { get; init; } = CurrentVersion;
    /// <summary>The application's description of the run (options, data), read back by the application.</summary>
    public JsonNode? Run { get; init; }
    /// <summary>Updates applied.</summary>
    public long Step { get; init; }
    /// <summary>Completed epochs.</summary>
    public int Epoch { get; init; }
    /// <summary>Batches of the current epoch done.</summary>
    public long Position { get; init; }
    /// <summary>The batch source's own state.</summary>
    public byte[] SourceState { get; init; } = [];
    /// <summary>The model's dropout generator.</summary>
    public ulong[] DropoutRng { get; init; } = [];
    /// <summary>Best value of the monitored metric.</summary>
    public double? BestScore { get; init; }
    /// <summary>Its step.</summary>
    public long? BestStep { get; init; }
    /// <summary>Best value among the periodic evaluations (what patience counts from).</summary>
    public double? PatienceBest { get; init; }
    /// <summary>Periodic evaluations in a row without improvement.</summary>
    public int EvaluationsWithoutImprovement { get; init; }
    /// <summary>Step of the last evaluation.</summary>
    public long LastEvaluationStep { get; init; }
    /// <summary>Wall-clock seconds spent so far.</summary>
    public double ElapsedSeconds { get; init; }
    /// <summary>Input steps trained on.</summary>
    public long ItemsSeen { get; init; }
    /// <summary>Steps skipped in all.</summary>
    public long SkippedSteps { get; init; }
    /// <summary>Steps skipped in a row at the time of the checkpoint.</summary>
    public int BadStepsInARow { get; init; }
    /// <summary>The first applied update's loss, the reference of the divergence limit.</summary>
    public double? ReferenceLoss { get; init; }
    /// <summary>The step engine's learning-rate factor (1 unless a callback lowered it).</summary>
    public double LearningRateFactor { get; init; } = 1;
    /// <summary>Averaged weights: the first averaged update and NT-ASGD's trigger (null when the run does not average).</summary>
    public WeightAveragingState? Averaging { get; init; }
    /// <summary>Stateful callbacks' states by their key.</summary>
    public Dictionary<string, JsonNode?> Callbacks { get; init; } = [];

    /// <summary>This state as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a state; InvalidDataException naming <paramref name="source"/> when it is not one or is incomplete.</summary>
    public static FitState FromJson(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        FitState? state;
        try { state = JsonSerializer.Deserialize<FitState>(json, Json); }
        catch (JsonException e) { throw new InvalidDataException($"'{source}' has an unreadable training state: {e.Message}", e); }
        if (state is null || state.Format != FormatName)
            throw new InvalidDataException($"'{source}' holds no training state this build can resume (it is not a checkpoint written by `rnn train`, " +
                "or was written by an older version: start a new run with --init-from to keep its weights).");
        if (state.Version > CurrentVersion)
            throw new InvalidDataException($"'{source}' has training-state version {state.Version}, newer than this build's {CurrentVersion}; update Recurrent to resume it.");
        if (state.DropoutRng.Length != 4)
            throw new InvalidDataException($"'{source}': the training state's random generator state is incomplete.");
        if (state.Step < 0 || state.Epoch < 0 || state.Position < 0)
            throw new InvalidDataException($"'{source}': the training state has a negative step, epoch or position.");
        return state;
    }

    /// <summary>Reads only the application's run description of a state's JSON (no other checks).</summary>
    public static JsonNode? ReadRun(string json, string source)
    {
        try { return JsonNode.Parse(json)?["run"]; }
        catch (JsonException e) { throw new InvalidDataException($"'{source}' has an unreadable training state: {e.Message}", e); }
    }
}
