// Shared parts: the row type, the timed fit-and-evaluate of one pipeline, the majority-class baseline, and ML.NET's
// text featurizer as the benchmark configures it.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;

namespace MLNetComparison;

/// <summary>One line of the table; <see cref="Seconds"/> is null for the baseline, which trains nothing.</summary>
public sealed record ResultRow(string Task, string Model, double MicroAccuracy, double MacroAccuracy, double? Seconds);

/// <summary>A labelled text example (the label is the class name).</summary>
public sealed class TextRow
{
    /// <summary>Class name.</summary>
    public string Label { get; set; } = "";
    /// <summary>The input text.</summary>
    public string Text { get; set; } = "";
}

internal static class Bench
{
    /// <summary>
    /// Fits <paramref name="pipeline"/> on <paramref name="train"/> (label already a key), timing Fit alone, and
    /// evaluates it on <paramref name="test"/> with ML.NET's multiclass evaluator.
    /// </summary>
    public static ResultRow FitAndEvaluate(MLContext ml, string task, string model, IEstimator<ITransformer> pipeline, IDataView train, IDataView test)
    {
        Console.WriteLine($"{task}: fitting {model} ...");
        var clock = Stopwatch.StartNew();
        var fitted = pipeline.Fit(train);
        double seconds = clock.Elapsed.TotalSeconds;
        var metrics = ml.MulticlassClassification.Evaluate(fitted.Transform(test));
        Console.WriteLine($"{task}: {model}: micro-accuracy {metrics.MicroAccuracy:F3}, macro-accuracy {metrics.MacroAccuracy:F3}, fit {seconds:F1} s");
        return new ResultRow(task, model, metrics.MicroAccuracy, metrics.MacroAccuracy, seconds);
    }

    /// <summary>Always answering the most frequent training class: micro- and macro-accuracy on the test labels.</summary>
    public static ResultRow Majority(string task, IEnumerable<string> trainLabels, IReadOnlyList<string> testLabels)
    {
        string majority = trainLabels.GroupBy(l => l).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
        double micro = testLabels.Count(l => l == majority) / (double)testLabels.Count;
        // Macro-accuracy is the mean recall over the classes present in the test set: 1 for the majority class, 0 for the others.
        var classes = testLabels.Distinct().ToList();
        double macro = classes.Contains(majority) ? 1.0 / classes.Count : 0;
        return new ResultRow(task, $"majority class ({majority})", micro, macro, null);
    }

    /// <summary>
    /// ML.NET's FeaturizeText into "Features": word 1–2-grams and character 1–4-grams, case kept, L2-normalised
    /// (its defaults are word unigrams and character trigrams, lower-cased).
    /// </summary>
    public static IEstimator<ITransformer> Featurize(MLContext ml, string textColumn = "Text") =>
        ml.Transforms.Text.FeaturizeText("Features", new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.None,
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
            CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 4, UseAllLengths = true },
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        }, textColumn);

    /// <summary>The key-typed label, fitted on the training rows (outside the timed Fit: it is the same for every model).</summary>
    public static ITransformer Keys(MLContext ml, IDataView train) => ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);

    /// <summary>Shuffles <paramref name="items"/> in place with a seeded Fisher–Yates.</summary>
    public static void Shuffle<T>(IList<T> items, int seed)
    {
        var rng = new Random(seed);
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
