// TaskDescription: the typed "task" entry of a model file — which kind of model the file holds (the registry of
// kinds is the list of derived records below, keyed by the "task" discriminator) and what prediction needs besides
// the weights: a classifier's input format, token kind, labels and (numbers) per-channel standardisation; a
// tagger's tags and words; a forecaster's columns, standardisation, window and horizon; an encoder–decoder's
// configuration and vocabulary; a captioner's generator configuration, word vocabulary, feature standardisation and
// the description of the feature extractor prediction must run. Every reader of task models goes through Read, so the entry is parsed one way; a
// file without the entry is a language model. The JSON is exactly what format-1 files hold, so they read unchanged.
using System.Text.Json;
using System.Text.Json.Serialization;
using Recurrent.Seq2Seq;

namespace Recurrent.Applications;

/// <summary>The "task" entry of a model file; one derived record per kind of model.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "task", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(ClassifierDescription), ClassifierDescription.Kind)]
[JsonDerivedType(typeof(TaggerDescription), TaggerDescription.Kind)]
[JsonDerivedType(typeof(ForecastDescription), ForecastDescription.Kind)]
[JsonDerivedType(typeof(Seq2SeqDescription), Seq2SeqDescription.Kind)]
[JsonDerivedType(typeof(CaptionDescription), CaptionDescription.Kind)]
public abstract record TaskDescription
{
    /// <summary>The metadata key of the entry.</summary>
    public const string MetadataKey = "task";

    private static readonly JsonSerializerOptions Json = new()
    {
        AllowOutOfOrderMetadataProperties = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The kind's name ("classify", "tag", "forecast", "seq2seq", "caption"), as `--task` says it.</summary>
    [JsonIgnore]
    public abstract string Name { get; }

    /// <summary>The entry's JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The entry as a metadata dictionary for <see cref="Serialization.ModelFile.Write"/>.</summary>
    public IReadOnlyDictionary<string, string> ToMetadata() => new Dictionary<string, string> { [MetadataKey] = ToJson() };

    /// <summary>
    /// The description in <paramref name="metadata"/>, or null when there is none (a language model). An entry that
    /// cannot be read, names an unknown kind or is incomplete is an InvalidDataException naming <paramref name="path"/>.
    /// </summary>
    public static TaskDescription? Read(IReadOnlyDictionary<string, string> metadata, string path)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.TryGetValue(MetadataKey, out var json)) return null;
        TaskDescription? description;
        try { description = JsonSerializer.Deserialize<TaskDescription>(json, Json); }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            throw new InvalidDataException($"'{path}': the task description cannot be read ({e.Message}); " +
                "the kinds this build knows are classify, tag, forecast, seq2seq and caption.", e);
        }
        if (description is null || !description.IsComplete)
            throw new InvalidDataException($"'{path}': the task description is incomplete.");
        return description;
    }

    /// <summary>The kind of model in the file at <paramref name="path"/> ("lm" when it has no task entry), without building it.</summary>
    public static string KindOf(string path) => Read(Serialization.ModelFile.ReadWithMetadata(path).Metadata, path)?.Name ?? "lm";

    /// <summary>True when every field prediction needs is present.</summary>
    protected abstract bool IsComplete { get; }
}

/// <summary>
/// A sequence classifier: input format ("tsv" or "csv"), token kind ("char", "word" or "numbers"), labels by id and,
/// for numbers, the per-channel standardisation (its length is the numbers per step; absent in files written before
/// it existed, whose one channel is read unscaled).
/// </summary>
public sealed record ClassifierDescription(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("tokens")] string Tokens,
    [property: JsonPropertyName("labels")] string[] Labels,
    [property: JsonPropertyName("standardisation"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    Classification.ChannelStandardisation? Standardisation = null) : TaskDescription
{
    /// <summary>"classify".</summary>
    public const string Kind = "classify";
    /// <inheritdoc/>
    public override string Name => Kind;
    /// <inheritdoc/>
    protected override bool IsComplete => Format is "tsv" or "csv" && Tokens is not null && Labels is { Length: > 0 }
        && (Standardisation is null || (Format == "csv" && Standardisation.IsValid));
}

/// <summary>A sequence tagger: tag names by id and the word vocabulary by id.</summary>
public sealed record TaggerDescription(
    [property: JsonPropertyName("tags")] string[] Tags,
    [property: JsonPropertyName("words")] string[] Words) : TaskDescription
{
    /// <summary>"tag".</summary>
    public const string Kind = "tag";
    /// <inheritdoc/>
    public override string Name => Kind;
    /// <inheritdoc/>
    protected override bool IsComplete => Tags is { Length: > 0 } && Words is { Length: > 0 };
}

/// <summary>A forecaster: its ForecastSpec (columns, standardisation, window, horizon) as JSON.</summary>
public sealed record ForecastDescription([property: JsonPropertyName("spec")] JsonElement Spec) : TaskDescription
{
    /// <summary>"forecast".</summary>
    public const string Kind = "forecast";
    /// <inheritdoc/>
    public override string Name => Kind;
    /// <inheritdoc/>
    protected override bool IsComplete => Spec.ValueKind == JsonValueKind.Object;
}

/// <summary>An encoder–decoder: its configuration and its vocabulary's JSON.</summary>
public sealed record Seq2SeqDescription(
    [property: JsonPropertyName("config")] Seq2SeqConfig Config,
    [property: JsonPropertyName("vocabulary")] string Vocabulary) : TaskDescription
{
    /// <summary>"seq2seq".</summary>
    public const string Kind = "seq2seq";
    /// <inheritdoc/>
    public override string Name => Kind;
    /// <inheritdoc/>
    protected override bool IsComplete => Config is not null && Vocabulary is not null;
}

/// <summary>
/// An image captioner: the generator's configuration, its word vocabulary's JSON, the feature standardisation fitted
/// on the training images, and a description of the feature extractor (e.g. "resnet18 pooled+grid 7x7") that
/// prediction must run to produce the features the model reads.
/// </summary>
public sealed record CaptionDescription(
    [property: JsonPropertyName("config")] ConditionedGeneratorConfig Config,
    [property: JsonPropertyName("vocabulary")] string Vocabulary,
    [property: JsonPropertyName("standardisation")] Captioning.CaptionFeatureStandardisation Standardisation,
    [property: JsonPropertyName("features")] string Features) : TaskDescription
{
    /// <summary>"caption".</summary>
    public const string Kind = "caption";
    /// <inheritdoc/>
    public override string Name => Kind;
    /// <inheritdoc/>
    protected override bool IsComplete => Config is not null && Vocabulary is not null && Standardisation is not null
        && Standardisation.IsValid && Features is not null;
}
