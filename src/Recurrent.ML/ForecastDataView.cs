// ForecastDataView: what RecurrentForecastTransformer.Transform returns — the input rows, in order, with the forecast
// and bound columns appended (after the input's columns, from index Input.Count). Its cursor is a pass down the rows:
// when an added column is active it reads the series column at every row into a ring of the last L observations, and
// the first getter call at a row forecasts from that ring (WindowForecast, H steps) — NaNs until L rows have been read
// or while the ring holds a NaN. The rows are never shuffled (a forecast needs time order), and one cursor serves a
// cursor set.
// Shapes: ring (L); each added column (H) per row.
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Recurrent.ML;

internal sealed class ForecastDataView(IDataView input, RecurrentForecastTransformer model, DataViewSchema schema) : IDataView
{
    public DataViewSchema Schema => schema;
    public bool CanShuffle => false;
    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToList();
        int first = input.Schema.Count;
        bool forecast = needed.Any(c => c.Index >= first);
        var series = input.Schema[model.Columns.Input];
        var inputs = needed.Where(c => c.Index < first).Select(c => input.Schema[c.Index]).ToList();
        if (forecast && inputs.All(c => c.Index != series.Index)) inputs.Add(series);
        return new Cursor(input.GetRowCursor(inputs), model, schema, forecast ? series : null, needed);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly DataViewRowCursor _input;
        private readonly RecurrentForecastTransformer _model;
        private readonly DataViewSchema _schema;
        private readonly bool[] _active;          // (output columns)
        private readonly ValueGetter<float>? _read;
        private readonly double[] _ring;          // (L) the last observations, oldest at _start once full
        private int _count, _start;
        private long _computed = -1;              // the position whose forecast _prediction holds
        private RecurrentForecastPrediction? _prediction;

        public Cursor(DataViewRowCursor input, RecurrentForecastTransformer model, DataViewSchema schema, DataViewSchema.Column? series,
            IEnumerable<DataViewSchema.Column> active)
        {
            _input = input;
            _model = model;
            _schema = schema;
            _active = new bool[schema.Count];
            foreach (var c in active) _active[c.Index] = true;
            _read = series is { } s ? input.GetGetter<float>(s) : null;
            _ring = new double[model.ObservationsNeeded];
        }

        public override DataViewSchema Schema => _schema;
        public override long Position => _input.Position;
        public override long Batch => _input.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index >= _input.Schema.Count ? _active[column.Index] : _input.IsColumnActive(_input.Schema[column.Index]);

        // Every row's observation enters the ring whether or not its forecast is read, so each row's window is right.
        public override bool MoveNext()
        {
            if (!_input.MoveNext()) return false;
            if (_read is not null)
            {
                float v = 0;
                _read(ref v);
                if (_count < _ring.Length) _ring[_count++] = v;
                else { _ring[_start] = v; _start = (_start + 1) % _ring.Length; }
            }
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int first = _input.Schema.Count;
            if (column.Index < first) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            if (!_active[column.Index]) throw new InvalidOperationException($"Column '{column.Name}' is not active.");
            if (typeof(TValue) != typeof(VBuffer<float>))
                throw new InvalidOperationException($"Invalid TValue in GetGetter for column '{column.Name}': expected '{typeof(VBuffer<float>)}', got '{typeof(TValue)}'.");
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                var c = _model.Columns;
                float[]? values = Current() is { } p ? (column.Name == c.Output ? p.Forecast : column.Name == c.LowerBound ? p.LowerBound : p.UpperBound) : null;
                var editor = VBufferEditor.Create(ref value, _model.Horizon);
                if (values is null) editor.Values.Fill(float.NaN);
                else values.CopyTo(editor.Values);
                value = editor.Commit();
            };
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        // The forecast after the current row, computed once per row; null before a full window or with a NaN in it.
        private RecurrentForecastPrediction? Current()
        {
            if (_computed == _input.Position) return _prediction;
            _computed = _input.Position;
            _prediction = null;
            if (_count < _ring.Length) return null;
            var window = new double[_ring.Length];
            for (int i = 0; i < window.Length; i++) window[i] = _ring[(_start + i) % _ring.Length];
            if (window.Any(v => !double.IsFinite(v))) return null;
            var c = _model.Columns;
            _prediction = WindowForecast.Compute(_model.Forecaster, window, _model.Horizon, c.LowerBound is not null || c.UpperBound is not null);
            return _prediction;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _input.Dispose();
            base.Dispose(disposing);
        }
    }
}
