// ScoredColumns: the columns a trainer adds, made as ML.NET's own scorers make them, appended after the input's
// columns (an input column of the same name is hidden, as ML.NET does), and the getters that compute them from an
// input row (IRowScorer: a text, or a vector of numbers), once per row position. Three sets:
//   multiclass  Score          Vector<Single>(K): class probabilities in the label's key order; SlotNames = the class
//                              names, ScoreColumnKind = "MulticlassClassification", ScoreValueKind = "Score";
//               PredictedLabel Key<UInt32>(K): the arg-max class, with the label's KeyValues.
//   binary      Score          Single: the log-odds ln(p(true)/p(false)), positive exactly when true is predicted;
//               Probability    Single: p(true); PredictedLabel Boolean: p(true) > p(false). ScoreColumnKind =
//                              "BinaryClassification" — the columns of ML.NET's calibrated binary trainers.
//   regression  Score          Single: the predicted value; ScoreColumnKind = "Regression", ScoreValueKind = "Score",
//                              as ML.NET's regression trainers add it.
// ScoredRow (PredictionEngine, the row-to-row mapper) and ScoredDataView's cursor (Transform) both serve their
// columns through this class.
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Recurrent.ML;

/// <summary>Which columns the scorer adds.</summary>
internal enum ScoreKind
{
    Multiclass,
    Binary,
    Regression,
}

internal sealed class ScoredColumns
{
    public const string KeyValues = "KeyValues";
    private const string SlotNames = "SlotNames", ScoreColumnKind = "ScoreColumnKind", ScoreValueKind = "ScoreValueKind";

    // One appended column: its getter reads the row's cached scores.
    private sealed record Appended(string Name, DataViewType Type, DataViewSchema.Annotations Annotations, Func<RowScores, Delegate> Getter);

    private readonly IRowScorer _scorer;
    private readonly DataViewSchema.Column _source;  // the column read, in the input schema
    private readonly Appended[] _appended;

