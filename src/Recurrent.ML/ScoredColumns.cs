// ScoredColumns: the two columns a multiclass trainer adds, made as ML.NET's own multiclass scorer makes them —
//   Score          Vector<Single>(K): class probabilities in the label's key order; SlotNames = the class names,
//                  ScoreColumnKind = "MulticlassClassification", ScoreValueKind = "Score";
//   PredictedLabel Key<UInt32>(K): the arg-max class, with the label column's KeyValues, ScoreValueKind = "PredictedLabel"
// appended after the input's columns (an input column of the same name is hidden, as ML.NET does) — and the
// getters that compute them from an input row's text, once per row position. ScoredRow (PredictionEngine, the
// row-to-row mapper) and ScoredDataView's cursor (Transform) both serve their columns through this class.
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Recurrent.ML;

internal sealed class ScoredColumns
{
    public const string KeyValues = "KeyValues";
    private const string SlotNames = "SlotNames", ScoreColumnKind = "ScoreColumnKind", ScoreValueKind = "ScoreValueKind";

    private readonly KeyedTextClassifier _classifier;
    private readonly DataViewSchema.Column _text;  // in the input schema

    public ScoredColumns(DataViewSchema input, KeyedTextClassifier classifier, string textColumnName, string scoreColumnName, string predictedLabelColumnName)
    {
        _classifier = classifier;
        Input = input;
        _text = SchemaChecks.Find(input, "text", textColumnName, "inputSchema");
        SchemaChecks.RequireText(_text, "text", "inputSchema");
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input); // same names, types, annotations and indices: hidden columns stay hidden
        builder.AddColumn(scoreColumnName, new VectorDataViewType(NumberDataViewType.Single, classifier.KeyCount), ScoreAnnotations(classifier));
        builder.AddColumn(predictedLabelColumnName, new KeyDataViewType(typeof(uint), classifier.KeyCount), PredictedLabelAnnotations(classifier));
        Output = builder.ToSchema();
    }

    /// <summary>The schema the columns are computed from.</summary>
    public DataViewSchema Input { get; }
    /// <summary>Input's columns, then Score (index = Input.Count), then PredictedLabel (Input.Count + 1).</summary>
    public DataViewSchema Output { get; }
    private int ScoreIndex => Input.Count;
    private int PredictedIndex => Input.Count + 1;

    /// <summary>Whether <paramref name="column"/> (of <see cref="Output"/>) is one of the two computed columns.</summary>
    public bool IsComputed(DataViewSchema.Column column) => column.Index >= Input.Count;

    /// <summary>The input columns needed to serve <paramref name="outputColumns"/>: themselves, and the text when a computed one is among them.</summary>
    public IEnumerable<DataViewSchema.Column> Dependencies(IEnumerable<DataViewSchema.Column> outputColumns)
    {
        var needed = new HashSet<int>();
        foreach (var c in outputColumns)
        {
            if (IsComputed(c)) needed.Add(_text.Index);
            else needed.Add(c.Index);
        }
        return needed.Order().Select(i => Input[i]);
    }

    /// <summary>
    /// A getter of computed column <paramref name="column"/> on <paramref name="source"/> (a row or cursor over
    /// <see cref="Input"/> with the text active). The scores are computed once per row position and shared by both columns.
    /// </summary>
    public ValueGetter<TValue> Getter<TValue>(DataViewRow source, DataViewSchema.Column column, RowScores cache)
    {
        Delegate getter;
        if (column.Index == ScoreIndex)
        {
            if (typeof(TValue) != typeof(VBuffer<float>)) throw WrongType<TValue>(column);
            getter = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                Refresh(source, cache);
                var editor = VBufferEditor.Create(ref value, cache.Score.Length);
                cache.Score.CopyTo(editor.Values);
                value = editor.Commit();
            });
        }
        else if (column.Index == PredictedIndex)
        {
            if (typeof(TValue) != typeof(uint)) throw WrongType<TValue>(column);
            getter = (ValueGetter<uint>)((ref uint value) =>
            {
                Refresh(source, cache);
                value = cache.Predicted;
            });
        }
        else throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' ({column.Index}) is not a scored column.");
        return (ValueGetter<TValue>)getter;
    }

    /// <summary>A fresh per-row cache with the text getter of <paramref name="source"/>.</summary>
    public RowScores NewCache(DataViewRow source) => new(source.GetGetter<ReadOnlyMemory<char>>(_text), _classifier.KeyCount);

    private void Refresh(DataViewRow source, RowScores cache)
    {
        if (cache.Position == source.Position) return;
        ReadOnlyMemory<char> text = default;
        cache.Text(ref text);
        cache.Predicted = _classifier.Score(text.ToString(), cache.Score);
        cache.Position = source.Position;
    }

    private static InvalidOperationException WrongType<TValue>(DataViewSchema.Column column) =>
        new($"Invalid TValue in GetGetter for column '{column.Name}': expected '{column.Type.RawType}', got '{typeof(TValue)}'.");

    private static DataViewSchema.Annotations ScoreAnnotations(KeyedTextClassifier classifier)
    {
        var names = new VBuffer<ReadOnlyMemory<char>>(classifier.KeyCount, classifier.KeyNames.Select(n => n.AsMemory()).ToArray());
        var a = new DataViewSchema.Annotations.Builder();
        a.Add(SlotNames, new VectorDataViewType(TextDataViewType.Instance, classifier.KeyCount), (ref VBuffer<ReadOnlyMemory<char>> v) => names.CopyTo(ref v));
        a.Add(ScoreColumnKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = "MulticlassClassification".AsMemory());
        a.Add(ScoreValueKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = "Score".AsMemory());
        return a.ToAnnotations();
    }

    private static DataViewSchema.Annotations PredictedLabelAnnotations(KeyedTextClassifier classifier)
    {
        var a = new DataViewSchema.Annotations.Builder();
        a.Add(classifier.KeyValues, name => name == KeyValues);
        a.Add(ScoreColumnKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = "MulticlassClassification".AsMemory());
        a.Add(ScoreValueKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = "PredictedLabel".AsMemory());
        return a.ToAnnotations();
    }
}

/// <summary>The scores of the row at <see cref="Position"/> (computed once, read by both columns' getters).</summary>
internal sealed class RowScores(ValueGetter<ReadOnlyMemory<char>> text, int keyCount)
{
    public ValueGetter<ReadOnlyMemory<char>> Text { get; } = text;
    public long Position { get; set; } = -1;
    public float[] Score { get; } = new float[keyCount]; // (K) key order
    public uint Predicted { get; set; }
}
