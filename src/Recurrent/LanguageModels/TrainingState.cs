// TrainingState: everything besides the weights and optimizer moments that a language-model run needs to
// continue exactly where it stopped — options, data spec, step, epoch, batcher position, the carried hidden
// state, both random generators, best validation loss and the patience counter, time spent — as the JSON
// stored under "training" in every checkpoint (ModelFile's trainingJson). Float arrays travel as base64 of
// their little-endian bytes, so they round-trip bit for bit (NaN included).
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Recurrent.LanguageModels;

/// <summary>The resumable state of a <see cref="LanguageModelTrainer"/> run, serialisable to JSON.</summary>
public sealed record TrainingState
{
    /// <summary>Value of <see cref="Format"/>.</summary>
    public const string FormatName = "recurrent.lm-training";
    /// <summary>Version written by this build.</summary>
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Always <see cref="FormatName"/>.</summary>
    public string Format { get; init; } = FormatName;
    /// <summary>Version of this layout.</summary>
    public int Version { get; init; } = CurrentVersion;
    /// <summary>The run's settings.</summary>
    public required LanguageModelOptions Options { get; init; }
    /// <summary>The corpus, when the caller described it (needed to resume from the command line).</summary>
    public TrainingDataSpec? Data { get; init; }
    /// <summary>Tokens in the training stream (checked on resume: a changed corpus cannot continue exactly).</summary>
    public long TrainTokens { get; init; }
    /// <summary>Updates done.</summary>
    public long Step { get; init; }
    /// <summary>Completed epochs (the 0-based epoch the next update belongs to).</summary>
    public int Epoch { get; init; }
    /// <summary>Windows already consumed in the current epoch (ContiguousBatcher.Position).</summary>
    public long BatcherPosition { get; init; }
    /// <summary>Hidden state carried into the next window, (L,B,H).</summary>
    public byte[] CarriedH { get; init; } = [];
    /// <summary>LSTM cell state carried into the next window, (L,B,H); empty for other cells.</summary>
    public byte[] CarriedC { get; init; } = [];
    /// <summary>State of the model's dropout generator.</summary>
    public ulong[] DropoutRng { get; init; } = [];
    /// <summary>State of the trainer's generator (sample seeds).</summary>
    public ulong[] TrainerRng { get; init; } = [];
    /// <summary>Lowest validation loss of any evaluation, and its step.</summary>
    public double? BestValidationLoss { get; init; }
    /// <summary>The step of <see cref="BestValidationLoss"/>.</summary>
    public long? BestValidationStep { get; init; }
    /// <summary>Lowest validation loss of the periodic evaluations (the reference for early stopping).</summary>
    public double? PatienceBestLoss { get; init; }
    /// <summary>Periodic evaluations in a row without improvement.</summary>
    public int EvaluationsWithoutImprovement { get; init; }
    /// <summary>Step of the last evaluation (0 = none).</summary>
    public long LastEvaluationStep { get; init; }
    /// <summary>Wall-clock seconds spent in the run so far.</summary>
    public double ElapsedSeconds { get; init; }
    /// <summary>Training tokens processed so far.</summary>
    public long TokensSeen { get; init; }
    /// <summary>Windows skipped so far because their loss or gradient was not finite.</summary>
    public long SkippedSteps { get; init; }
    /// <summary>Skipped windows in a row just before this checkpoint.</summary>
    public int BadStepsInARow { get; init; }

    /// <summary>The JSON form.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses <see cref="ToJson"/>; throws InvalidDataException naming <paramref name="source"/> when it is not a valid state.</summary>
    public static TrainingState FromJson(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        TrainingState? state;
        try { state = JsonSerializer.Deserialize<TrainingState>(json, Json); }
        catch (JsonException e) { throw new InvalidDataException($"'{source}' has an unreadable training state: {e.Message}", e); }
        if (state is null || state.Format != FormatName)
            throw new InvalidDataException($"'{source}' has no language-model training state (it is not a checkpoint written by `rnn train`).");
        if (state.Version > CurrentVersion)
            throw new InvalidDataException($"'{source}' has training-state version {state.Version}, newer than this build's {CurrentVersion}; update Recurrent to resume it.");
        if (state.DropoutRng.Length != 4 || state.TrainerRng.Length != 4)
            throw new InvalidDataException($"'{source}': the training state's random generator states are incomplete.");
        try { state.Options.Validate(); }
        catch (ArgumentException e) { throw new InvalidDataException($"'{source}': the training state holds impossible options: {e.Message}", e); }
        return state;
    }

    /// <summary>The bytes of a float array (for <see cref="CarriedH"/>/<see cref="CarriedC"/>).</summary>
    public static byte[] ToBytes(ReadOnlySpan<float> values) => MemoryMarshal.AsBytes(values).ToArray();

    /// <summary>Floats from bytes written by <see cref="ToBytes"/>.</summary>
    public static float[] ToFloats(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length % sizeof(float) != 0) throw new InvalidDataException($"A float array has {bytes.Length} bytes, not a multiple of 4.");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    /// <summary>An Rng state as an array (JSON-friendly).</summary>
    public static ulong[] ToArray((ulong, ulong, ulong, ulong) s) => [s.Item1, s.Item2, s.Item3, s.Item4];

    /// <summary>An Rng state from <see cref="ToArray"/>.</summary>
    public static (ulong, ulong, ulong, ulong) ToTuple(ulong[] a) => (a[0], a[1], a[2], a[3]);
}
