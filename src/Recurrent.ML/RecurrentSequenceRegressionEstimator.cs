// RecurrentSequenceRegressionEstimator: the RecurrentSequence regressor — reads a numeric-sequence column (a vector of
// Single, T·F numbers step-major; fixed size, a multiple of F, or variable size, each row a multiple of F) and a
// Single label, and trains a SequenceRegressor (a SequenceModel with a one-output last-step head, MSE, through the
// library's FitLoop). Rows with a NaN label or an empty vector are skipped, as ML.NET's trainers skip rows they
// cannot use.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.Regression;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.ML;

/// <summary>Trains a recurrent regressor of numeric sequences on an <see cref="IDataView"/>; made by <c>mlContext.Regression.Trainers.RecurrentSequence</c>.</summary>
public sealed class RecurrentSequenceRegressionEstimator : IEstimator<RecurrentSequenceRegressionTransformer>
{
    private readonly RecurrentSequenceOptions _options;

    internal RecurrentSequenceRegressionEstimator(RecurrentSequenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>
    /// Trains on <paramref name="input"/>. ArgumentOutOfRangeException naming the column when the features column is
    /// missing, not a vector of Single or of a known size that is not a multiple of FeaturesPerStep, or the label is
    /// missing or not Single; InvalidOperationException for a variable-size row that is not whole steps or when no row
    /// is usable; OperationCanceledException when cancelled.
    /// </summary>
    public RecurrentSequenceRegressionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (inputs, targets) = Read(input, nameof(input));
        if (inputs.Count == 0)
            throw new InvalidOperationException($"No training row has both a label in '{_options.LabelColumnName}' and a sequence in '{_options.FeaturesColumnName}'.");
        (List<float[]>, List<float>) validation = ([], []);
        if (_options.ValidationData is { } validationData) validation = Read(validationData, nameof(RecurrentOptionsBase.ValidationData));
        FitCallback[] callbacks = _options.Progress is { } progress ? [new LambdaCallback { Logged = progress }] : [];
        var regressor = SequenceRegressor.Train(inputs, targets, validation.Item1, validation.Item2, _options.ToSettings(), _options.ToTraining(),
            callbacks, _options.CancellationToken);
        _options.CancellationToken.ThrowIfCancellationRequested();
        var transformer = new RecurrentSequenceRegressionTransformer(regressor, _options.FeaturesColumnName);
        transformer.GetOutputSchema(input.Schema);   // notes the features vector's size, which mlContext.Model.Save declares
        return transformer;
    }

    /// <summary>
    /// The schema shape after the transformer: <paramref name="inputSchema"/> with Score (Single). The column type
    /// errors of <see cref="Fit"/> (a vector's size is checked at Fit).
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.FindVector(inputSchema, "features", _options.FeaturesColumnName, nameof(inputSchema));
        SchemaChecks.FindSingle(inputSchema, "label", _options.LabelColumnName, nameof(inputSchema));
        return ScoredShape.Append(inputSchema, _options.LabelColumnName, ScoreKind.Regression);
    }

    // The usable rows of data: (T·F numbers, label) for each row with a finite label and a non-empty sequence.
    private (List<float[]> Inputs, List<float> Targets) Read(IDataView data, string paramName)
    {
        var label = SchemaChecks.Find(data.Schema, "label", _options.LabelColumnName, paramName);
        SchemaChecks.RequireSingle(label, "label", paramName);
        var features = SequenceColumn.Check(data.Schema, _options, paramName);
        var inputs = new List<float[]>();
        var targets = new List<float>();
        using var cursor = data.GetRowCursor([features, label]);
        var getLabel = cursor.GetGetter<float>(label);
        var read = FeatureVectors.Reader(cursor, features, _options.FeaturesPerStep, paramName);
        float y = 0;
        while (cursor.MoveNext())
        {
            getLabel(ref y);
            float[] values = read();
            if (!float.IsFinite(y) || values.Length == 0) continue;
            inputs.Add(values);
            targets.Add(y);
        }
        return (inputs, targets);
    }
}
