// PredictionJson: the small vocabulary every IEvaluationDetails implementation writes predictions.json with —
// how many examples to show, numbers that JSON can hold (a diverged model's NaN becomes null) and texts cut to a
// length a dashboard can show.
using System.Text.Json.Nodes;

namespace Recurrent.Training;

/// <summary>Helpers for building the JSON of <see cref="IEvaluationDetails.PredictionDetails"/>.</summary>
public static class PredictionJson
{
    /// <summary>Examples shown by classification, tagging and seq2seq evaluators (the first ones of the validation set).</summary>
    public const int MaxExamples = 8;

    /// <summary>Forecast windows shown (spread over the validation windows).</summary>
    public const int MaxForecasts = 4;

    /// <summary>Values of a forecast's history shown before the predicted rows.</summary>
    public const int MaxHistory = 48;

    /// <summary>Characters of an input text shown.</summary>
    public const int MaxText = 300;

    /// <summary><paramref name="value"/> as a JSON number, or null when it is not finite (JSON has no NaN).</summary>
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    /// <summary>The values as a JSON array of numbers (non-finite ones as null).</summary>
    public static JsonArray Numbers(ReadOnlySpan<double> values)
    {
        var array = new JsonArray();
        foreach (double v in values) array.Add(Number(v));
        return array;
    }

    /// <summary>The strings as a JSON array.</summary>
    public static JsonArray Strings(IEnumerable<string> values)
    {
        var array = new JsonArray();
        foreach (string s in values) array.Add(s);
        return array;
    }

    /// <summary><paramref name="text"/>, cut to <see cref="MaxText"/> characters with "…" when longer.</summary>
    public static string Shorten(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= MaxText ? text : string.Concat(text.AsSpan(0, MaxText), "…");
    }
}
