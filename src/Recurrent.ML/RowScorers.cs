// RowScorers: what a fitted Recurrent transformer computes from one input row — the input column it reads (found and
// type-checked on the input schema, with ML.NET's schema errors) and, per row, the scores (K class probabilities,
// or the one regression value) and the predicted key. ScoredColumns turns them into ML.NET's output columns; a text
// classifier reads a string column, a numeric-sequence model (classifier or regressor) a vector of Single of T·F
// numbers.
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Recurrent.ML;

/// <summary>Scores one input row of a fitted Recurrent model.</summary>
internal interface IRowScorer
{
    /// <summary>Length of a row's scores: K (classifier) or 1 (regressor).</summary>
    int Outputs { get; }

    /// <summary>The input column read, found and checked in <paramref name="schema"/> (ArgumentOutOfRangeException naming it).</summary>
    DataViewSchema.Column Input(DataViewSchema schema);

    /// <summary>
    /// A scorer of the current row of <paramref name="row"/> (whose <paramref name="input"/> column is active): it
    /// writes the scores (<see cref="Outputs"/>) into its argument and returns the predicted key (1-based, 0 = none).
    /// </summary>
    Func<float[], uint> Bind(DataViewRow row, DataViewSchema.Column input);
}

/// <summary>A text classifier's scorer: reads a string column.</summary>
internal sealed class TextRowScorer(KeyedClassifier classifier, string textColumnName) : IRowScorer
{
    public int Outputs => classifier.KeyCount;

    public DataViewSchema.Column Input(DataViewSchema schema)
    {
        var text = SchemaChecks.Find(schema, "text", textColumnName, "inputSchema");
        SchemaChecks.RequireText(text, "text", "inputSchema");
        return text;
    }

    public Func<float[], uint> Bind(DataViewRow row, DataViewSchema.Column input)
    {
        var get = row.GetGetter<ReadOnlyMemory<char>>(input);
        ReadOnlyMemory<char> text = default;
        return score =>
        {
            get(ref text);
            return classifier.Score(text.ToString(), score);
        };
    }
}

/// <summary>
/// A numeric-sequence model's scorer: reads a vector of Single (T·F numbers) and hands it to
/// <paramref name="score"/> (values → scores, predicted key).
/// </summary>
internal sealed class VectorRowScorer(string featuresColumnName, int featuresPerStep, int outputs, Func<float[], float[], uint> score) : IRowScorer
{
    public int Outputs => outputs;

    public DataViewSchema.Column Input(DataViewSchema schema)
    {
        var features = SchemaChecks.Find(schema, "features", featuresColumnName, "inputSchema");
        SchemaChecks.RequireSteps(features, "features", featuresPerStep, "inputSchema");
        return features;
    }

    public Func<float[], uint> Bind(DataViewRow row, DataViewSchema.Column input)
    {
        var read = FeatureVectors.Reader(row, input, featuresPerStep, "the input");
        return scores => score(read(), scores);
    }
}
