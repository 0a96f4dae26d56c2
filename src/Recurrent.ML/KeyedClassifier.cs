// KeyedClassifier: a trained Recurrent SequenceClassifier (text, or numeric sequences) seen through an ML.NET key-typed label. The classifier
// is built with the key's K values as its label set, in key order (SequenceClassifier.Create's labels), so output c
// is key c+1 and its Score vector is already in ML.NET's order, K long even when the training rows never showed a
// class — and a model file written by SaveRecurrentModel keeps that order. Also holds the key-value annotations the
// scored columns carry.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.Classification;

namespace Recurrent.ML;

internal sealed class KeyedClassifier
{
    private readonly object _forward = new(); // the network's forward buffers are its own: one prediction at a time

    /// <param name="classifier">A classifier whose labels are the key names in key order.</param>
    /// <param name="keyValues">The label column's annotations holding its KeyValues; null builds them from the label names.</param>
    public KeyedClassifier(SequenceClassifier classifier, DataViewSchema.Annotations? keyValues)
    {
        Classifier = classifier;
        KeyNames = [.. classifier.Labels.Names];
        KeyValues = keyValues ?? NamesAnnotation(KeyNames);
    }

    /// <summary>The classes of a binary classifier, in output order: false (key 1), true (key 2).</summary>
    public static readonly string[] BinaryClasses = ["False", "True"];

    /// <summary>The Recurrent classifier; its label id c is key value c + 1.</summary>
    public SequenceClassifier Classifier { get; }
    /// <summary>(K) the name of each key value.</summary>
    public string[] KeyNames { get; }
    /// <summary>Annotations holding the KeyValues that PredictedLabel carries.</summary>
    public DataViewSchema.Annotations KeyValues { get; }
    /// <summary>K, the number of classes and the length of the Score vector.</summary>
    public int KeyCount => KeyNames.Length;

    /// <summary>
    /// Writes the class probabilities of <paramref name="text"/> into <paramref name="score"/> (K, key order) and
    /// returns the predicted key (1-based). A text without a single token has no prediction: NaN scores and key 0
    /// (missing), as ML.NET scores a row it cannot read.
    /// </summary>
    public uint Score(string text, Span<float> score) =>
        Classifier.Encoder!.Encode(text).Length == 0 ? None(score) : Score(new ClassificationRecord(null, text, [], 1), score);

    /// <summary>
    /// As for text, for a numeric classifier's sequence (T·F numbers, step-major, raw units: the classifier
    /// standardises them); an empty sequence has no prediction.
    /// </summary>
    public uint Score(float[] values, Span<float> score) =>
        values.Length == 0 ? None(score) : Score(new ClassificationRecord(null, "", values, 1), score);

    private uint Score(ClassificationRecord record, Span<float> score)
    {
        ClassificationPrediction prediction;
        lock (_forward) prediction = Classifier.Predict([record], batchSize: 1)[0];
        prediction.Probabilities.CopyTo(score);
        return (uint)prediction.LabelId + 1;
    }

    private static uint None(Span<float> score)
    {
        score.Fill(float.NaN);
        return 0;
    }

    /// <summary>
    /// The name of each key value of <paramref name="label"/> (a key column of <paramref name="keyCount"/> values): its
    /// KeyValues annotation when it has one (each value as text), otherwise the key numbers "1".."K". Duplicate names,
    /// which would make classes ambiguous, also fall back to the numbers.
    /// </summary>
    public static string[] NamesOf(DataViewSchema.Column label, int keyCount)
    {
        var numbers = Enumerable.Range(1, keyCount).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var annotation = label.Annotations.Schema.GetColumnOrNull(ScoredColumns.KeyValues);
        if (annotation is not { Type: VectorDataViewType { ItemType: TextDataViewType } }) return numbers;
        VBuffer<ReadOnlyMemory<char>> values = default;
        label.Annotations.GetValue(ScoredColumns.KeyValues, ref values);
        if (values.Length != keyCount) return numbers;
        var read = values.DenseValues().Select(v => v.ToString()).ToArray();
        return read.Distinct().Count() == read.Length ? read : numbers;
    }

    /// <summary>The label column's KeyValues annotation alone, or null when it has none.</summary>
    public static DataViewSchema.Annotations? KeyValuesOf(DataViewSchema.Column label)
    {
        if (label.Annotations.Schema.GetColumnOrNull(ScoredColumns.KeyValues) is null) return null;
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(label.Annotations, name => name == ScoredColumns.KeyValues);
        return builder.ToAnnotations();
    }

    private static DataViewSchema.Annotations NamesAnnotation(string[] names)
    {
        var values = new VBuffer<ReadOnlyMemory<char>>(names.Length, names.Select(n => n.AsMemory()).ToArray());
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(ScoredColumns.KeyValues, new VectorDataViewType(TextDataViewType.Instance, names.Length), (ref VBuffer<ReadOnlyMemory<char>> v) => values.CopyTo(ref v));
        return builder.ToAnnotations();
    }
}
