// RecurrentCatalog: the entry points of Recurrent.ML, as extension methods on ML.NET's catalogs — the text trainer on
// mlContext.MulticlassClassification.Trainers and mlContext.BinaryClassification.Trainers, the numeric-sequence
// trainer on mlContext.MulticlassClassification.Trainers and mlContext.Regression.Trainers (two forms each, as
// ML.NET's trainers have: column names and a few settings, or an options object; both classifiers also on
// mlContext.BinaryClassification.Trainers for a Boolean label), and the loaders of saved models
// on mlContext.Model.
using Microsoft.ML;

namespace Recurrent.ML;

/// <summary>Recurrent's trainers in ML.NET's catalogs.</summary>
public static class RecurrentCatalog
{
    /// <summary>
    /// A recurrent network (LSTM by default) that reads <paramref name="textColumnName"/> character by character (options: word by word) and
    /// predicts the key-typed <paramref name="labelColumnName"/>. Its transformer adds Score and PredictedLabel as
    /// ML.NET's multiclass trainers do, so <c>MulticlassClassification.Evaluate</c> and <c>CrossValidate</c> work on it.
    /// </summary>
    public static RecurrentTextEstimator RecurrentText(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string textColumnName = "Text", int hiddenSize = 64, int epochs = 20)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentTextEstimator(Simple(labelColumnName, textColumnName, hiddenSize, epochs), ScoreKind.Multiclass);
    }

    /// <summary>The recurrent text classifier with every setting of <paramref name="options"/>.</summary>
    public static RecurrentTextEstimator RecurrentText(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, RecurrentTextOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentTextEstimator(options, ScoreKind.Multiclass);
    }

    /// <summary>
    /// The binary form: a Boolean <paramref name="labelColumnName"/>; the transformer adds Score (log-odds),
    /// Probability and PredictedLabel (Boolean) as ML.NET's calibrated binary trainers do, so
    /// <c>BinaryClassification.Evaluate</c> and <c>CrossValidate</c> work on it.
    /// </summary>
    public static RecurrentTextEstimator RecurrentText(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label", string textColumnName = "Text", int hiddenSize = 64, int epochs = 20)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentTextEstimator(Simple(labelColumnName, textColumnName, hiddenSize, epochs), ScoreKind.Binary);
    }

    /// <summary>The binary recurrent text classifier with every setting of <paramref name="options"/>.</summary>
    public static RecurrentTextEstimator RecurrentText(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, RecurrentTextOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentTextEstimator(options, ScoreKind.Binary);
    }

    /// <summary>
    /// Reads a classifier saved with <see cref="RecurrentTextTransformer.SaveRecurrentModel"/>: the transformer that
    /// scores <paramref name="textColumnName"/> as the saved one did.
    /// </summary>
    public static RecurrentTextTransformer LoadRecurrentText(this ModelOperationsCatalog catalog, string path, string textColumnName = "Text")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return RecurrentTextTransformer.LoadRecurrentModel(path, textColumnName);
    }

    /// <summary>Reads a binary classifier saved with <see cref="RecurrentTextTransformer.SaveRecurrentModel"/>.</summary>
    public static RecurrentTextTransformer LoadRecurrentBinaryText(this ModelOperationsCatalog catalog, string path, string textColumnName = "Text")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return RecurrentTextTransformer.LoadRecurrentModel(path, textColumnName, binary: true);
    }

    /// <summary>
    /// A recurrent network (LSTM by default) that reads the vector <paramref name="featuresColumnName"/> as a sequence of
    /// steps of <paramref name="featuresPerStep"/> numbers (T·F, step-major) and predicts the key-typed
    /// <paramref name="labelColumnName"/>. Adds Score and PredictedLabel as ML.NET's multiclass trainers do.
    /// </summary>
    public static RecurrentSequenceEstimator RecurrentSequence(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featuresColumnName = "Features", int featuresPerStep = 1, int hiddenSize = 64, int epochs = 20)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentSequenceEstimator(Sequence(labelColumnName, featuresColumnName, featuresPerStep, hiddenSize, epochs), ScoreKind.Multiclass);
    }

    /// <summary>The recurrent numeric-sequence classifier with every setting of <paramref name="options"/>.</summary>
    public static RecurrentSequenceEstimator RecurrentSequence(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, RecurrentSequenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentSequenceEstimator(options, ScoreKind.Multiclass);
    }

    /// <summary>
    /// The binary numeric-sequence classifier: a Boolean <paramref name="labelColumnName"/>; adds Score (log-odds),
    /// Probability and PredictedLabel (Boolean) as ML.NET's calibrated binary trainers do, so
    /// <c>BinaryClassification.Evaluate</c> and <c>CrossValidate</c> work on it.
    /// </summary>
    public static RecurrentSequenceEstimator RecurrentSequence(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label", string featuresColumnName = "Features", int featuresPerStep = 1, int hiddenSize = 64, int epochs = 20)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentSequenceEstimator(Sequence(labelColumnName, featuresColumnName, featuresPerStep, hiddenSize, epochs), ScoreKind.Binary);
    }

    /// <summary>The binary recurrent numeric-sequence classifier with every setting of <paramref name="options"/>.</summary>
    public static RecurrentSequenceEstimator RecurrentSequence(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, RecurrentSequenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentSequenceEstimator(options, ScoreKind.Binary);
    }

    /// <summary>
    /// The regression form: the Single <paramref name="labelColumnName"/> is predicted from the sequence; adds Score
    /// (Single) as ML.NET's regression trainers do, so <c>Regression.Evaluate</c> and <c>CrossValidate</c> work on it.
    /// </summary>
    public static RecurrentSequenceRegressionEstimator RecurrentSequence(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = "Label", string featuresColumnName = "Features", int featuresPerStep = 1, int hiddenSize = 64, int epochs = 20)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentSequenceRegressionEstimator(Sequence(labelColumnName, featuresColumnName, featuresPerStep, hiddenSize, epochs));
    }

    /// <summary>The recurrent numeric-sequence regressor with every setting of <paramref name="options"/>.</summary>
    public static RecurrentSequenceRegressionEstimator RecurrentSequence(this RegressionCatalog.RegressionTrainers catalog, RecurrentSequenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentSequenceRegressionEstimator(options);
    }

    /// <summary>Reads a classifier saved with <see cref="RecurrentSequenceTransformer.SaveRecurrentModel"/>, scoring <paramref name="featuresColumnName"/>.</summary>
    public static RecurrentSequenceTransformer LoadRecurrentSequence(this ModelOperationsCatalog catalog, string path, string featuresColumnName = "Features")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return RecurrentSequenceTransformer.LoadRecurrentModel(path, featuresColumnName);
    }

    /// <summary>Reads a binary classifier saved with <see cref="RecurrentSequenceTransformer.SaveRecurrentModel"/>, scoring <paramref name="featuresColumnName"/>.</summary>
    public static RecurrentSequenceTransformer LoadRecurrentBinarySequence(this ModelOperationsCatalog catalog, string path, string featuresColumnName = "Features")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return RecurrentSequenceTransformer.LoadRecurrentModel(path, featuresColumnName, binary: true);
    }

    /// <summary>Reads a regressor saved with <see cref="RecurrentSequenceRegressionTransformer.SaveRecurrentModel"/>, scoring <paramref name="featuresColumnName"/>.</summary>
    public static RecurrentSequenceRegressionTransformer LoadRecurrentSequenceRegression(this ModelOperationsCatalog catalog, string path, string featuresColumnName = "Features")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return RecurrentSequenceRegressionTransformer.LoadRecurrentModel(path, featuresColumnName);
    }

    // The options of the short sequence forms.
    private static RecurrentSequenceOptions Sequence(string label, string features, int featuresPerStep, int hiddenSize, int epochs) =>
        new() { LabelColumnName = label, FeaturesColumnName = features, FeaturesPerStep = featuresPerStep, HiddenSize = hiddenSize, Epochs = epochs };

    // The options of the short forms: the columns and the two settings they take, the rest default.
    private static RecurrentTextOptions Simple(string label, string text, int hiddenSize, int epochs) =>
        new() { LabelColumnName = label, TextColumnName = text, HiddenSize = hiddenSize, Epochs = epochs };
}
