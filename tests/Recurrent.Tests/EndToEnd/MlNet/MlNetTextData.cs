// MlNetTextData: a small generated text-classification set for the ML.NET tests — each text is a few filler words
// with one colour word somewhere among them, and the colour is the label ("red", "green", "blue", or the first
// two for the binary case), so a word-level recurrent classifier learns it in a few epochs. Seeded: the same rows
// every run.
using Microsoft.ML;

namespace Recurrent.Tests.EndToEnd.MlNet;

/// <summary>One row: the text and its label (a string, mapped to a key in the pipeline).</summary>
public sealed class TextRow
{
    public string Label { get; set; } = "";
    public string Text { get; set; } = "";
}

internal static class MlNetTextData
{
    private static readonly string[] Filler = ["the", "a", "cat", "dog", "sat", "on", "mat", "ran", "far", "away", "big", "small", "house", "tree"];

    /// <summary><paramref name="count"/> rows whose label is one of <paramref name="classes"/>, seeded by <paramref name="seed"/>.</summary>
    public static List<TextRow> Rows(int count, int seed, params string[] classes)
    {
        if (classes.Length == 0) classes = ["red", "green", "blue"];
        var random = new Random(seed);
        var rows = new List<TextRow>(count);
        for (int i = 0; i < count; i++)
        {
            string label = classes[random.Next(classes.Length)];
            var words = Enumerable.Range(0, 3 + random.Next(5)).Select(_ => Filler[random.Next(Filler.Length)]).ToList();
            words.Insert(random.Next(words.Count + 1), label);
            rows.Add(new TextRow { Label = label, Text = string.Join(' ', words) });
        }
        return rows;
    }

    /// <summary>The rows as an IDataView with columns Label (string) and Text (string).</summary>
    public static IDataView View(MLContext ml, IEnumerable<TextRow> rows) => ml.Data.LoadFromEnumerable(rows);
}
