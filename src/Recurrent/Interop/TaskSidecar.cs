// TaskSidecar: what an exported task model needs besides its weights to be used alone — a JSON description
// ("format": "recurrent.task") of how inputs become model inputs and outputs become answers: a classifier's labels,
// input format and vocabulary (model id → token, with the tokenizer it came from) or numbers per step and per-channel
// standardisation; a tagger's word vocabulary and
// tag names; a forecaster's columns with their standardisation, window and horizon; an encoder–decoder's vocabulary,
// special ids, source layout and decoding rule. `rnn export` writes it as task.json in a PyTorch folder, as
// NAME.task.json beside an ONNX file, and into the ONNX metadata under recurrent.task. Language models need none
// (their tokenizer.json is the whole story).
using Recurrent.Data;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Recurrent.Classification;
using Recurrent.Forecasting;
using Recurrent.Seq2Seq;
using Recurrent.Serialization;
using Recurrent.Tagging;

namespace Recurrent.Interop;

/// <summary>The task description that travels with an exported classifier, tagger, forecaster or encoder–decoder.</summary>
public static class TaskSidecar
{
    /// <summary>Value of the "format" entry.</summary>
    public const string FormatName = "recurrent.task";
    /// <summary>Value of the "version" entry written by this build.</summary>
    public const int Version = 1;
    /// <summary>File name of the description in a PyTorch export folder.</summary>
    public const string FileName = "task.json";
    /// <summary>Key of the description in an ONNX file's metadata_props.</summary>
    public const string OnnxMetadata = "recurrent.task";

    // Readable as written: non-ASCII characters and <, > stay as they are (the file is JSON, not HTML).
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The description written beside an ONNX file: <c>model.onnx</c> → <c>model.task.json</c>.</summary>
    public static string PathBeside(string onnxPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(onnxPath);
        return Path.ChangeExtension(onnxPath, null) + ".task.json";
    }

    /// <summary>Writes <paramref name="json"/> to <paramref name="path"/> atomically (UTF-8, final newline).</summary>
    public static void Write(string path, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        byte[] bytes = Encoding.UTF8.GetBytes(json + "\n");
        ModelFile.WriteAtomically(path, s => s.Write(bytes));
    }

