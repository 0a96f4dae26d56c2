// RecurrentSequenceRegressionTransformer: the fitted RecurrentSequence regressor as an ML.NET ITransformer. Transform
// appends, lazily, the Score column of ML.NET's regression trainers (Single, ScoreColumnKind = "Regression"), computed
// from each row's vector on its own (a batch of one), so Regression.Evaluate and CrossValidate work on it; an empty
// vector scores NaN. Saved to and loaded from a Recurrent model file (SaveRecurrentModel / LoadRecurrentModel), or
// with mlContext.Model.Save as a chain of ML.NET transformers around an ONNX graph (SavedPipeline).
using Microsoft.ML;
using Recurrent.Regression;

namespace Recurrent.ML;

/// <summary>A trained Recurrent numeric-sequence regressor in an ML.NET pipeline (made by <c>Regression.Trainers.RecurrentSequence(...).Fit</c>).</summary>
public sealed class RecurrentSequenceRegressionTransformer : RecurrentTransformerBase
{
    internal RecurrentSequenceRegressionTransformer(SequenceRegressor regressor, string featuresColumnName)
    {
        Regressor = regressor;
        FeaturesColumnName = featuresColumnName;
    }

    /// <summary>The features column read: a vector of Single, T·<see cref="FeaturesPerStep"/> numbers step-major.</summary>
    public string FeaturesColumnName { get; }
    /// <summary>F, the numbers per step.</summary>
    public int FeaturesPerStep => Regressor.FeaturesPerStep;
    /// <summary>The trained regressor; e.g. for its own predictions.</summary>
    public SequenceRegressor Regressor { get; }

    /// <summary>Writes the regressor (network, input and target standardisation) to a Recurrent model file, atomically.</summary>
    public void SaveRecurrentModel(string path) => Regressor.Save(path);

    /// <summary>
    /// Reads a model written by <see cref="SaveRecurrentModel"/>: it predicts as the saved one did, on
    /// <paramref name="featuresColumnName"/>. InvalidDataException for any other file.
    /// </summary>
    public static RecurrentSequenceRegressionTransformer LoadRecurrentModel(string path, string featuresColumnName = "Features")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(featuresColumnName);
        return new RecurrentSequenceRegressionTransformer(SequenceRegressor.Load(path), featuresColumnName);
    }

    private protected override ITransformer SavedChain() => SavedPipeline.Regression(Regressor, FeaturesColumnName, FeaturesSize);

    private protected override ScoredColumns Columns(DataViewSchema input) =>
        Seen(input, FeaturesColumnName, new(input, new VectorRowScorer(FeaturesColumnName, FeaturesPerStep, 1, (values, score) =>
        {
            score[0] = (float)Regressor.Predict([values], batchSize: 1)[0];
            return 0;
        }), ScoreKind.Regression));
}
