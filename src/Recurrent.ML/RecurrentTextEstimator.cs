// RecurrentTextEstimator: the RecurrentText trainer — reads the text and key-typed label columns of an IDataView
// into classification records (the label's key names as class names, in key order), builds a Recurrent
// SequenceClassifier over all K classes and trains it through the library's one training loop (KeyedTraining:
// SequenceClassifier.CreateFit → SupervisedFit.RunInMemory: bucketed padded batches, Adam, early stopping on the
// validation rows with the best weights kept). Rows with a missing label (key 0) or an empty text are skipped, as
// ML.NET's trainers skip rows they cannot use. The binary form reads a Boolean label as the classes "False" and "True".
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.Classification;

namespace Recurrent.ML;

/// <summary>Trains a recurrent text classifier on an <see cref="IDataView"/>; made by <c>mlContext.MulticlassClassification.Trainers.RecurrentText</c> or <c>mlContext.BinaryClassification.Trainers.RecurrentText</c>.</summary>
public sealed class RecurrentTextEstimator : IEstimator<RecurrentTextTransformer>
{
    private readonly RecurrentTextOptions _options;
    private readonly ScoreKind _kind;

    internal RecurrentTextEstimator(RecurrentTextOptions options, ScoreKind kind)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _kind = kind;
    }

    /// <summary>
    /// Trains on <paramref name="input"/>. ArgumentOutOfRangeException naming the column when the text column is
    /// missing or not a string, or the label column missing or not a key (Boolean for the binary classifier); InvalidOperationException when no row is
    /// usable or the validation data's label has other classes; OperationCanceledException when
    /// <see cref="RecurrentOptionsBase.CancellationToken"/> stopped training.
    /// </summary>
    public RecurrentTextTransformer Fit(IDataView input)
    {
        var classifier = KeyedTraining.Fit(input, _options, _kind, ClassificationFormat.Tsv, _options.ToSettings(), _options.TextColumnName, Texts);
        return new RecurrentTextTransformer(classifier, _options.TextColumnName, _kind);
    }

    /// <summary>
    /// The schema shape after the transformer: <paramref name="inputSchema"/> with Score (a vector of Single, one per
    /// class, slot names = the label's key values) and PredictedLabel (a key like the label). The same column errors as <see cref="Fit"/>.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.FindText(inputSchema, "text", _options.TextColumnName, nameof(inputSchema));
        string label = _options.LabelColumnName;
        if (_kind == ScoreKind.Multiclass) SchemaChecks.FindKey(inputSchema, "label", label, nameof(inputSchema));
        else SchemaChecks.FindBoolean(inputSchema, "label", label, nameof(inputSchema));
        return ScoredShape.Append(inputSchema, label, _kind);
    }

    // The text column of data, checked, and a reader of its rows' texts as records (null for an empty text).
    private (DataViewSchema.Column, Func<DataViewRow, Func<ClassificationRecord?>>) Texts(IDataView data, string paramName)
    {
        var text = SchemaChecks.Find(data.Schema, "text", _options.TextColumnName, paramName);
        SchemaChecks.RequireText(text, "text", paramName);
        return (text, row =>
        {
            var get = row.GetGetter<ReadOnlyMemory<char>>(text);
            ReadOnlyMemory<char> value = default;
            return () =>
            {
                get(ref value);
                return value.IsEmpty ? null : new ClassificationRecord(null, value.ToString(), [], 0);
            };
        });
    }
}
