// RecurrentSequenceTransformer: the fitted RecurrentSequence classifier — a trained Recurrent numeric classifier as
// an ML.NET ITransformer. Transform appends, lazily, the columns of ML.NET's multiclass trainers (Score: class
// probabilities in the label's key order; PredictedLabel: a key of the label's type) — or, for the binary form, those of
// its calibrated binary trainers (Score: log-odds, Probability, PredictedLabel: Boolean) — computed from each row's
// vector on its own (a batch of one). Saved to and loaded from a Recurrent model file (SaveRecurrentModel /
// LoadRecurrentModel; `rnn predict` and `rnn eval` read it as a numeric classifier), or with mlContext.Model.Save as a
// chain of ML.NET transformers around an ONNX graph (SavedPipeline).
using Microsoft.ML;
using Recurrent.Classification;

namespace Recurrent.ML;

/// <summary>A trained Recurrent numeric-sequence classifier in an ML.NET pipeline (made by <c>RecurrentSequence(...).Fit</c>).</summary>
public sealed class RecurrentSequenceTransformer : RecurrentTransformerBase
{
    private readonly KeyedClassifier _classifier;
    private readonly ScoreKind _kind;

    internal RecurrentSequenceTransformer(KeyedClassifier classifier, string featuresColumnName, ScoreKind kind)
    {
        _classifier = classifier;
        _kind = kind;
        FeaturesColumnName = featuresColumnName;
    }

    /// <summary>The features column read: a vector of Single, T·<see cref="FeaturesPerStep"/> numbers step-major.</summary>
    public string FeaturesColumnName { get; }
    /// <summary>F, the numbers per step.</summary>
    public int FeaturesPerStep => Classifier.FeaturesPerStep;
    /// <summary>
    /// Whether this is the binary classifier (Score = log-odds, Probability, PredictedLabel: Boolean) rather than the
    /// multiclass one (Score = K probabilities, PredictedLabel: key).
    /// </summary>
    public bool IsBinary => _kind == ScoreKind.Binary;
    /// <summary>(K) the class names in key order: Score[k] is the probability of ClassNames[k], key value k + 1; for the binary classifier "False", "True".</summary>
    public IReadOnlyList<string> ClassNames => _classifier.KeyNames;
    /// <summary>The trained Recurrent classifier (its label id c is key value c + 1); e.g. for its own Evaluate.</summary>
    public SequenceClassifier Classifier => _classifier.Classifier;

    /// <summary>
    /// Writes the classifier (network, per-channel standardisation, the class names in key order) to a Recurrent model
    /// file, atomically; <see cref="LoadRecurrentModel"/> reads it back.
    /// </summary>
    public void SaveRecurrentModel(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Classifier.Save(path);
    }

    /// <summary>
    /// Reads a model written by <see cref="SaveRecurrentModel"/> (or any Recurrent numeric classifier): it predicts as
    /// the saved one did, on <paramref name="featuresColumnName"/>, with PredictedLabel a key of its K classes whose
    /// KeyValues are the class names in the saved order; with <paramref name="binary"/>, the binary columns of a
    /// classifier whose classes are "False" and "True". InvalidDataException for a file that is not such a classifier.
    /// </summary>
    public static RecurrentSequenceTransformer LoadRecurrentModel(string path, string featuresColumnName = "Features", bool binary = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(featuresColumnName);
        var classifier = SequenceClassifier.Load(path);
        if (classifier.Format != ClassificationFormat.Csv)
            throw new InvalidDataException($"'{Path.GetFullPath(path)}' classifies text, not numeric sequences.");
        if (binary && !classifier.Labels.Names.SequenceEqual(KeyedClassifier.BinaryClasses))
            throw new InvalidDataException($"'{Path.GetFullPath(path)}' classifies into [{string.Join(", ", classifier.Labels.Names)}], not the binary classifier's [False, True].");
        return new RecurrentSequenceTransformer(new KeyedClassifier(classifier, keyValues: null), featuresColumnName, binary ? ScoreKind.Binary : ScoreKind.Multiclass);
    }

    private protected override ITransformer SavedChain() => SavedPipeline.Sequence(_classifier, FeaturesColumnName, FeaturesSize, _kind);

    private protected override ScoredColumns Columns(DataViewSchema input) =>
        Seen(input, FeaturesColumnName, new(input, new VectorRowScorer(FeaturesColumnName, FeaturesPerStep, _classifier.KeyCount, (values, score) => _classifier.Score(values, score)), _kind, _classifier));
}
