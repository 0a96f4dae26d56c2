// RecurrentTextTransformer: the fitted RecurrentText trainer — a trained Recurrent text classifier as an ML.NET
// ITransformer. Transform appends, lazily, the columns of ML.NET's multiclass trainers (Score: class probabilities in
// the label's key order; PredictedLabel: a key of the label's type) or of its calibrated binary trainers (Score,
// Probability, PredictedLabel: Boolean); it is a row-to-row mapper, so PredictionEngine and transformer chains work.
// mlContext.Model.Save writes a char-token classifier as a chain of ML.NET transformers around an ONNX graph
// (SavedPipeline; a word-token one throws NotSupportedException: ML.NET has no tokenizer that splits words as Recurrent
// does); SaveRecurrentModel / LoadRecurrentModel keep any classifier exactly, in a Recurrent model file with the key order.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.Classification;

namespace Recurrent.ML;

/// <summary>A trained Recurrent text classifier in an ML.NET pipeline (made by <c>RecurrentText(...).Fit</c>).</summary>
public sealed class RecurrentTextTransformer : RecurrentTransformerBase
{
    private readonly KeyedClassifier _classifier;
    private readonly ScoreKind _kind;

    internal RecurrentTextTransformer(KeyedClassifier classifier, string textColumnName, ScoreKind kind)
    {
        _classifier = classifier;
        _kind = kind;
        TextColumnName = textColumnName;
    }

    /// <summary>The text column read.</summary>
    public string TextColumnName { get; }
    /// <summary>
    /// Whether this is the binary classifier (Score = log-odds, Probability, PredictedLabel: Boolean) rather than the
    /// multiclass one (Score = K probabilities, PredictedLabel: key).
    /// </summary>
    public bool IsBinary => _kind == ScoreKind.Binary;
    /// <summary>
    /// (K) the class names in key order: Score[k] is the probability of ClassNames[k], key value k + 1. For the binary
    /// classifier, "False" and "True".
    /// </summary>
    public IReadOnlyList<string> ClassNames => _classifier.KeyNames;
    /// <summary>The trained Recurrent classifier (its label id c is key value c + 1); e.g. for its own Evaluate or ONNX export.</summary>
    public SequenceClassifier Classifier => _classifier.Classifier;

    private protected override ITransformer SavedChain() => SavedPipeline.Text(_classifier, TextColumnName, _kind);

    /// <summary>
    /// Writes the classifier (network, tokenizer, the class names in key order) to a Recurrent model file, atomically.
    /// <c>rnn predict</c> and <c>rnn eval</c> read it too. <see cref="LoadRecurrentModel"/> reads it back.
    /// </summary>
    public void SaveRecurrentModel(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Classifier.Save(path);
    }

    /// <summary>
    /// Reads a model written by <see cref="SaveRecurrentModel"/> (or any Recurrent text classifier): it predicts as the
    /// saved one did, on <paramref name="textColumnName"/>, with PredictedLabel a key of its K classes whose KeyValues
    /// are the class names in the saved key order; with <paramref name="binary"/>, the binary columns of a classifier
    /// whose classes are "False" and "True". InvalidDataException for a file that is not such a text classifier.
    /// </summary>
    public static RecurrentTextTransformer LoadRecurrentModel(string path, string textColumnName = "Text", bool binary = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(textColumnName);
        var classifier = SequenceClassifier.Load(path);
        if (classifier.Format != ClassificationFormat.Tsv)
            throw new InvalidDataException($"'{Path.GetFullPath(path)}' classifies numeric sequences, not text.");
        if (binary && !classifier.Labels.Names.SequenceEqual(KeyedClassifier.BinaryClasses))
            throw new InvalidDataException($"'{Path.GetFullPath(path)}' classifies into [{string.Join(", ", classifier.Labels.Names)}], not the binary classifier's [False, True].");
        return new RecurrentTextTransformer(new KeyedClassifier(classifier, keyValues: null), textColumnName, binary ? ScoreKind.Binary : ScoreKind.Multiclass);
    }

    private protected override ScoredColumns Columns(DataViewSchema input) => new(input, new TextRowScorer(_classifier, TextColumnName), _kind, _classifier);
}
