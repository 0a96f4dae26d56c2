// ScoredDataView: what RecurrentTextTransformer.Transform returns — the input IDataView, lazily, with the scored
// columns appended (ScoredColumns). Nothing is computed until a cursor reads a scored column; each row's text is
// classified once however many of them are read. One cursor at a time serves a cursor set (the
// network's forward is sequential anyway).
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Recurrent.ML;

internal sealed class ScoredDataView(IDataView input, ScoredColumns columns) : IDataView
{
    public DataViewSchema Schema => columns.Output;
    public bool CanShuffle => input.CanShuffle;
    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToList();
        return new Cursor(input.GetRowCursor(columns.Dependencies(needed), rand), columns, needed);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    // The input cursor with the scored columns: ScoredRow's logic, moving.
    private sealed class Cursor : DataViewRowCursor
    {
        private readonly DataViewRowCursor _input;
        private readonly ScoredRow _row;

        public Cursor(DataViewRowCursor input, ScoredColumns columns, IEnumerable<DataViewSchema.Column> active)
        {
            _input = input;
            _row = new ScoredRow(input, columns, active);
        }

        public override DataViewSchema Schema => _row.Schema;
        public override long Position => _input.Position;
        public override long Batch => _input.Batch;
        public override bool MoveNext() => _input.MoveNext();
        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => _row.IsColumnActive(column);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _row.GetGetter<TValue>(column);

        protected override void Dispose(bool disposing)
        {
            if (disposing) _input.Dispose();
            base.Dispose(disposing);
        }
    }
}
