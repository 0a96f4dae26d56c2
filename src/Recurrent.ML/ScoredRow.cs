// ScoredRow and ScoringMapper: the row-to-row form of a fitted Recurrent model, which PredictionEngine and
// ML.NET's transformer chains ask for (IRowToRowMapper): the input row's columns pass through, the scored columns
// (Score, PredictedLabel, and Probability for the binary classifier; Score alone for a regressor) are computed from
// its text or numbers when read (ScoredColumns).
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Recurrent.ML;

/// <summary>Maps a row of <see cref="InputSchema"/> to one of <see cref="OutputSchema"/> (its columns + the scored columns).</summary>
internal sealed class ScoringMapper(ScoredColumns columns) : IRowToRowMapper
{
    public DataViewSchema InputSchema => columns.Input;
    public DataViewSchema OutputSchema => columns.Output;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        columns.Dependencies(dependingColumns);

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Schema.Count != columns.Input.Count) throw new ArgumentException("The row's schema is not the schema this mapper was made for.", nameof(input));
        return new ScoredRow(input, columns, activeColumns);
    }
}

/// <summary>An input row seen with the scored columns appended.</summary>
internal sealed class ScoredRow : DataViewRow
{
    private readonly DataViewRow _input;
    private readonly ScoredColumns _columns;
    private readonly bool[] _active; // (output columns)
    private RowScores? _cache;

    public ScoredRow(DataViewRow input, ScoredColumns columns, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        _input = input;
        _columns = columns;
        _active = new bool[columns.Output.Count];
        foreach (var c in activeColumns) _active[c.Index] = true;
    }

    public override DataViewSchema Schema => _columns.Output;
    public override long Position => _input.Position;
    public override long Batch => _input.Batch;
    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();
    public override bool IsColumnActive(DataViewSchema.Column column) =>
        _columns.IsComputed(column) ? _active[column.Index] : _input.IsColumnActive(_input.Schema[column.Index]);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_columns.IsComputed(column)) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
        if (!_active[column.Index]) throw new InvalidOperationException($"Column '{column.Name}' is not active.");
        return _columns.Getter<TValue>(_input, column, _cache ??= _columns.NewCache(_input));
    }
}
