// RunSpecJson: how every kind of run stores its description (options and data, the fit state's "run" entry) — one
// JSON convention (snake_case, enums by name, NaN and infinities allowed, nulls left out) and one reader that turns
// a missing, unreadable, foreign or impossible description into an InvalidDataException naming the checkpoint.
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Recurrent.Training;

/// <summary>JSON of the run descriptions stored in checkpoints.</summary>
public static class RunSpecJson
{
    /// <summary>The serializer options every run description uses.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary><paramref name="spec"/> as a JSON node.</summary>
    public static JsonNode ToNode<TSpec>(TSpec spec) => JsonSerializer.SerializeToNode(spec, Options)!;

    /// <summary>
    /// Reads a run description of the kind <paramref name="isKind"/> accepts and checks it with
    /// <paramref name="validate"/> (an ArgumentException there means impossible options); <paramref name="what"/>
    /// names the kind in the message ("language-model", "forecasting", ...).
    /// </summary>
    public static TSpec Read<TSpec>(JsonNode? node, string source, string what, Func<TSpec, bool> isKind, Action<TSpec> validate) where TSpec : class
    {
        ArgumentNullException.ThrowIfNull(isKind);
        ArgumentNullException.ThrowIfNull(validate);
        TSpec? spec;
        try { spec = node?.Deserialize<TSpec>(Options); }
        catch (JsonException e) { throw new InvalidDataException($"'{source}' has an unreadable run description: {e.Message}", e); }
        if (spec is null || !isKind(spec))
            throw new InvalidDataException($"'{source}' holds no {what} training state (it is not a checkpoint of such a run written by `rnn train`).");
        try { validate(spec); }
        catch (ArgumentException e) { throw new InvalidDataException($"'{source}': the training state holds impossible options: {e.Message}", e); }
        return spec;
    }
}