    /// <summary>
    /// A classifier: "labels" (output index → label), "input_format" (tsv or csv); for text "tokens" (char or word),
    /// "vocabulary" (model id → token, 0 = unknown), "tokenizer" (its JSON) and "tokenizer_id_offset" (model id =
    /// tokenizer id + offset); for numbers "features_per_step" (F) and, when the model standardises its input,
    /// "standardisation" with one "mean" and "std" per channel (fed as (x − mean) / std; the graph does not do it).
    /// </summary>
    public static string ForClassifier(SequenceClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        var o = Header(SequenceClassifier.TaskName);
        bool text = classifier.Format == ClassificationFormat.Tsv;
        o["input_format"] = text ? "tsv" : "csv";
        if (text && classifier.Encoder is { } encoder)
        {
            o["input"] = "token ids, int64 (T, B): each token's index in \"vocabulary\"; a token not in it is \"unknown_id\"";
            o["tokens"] = encoder.Kind;
            o["unknown_id"] = 0;
            o["vocabulary"] = Array(encoder.Vocabulary);
            o["tokenizer_id_offset"] = encoder.TokenizerIdOffset;
            o["tokenizer"] = JsonNode.Parse(encoder.ToJson());
        }
        else
        {
            int f = classifier.FeaturesPerStep;
            o["tokens"] = "numbers";
            o["features_per_step"] = f;
            string layout = f == 1 ? "the line's numbers, one per step" : $"the line's T·{f} numbers, {f} per step, step-major (step 1's {f}, then step 2's, ...)";
            if (classifier.Standardisation is { } s)
            {
                o["input"] = $"features, float32 (T, B, {f}): {layout}, channel k standardised as (x - standardisation.mean[k]) / standardisation.std[k]";
                o["standardisation"] = new JsonObject
                {
                    ["mean"] = new JsonArray(s.Mean.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
                    ["std"] = new JsonArray(s.Std.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
                };
            }
            else o["input"] = $"features, float32 (T, B, {f}): {layout}, as they are (this model was trained on unscaled numbers)";
        }
        o["labels"] = Array(classifier.Labels.Names);
        o["output"] = "logits (B, labels) after the last step; softmax gives the probabilities, the largest names the label";
        return o.ToJsonString(Indented);
    }

    /// <summary>A tagger: "vocabulary" (model id → word, 0 = unknown, words as they are) and "tags" (output index → tag).</summary>
    public static string ForTagger(SequenceTagger tagger)
    {
        ArgumentNullException.ThrowIfNull(tagger);
        var o = Header(SequenceTagger.TaskName);
        o["input_format"] = "conll";
        o["input"] = "token ids, int64 (T, B): each word's index in \"vocabulary\" (exact match, no lower-casing); an unknown word is \"unknown_id\"";
        o["unknown_id"] = 0;
        o["vocabulary"] = Array([Vocabulary.UnknownToken, .. tagger.Words.Entries]);
        o["tags"] = Array(tagger.Tags.Names);
        o["output"] = "logits (T, B, tags) per step; the largest names the token's tag";
        return o.ToJsonString(Indented);
    }

    /// <summary>
    /// A forecaster: "window", "horizon", the "inputs" and "targets" columns (name, 0-based column index in the
    /// training file, mean and std of the training rows), and how a window is prepared and an output mapped back:
    /// "normalize" (window, global or none), "difference", "season_difference", and, when the model has them,
    /// "quantiles" (the output's innermost axis), "known" columns and "calendar" features (read at the predicted
    /// step) and the "series_column". The "input" and "output" texts spell the arithmetic out for this model.
    /// </summary>
    public static string ForForecaster(Forecaster forecaster)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        ForecastSpec spec = forecaster.Spec;
        var o = Header(ForecastFile.Task);
        o["input_format"] = "csv";
        o["window"] = spec.Window;
        o["horizon"] = spec.Horizon;
        o["inputs"] = Columns(spec.Inputs);
        o["targets"] = Columns(spec.Targets);
        o["normalize"] = spec.Normalize.ToString().ToLowerInvariant();
        o["difference"] = spec.Difference;
        o["season_difference"] = spec.SeasonDifference;
        o["season"] = spec.Season;
        if (spec.Quantiles is { } q) o["quantiles"] = new JsonArray(q.Select(v => (JsonNode?)v).ToArray());
        if (spec.Known is { } known) o["known"] = Columns(known);
        if (spec.Calendar is { } cal)
            o["calendar"] = new JsonObject
            {
                ["column"] = cal.Column, ["layout"] = cal.Layout, ["features"] = new JsonArray(cal.Features.Select(f => (JsonNode?)f).ToArray()),
                ["encoding"] = "per feature sin(2π·turn), cos(2π·turn); turn = (month−1)/12, weekday (Sunday 0)/7, (day of year−1)/365.25, (hour + minute/60)/24",
            };
        if (spec.SeriesColumn is string series) o["series_column"] = series;
        string rows = spec.Lag > 0 ? $"the last window + {spec.Lag} rows" : "the last \"window\" rows";
        string diff = (spec.SeasonDifference, spec.Difference) switch
        {
            ( > 0, true) => $"d[t] = y[t] - y[t-{spec.SeasonDifference}] - y[t-1] + y[t-{spec.SeasonDifference + 1}], ",
            ( > 0, false) => $"d[t] = y[t] - y[t-{spec.SeasonDifference}], ",
            (_, true) => "d[t] = y[t] - y[t-1], ",
            _ => "",
        };
        string scale = spec.Normalize switch
        {
            ForecastNormalization.Window => "(d - level) / scale with level = the window's last d and scale = the population std of its \"window\" d values (a constant window: their mean absolute value, or 1)",
            ForecastNormalization.Global => "(d - mean) / std of its column",
            _ => "d unchanged",
        };
        string extra = spec.FeatureCount > spec.Inputs.Count
            ? "; after the input columns come the \"known\" columns ((x - mean) / std) and the \"calendar\" features, both of the row \"horizon\" steps after each step" : "";
        o["input"] = $"features, float32 (window, B, {spec.FeatureCount}): {rows} of the input columns, each column {diff}then {scale}{extra}";
        string back = spec.Normalize switch
        {
            ForecastNormalization.Window => "value * scale + level of the target's input column",
            ForecastNormalization.Global => "value * std + mean of its target",
            _ => "value",
        };
        string undo = diff.Length > 0 ? ", then undo the differencing step by step (y[t] = d[t] + the terms above, using earlier predictions beyond the history)" : "";
        string layout = spec.Quantiles is null ? "(B, horizon * targets) after the last step, step-major (step 1's targets, then step 2's, ...)"
            : "(B, horizon * targets * quantiles) after the last step, step-major, the quantiles innermost";
        o["output"] = $"output {layout}; d = {back}{undo}";
        return o.ToJsonString(Indented);
    }

    /// <summary>
    /// An encoder–decoder: "vocabulary" (id → token: the specials, then characters), "pad_id", "start_id",
    /// "end_id", "source_length", "reverse_source", "max_target_length" and the architecture.
    /// </summary>
    public static string ForSeq2Seq(Seq2SeqConfig config, Seq2SeqVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var o = Header(Seq2SeqFile.Task);
        string[] tokens = ["<pad>", "<s>", "</s>", .. vocabulary.CodePoints.Select(cp => new Rune(cp).ToString())];
        o["vocabulary"] = Array(tokens);
        o["pad_id"] = Seq2SeqVocabulary.Pad;
        o["start_id"] = Seq2SeqVocabulary.Start;
        o["end_id"] = Seq2SeqVocabulary.End;
        o["source_length"] = config.SourceLength;
        o["reverse_source"] = config.ReverseSource;
        o["max_target_length"] = config.MaxTargetLength;
        o["cell"] = config.Cell.ToString();
        o["layers"] = config.Layers;
        o["hidden_size"] = config.HiddenSize;
        o["embedding_size"] = config.EmbeddingSize;
        o["source"] = "token ids, int64 (source_length, B): the source's characters (reversed when reverse_source) behind left padding with pad_id; " +
                      "a character not in the vocabulary cannot be encoded";
        o["decoding"] = "the encoder's final state starts the decoder; feed start_id, then each step's argmax, until end_id or max_target_length tokens";
        return o.ToJsonString(Indented);
    }

    private static JsonObject Header(string task) => new() { ["format"] = FormatName, ["version"] = Version, ["task"] = task };

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static JsonArray Columns(IReadOnlyList<ForecastColumn> columns) => new(columns.Select(c => (JsonNode?)new JsonObject
    {
        ["name"] = c.Name,
        ["column"] = c.Index,
        ["mean"] = c.Mean,
        ["std"] = c.Std,
    }).ToArray());
}
