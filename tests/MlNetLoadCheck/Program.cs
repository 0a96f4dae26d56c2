// MlNetLoadCheck: loads a model zip with mlContext.Model.Load in this (new) process and scores inputs read from a file,
// one row per line: a text (column "text") or space-separated numbers (a variable-size Vector<Single> column). Writes
// one line per row with the scored columns it finds, tab-separated "name=value" (vectors space-separated, floats
// round-trippable), so a test can compare them with the managed transformer's.
// Usage: MlNetLoadCheck <model.zip> text|numbers <column> <inputs> <outputs>
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length != 5 || args[1] is not ("text" or "numbers"))
{
    Console.Error.WriteLine("usage: MlNetLoadCheck <model.zip> text|numbers <column> <inputs> <outputs>");
    return 2;
}
var ml = new MLContext();
var model = ml.Model.Load(args[0], out _);
var lines = File.ReadAllLines(args[3]);
var schema = new DataViewSchema.Builder();
schema.AddColumn(args[2], args[1] == "text" ? TextDataViewType.Instance : new VectorDataViewType(NumberDataViewType.Single));
var rows = args[1] == "text"
    ? lines.Select(l => (object)l).ToList()
    : lines.Select(l => (object)l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
var scored = model.Transform(new RowsView(schema.ToSchema(), rows));

string[] wanted = ["Score", "Probability", "PredictedLabel"];
var columns = wanted.Select(n => scored.Schema.GetColumnOrNull(n)).OfType<DataViewSchema.Column>().ToArray();
using var cursor = scored.GetRowCursor(columns);
var getters = columns.Select(c => Reader(cursor, c)).ToArray();
using var output = new StreamWriter(args[4]);
while (cursor.MoveNext())
    output.WriteLine(string.Join('\t', columns.Select((c, i) => $"{c.Name}={getters[i]()}")));
return 0;

static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);

// The column's value as text.
static Func<string> Reader(DataViewRow row, DataViewSchema.Column column)
{
    switch (column.Type)
    {
        case VectorDataViewType:
        {
            var get = row.GetGetter<VBuffer<float>>(column);
            VBuffer<float> value = default;
            return () => { get(ref value); return string.Join(' ', value.DenseValues().Select(F)); };
        }
        case KeyDataViewType:
        {
            var get = row.GetGetter<uint>(column);
            uint value = 0;
            return () => { get(ref value); return value.ToString(CultureInfo.InvariantCulture); };
        }
        case BooleanDataViewType:
        {
            var get = row.GetGetter<bool>(column);
            bool value = false;
            return () => { get(ref value); return value ? "true" : "false"; };
        }
        default:
        {
            var get = row.GetGetter<float>(column);
            float value = 0;
            return () => { get(ref value); return F(value); };
        }
    }
}

// An IDataView of one column (string, or float[] as a variable-size vector) over the rows read.
sealed class RowsView(DataViewSchema schema, List<object> rows) : IDataView
{
    public bool CanShuffle => false;
    public DataViewSchema Schema => schema;
    public long? GetRowCount() => rows.Count;
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private sealed class Cursor(RowsView view) : DataViewRowCursor
    {
        private long _position = -1;
        public override DataViewSchema Schema => view.Schema;
        public override long Position => _position;
        public override long Batch => 0;
        public override bool MoveNext() => ++_position < view.Count;
        public override bool IsColumnActive(DataViewSchema.Column column) => true;
        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (typeof(TValue) == typeof(ReadOnlyMemory<char>))
                return (ValueGetter<TValue>)(Delegate)(ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = ((string)view.Row(_position)).AsMemory());
            return (ValueGetter<TValue>)(Delegate)(ValueGetter<VBuffer<float>>)((ref VBuffer<float> v) =>
            {
                var values = (float[])view.Row(_position);
                v = new VBuffer<float>(values.Length, (float[])values.Clone());
            });
        }
    }

    private int Count => rows.Count;
    private object Row(long position) => rows[(int)position];
}