    /// <param name="input">The input schema.</param>
    /// <param name="scorer">What computes a row's scores.</param>
    /// <param name="kind">Which columns to add.</param>
    /// <param name="classes">The classifier's key names and KeyValues (multiclass only).</param>
    public ScoredColumns(DataViewSchema input, IRowScorer scorer, ScoreKind kind, KeyedClassifier? classes = null)
    {
        _scorer = scorer;
        Input = input;
        _source = scorer.Input(input);
        _appended = kind switch
        {
            ScoreKind.Multiclass => Multiclass(classes ?? throw new ArgumentNullException(nameof(classes))),
            ScoreKind.Binary => Binary(),
            _ => Regression(),
        };
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input); // same names, types, annotations and indices: hidden columns stay hidden
        foreach (var a in _appended) builder.AddColumn(a.Name, a.Type, a.Annotations);
        Output = builder.ToSchema();
    }

    /// <summary>The schema the columns are computed from.</summary>
    public DataViewSchema Input { get; }
    /// <summary>Input's columns, then the appended ones (from index Input.Count).</summary>
    public DataViewSchema Output { get; }

    /// <summary>Whether <paramref name="column"/> (of <see cref="Output"/>) is one of the computed columns.</summary>
    public bool IsComputed(DataViewSchema.Column column) => column.Index >= Input.Count;

    /// <summary>The input columns needed to serve <paramref name="outputColumns"/>: themselves, and the column read when a computed one is among them.</summary>
    public IEnumerable<DataViewSchema.Column> Dependencies(IEnumerable<DataViewSchema.Column> outputColumns)
    {
        var needed = new HashSet<int>();
        foreach (var c in outputColumns) needed.Add(IsComputed(c) ? _source.Index : c.Index);
        return needed.Order().Select(i => Input[i]);
    }

    /// <summary>
    /// A getter of computed column <paramref name="column"/> on <paramref name="source"/> (a row or cursor over
    /// <see cref="Input"/> with the column read active). The scores are computed once per row position and shared by all columns.
    /// </summary>
    public ValueGetter<TValue> Getter<TValue>(DataViewRow source, DataViewSchema.Column column, RowScores cache)
    {
        if (!IsComputed(column) || column.Index >= Output.Count)
            throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' ({column.Index}) is not a scored column.");
        if (typeof(TValue) != column.Type.RawType)
            throw new InvalidOperationException($"Invalid TValue in GetGetter for column '{column.Name}': expected '{column.Type.RawType}', got '{typeof(TValue)}'.");
        var read = (ValueGetter<TValue>)_appended[column.Index - Input.Count].Getter(cache);
        return (ref TValue value) =>
        {
            Refresh(source, cache);
            read(ref value);
        };
    }

    /// <summary>A fresh per-row cache scoring the rows of <paramref name="source"/>.</summary>
    public RowScores NewCache(DataViewRow source) => new(_scorer.Bind(source, _source), _scorer.Outputs);

    private static void Refresh(DataViewRow source, RowScores cache)
    {
        if (cache.Position == source.Position) return;
        cache.Predicted = cache.Compute(cache.Score);
        cache.Position = source.Position;
    }

    private static Appended[] Multiclass(KeyedClassifier classifier)
    {
        int k = classifier.KeyCount;
        var names = new VBuffer<ReadOnlyMemory<char>>(k, classifier.KeyNames.Select(n => n.AsMemory()).ToArray());
        var score = Kinds("MulticlassClassification", "Score");
        score.Add(SlotNames, new VectorDataViewType(TextDataViewType.Instance, k), (ref VBuffer<ReadOnlyMemory<char>> v) => names.CopyTo(ref v));
        var predicted = Kinds("MulticlassClassification", "PredictedLabel");
        predicted.Add(classifier.KeyValues, name => name == KeyValues);
        return
        [
            new("Score", new VectorDataViewType(NumberDataViewType.Single, k), score.ToAnnotations(), cache => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                var editor = VBufferEditor.Create(ref value, cache.Score.Length);
                cache.Score.CopyTo(editor.Values);
                value = editor.Commit();
            })),
            new("PredictedLabel", new KeyDataViewType(typeof(uint), k), predicted.ToAnnotations(),
                cache => (ValueGetter<uint>)((ref uint value) => value = cache.Predicted)),
        ];
    }

    // Binary: the classifier's two outputs are false (key 1) and true (key 2).
    private static Appended[] Binary() =>
    [
        new("Score", NumberDataViewType.Single, Kinds("BinaryClassification", "Score").ToAnnotations(),
            cache => (ValueGetter<float>)((ref float value) => value = MathF.Log(cache.Score[1]) - MathF.Log(cache.Score[0]))),
        new("Probability", NumberDataViewType.Single, Kinds("BinaryClassification", "Probability").ToAnnotations(),
            cache => (ValueGetter<float>)((ref float value) => value = cache.Score[1])),
        new("PredictedLabel", BooleanDataViewType.Instance, Kinds("BinaryClassification", "PredictedLabel").ToAnnotations(),
            cache => (ValueGetter<bool>)((ref bool value) => value = cache.Predicted == 2)),
    ];

    // Regression: the model's one output.
    private static Appended[] Regression() =>
    [
        new("Score", NumberDataViewType.Single, Kinds("Regression", "Score").ToAnnotations(),
            cache => (ValueGetter<float>)((ref float value) => value = cache.Score[0])),
    ];

    private static DataViewSchema.Annotations.Builder Kinds(string columnKind, string valueKind)
    {
        var a = new DataViewSchema.Annotations.Builder();
        a.Add(ScoreColumnKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = columnKind.AsMemory());
        a.Add(ScoreValueKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = valueKind.AsMemory());
        return a;
    }
}

/// <summary>The scores of the row at <see cref="Position"/> (computed once, read by every scored column's getter).</summary>
internal sealed class RowScores(Func<float[], uint> compute, int outputs)
{
    public Func<float[], uint> Compute { get; } = compute;  // the current input row's scores and predicted key
    public long Position { get; set; } = -1;
    public float[] Score { get; } = new float[outputs]; // (K) key order, or (1) the regression value
    public uint Predicted { get; set; }                  // 1-based key, 0 = no prediction
}
