// RecurrentSequenceEstimator: the RecurrentSequence classifier — reads a numeric-sequence column (a vector of Single,
// T·F numbers step-major; fixed size, a multiple of F, or variable size, each row a multiple of F) and a key-typed
// label into numeric classification records and trains a Recurrent SequenceClassifier on them through the same path
// as the text trainer and `rnn train --task classify` on a `label,values` CSV with --features-per-step (KeyedTraining:
// per-channel standardisation fitted on the training steps, bucketed padded batches, early stopping). Rows with a
// missing label or an empty vector are skipped. The binary form (BinaryClassification.Trainers.RecurrentSequence) reads a
// Boolean label as the classes "False" and "True" and adds the calibrated binary columns, as the binary text trainer.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.Classification;

namespace Recurrent.ML;

/// <summary>Trains a recurrent classifier of numeric sequences on an <see cref="IDataView"/>; made by <c>mlContext.MulticlassClassification.Trainers.RecurrentSequence</c> or <c>mlContext.BinaryClassification.Trainers.RecurrentSequence</c>.</summary>
public sealed class RecurrentSequenceEstimator : IEstimator<RecurrentSequenceTransformer>
{
    private readonly RecurrentSequenceOptions _options;
    private readonly ScoreKind _kind;

    internal RecurrentSequenceEstimator(RecurrentSequenceOptions options, ScoreKind kind)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _kind = kind;
    }

    /// <summary>
    /// Trains on <paramref name="input"/>. ArgumentOutOfRangeException naming the column when the features column is
    /// missing, not a vector of Single or of a known size that is not a multiple of FeaturesPerStep, or the label is
    /// missing or not a key; InvalidOperationException for a variable-size row that is not whole steps, when no row is
    /// usable, or when the validation data's label has other classes; OperationCanceledException when cancelled. The
    /// binary form wants a Boolean label instead of a key.
    /// </summary>
    public RecurrentSequenceTransformer Fit(IDataView input)
    {
        var classifier = KeyedTraining.Fit(input, _options, _kind, ClassificationFormat.Csv, _options.ToSettings(), _options.FeaturesColumnName,
            (data, paramName) =>
            {
                var features = SequenceColumn.Check(data.Schema, _options, paramName);
                return (features, row =>
                {
                    var read = FeatureVectors.Reader(row, features, _options.FeaturesPerStep, paramName);
                    return () => read() is { Length: > 0 } values ? new ClassificationRecord(null, "", values, 0) : null;
                });
            });
        var transformer = new RecurrentSequenceTransformer(classifier, _options.FeaturesColumnName, _kind);
        transformer.GetOutputSchema(input.Schema);   // notes the features vector's size, which mlContext.Model.Save declares
        return transformer;
    }

    /// <summary>
    /// The schema shape after the transformer: <paramref name="inputSchema"/> with Score (a vector of Single, one per
    /// class) and PredictedLabel (a key like the label), or for the binary form Score, Probability and PredictedLabel
    /// (Boolean). The column type errors of <see cref="Fit"/> (a vector's size is checked at Fit).
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.FindVector(inputSchema, "features", _options.FeaturesColumnName, nameof(inputSchema));
        if (_kind == ScoreKind.Multiclass) SchemaChecks.FindKey(inputSchema, "label", _options.LabelColumnName, nameof(inputSchema));
        else SchemaChecks.FindBoolean(inputSchema, "label", _options.LabelColumnName, nameof(inputSchema));
        return ScoredShape.Append(inputSchema, _options.LabelColumnName, _kind);
    }
}
