// TimeSeriesTable: a CSV time series — one row per time step, one or more columns, comma- (or tab-) separated,
// with an optional header (the first line is a header when any of its fields is neither a number nor a date or
// time, so a file without a header may start with a date). Only the columns a task selects must be numeric, so a
// date column can stay in the file (TimeAxis continues it). Columns are chosen by header name or by 1-based number.
// The file is decoded strictly (Data/TextFileLines), UTF-8 unless the caller names another encoding.
using System.Globalization;
using System.Text;
using Recurrent.Data;

namespace Recurrent.Forecasting;

/// <summary>The rows of a CSV time series, with its header names when it has one.</summary>
public sealed class TimeSeriesTable
{
    private readonly string[][] _fields;   // [row][column] raw text

    private TimeSeriesTable(string path, string[]? header, string[][] fields, int firstDataLine)
    {
        Path = path;
        Header = header;
        _fields = fields;
        FirstDataLine = firstDataLine;
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }
    /// <summary>Column names from the header, or null when the file has none.</summary>
    public IReadOnlyList<string>? Header { get; }
    /// <summary>Number of data rows (time steps).</summary>
    public int Rows => _fields.Length;
    /// <summary>Number of columns.</summary>
    public int Columns => _fields.Length > 0 ? _fields[0].Length : Header?.Count ?? 0;
    /// <summary>1-based line number of the first data row.</summary>
    public int FirstDataLine { get; }

    /// <summary>
    /// Reads a CSV file, decoded strictly in <paramref name="encoding"/> (null: UTF-8). Throws InvalidDataException
    /// naming the file and line of a row with the wrong number of fields; <see cref="CorpusException"/> naming the
    /// file, line and byte offset for bytes that are not valid in the encoding; FileNotFoundException for a
    /// missing file.
    /// </summary>
    public static TimeSeriesTable Read(string path, Encoding? encoding = null)
    {
        string[] lines = TextFileLines.Read(path, encoding).Select(l => l.Text).ToArray();
        int first = 0;
        while (first < lines.Length && lines[first].Trim().Length == 0) first++;
        if (first == lines.Length) throw new InvalidDataException($"'{path}' is empty; a time series needs one row per time step.");
        char separator = lines[first].Contains(',') || !lines[first].Contains('\t') ? ',' : '\t';
        if (!lines[first].Contains(',') && !lines[first].Contains('\t') && lines[first].Contains(';'))
            throw new InvalidDataException($"'{path}' line {first + 1} separates its fields with ';'; a time series file separates them with commas (or tabs), " +
                "with '.' as the decimal point. Convert the file, e.g. with sed 's/;/,/g' when no value has a decimal comma.");
        string[] Split(string line) => line.Split(separator).Select(f => f.Trim().Trim('"')).ToArray();
        string[] firstFields = Split(lines[first]);
        bool hasHeader = firstFields.Any(f => !double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && !TimeAxis.IsDateOrTime(f));
        var rows = new List<string[]>();
        int dataStart = hasHeader ? first + 1 : first;
        for (int i = dataStart; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            string[] f = Split(lines[i]);
            if (f.Length != firstFields.Length)
                throw new InvalidDataException($"'{path}' line {i + 1}: {f.Length} fields where the first line has {firstFields.Length}.");
            rows.Add(f);
        }
        if (rows.Count == 0) throw new InvalidDataException($"'{path}' has a header but no data rows.");
        return new TimeSeriesTable(path, hasHeader ? firstFields : null, rows.ToArray(), dataStart + 1);
    }

    /// <summary>
    /// A table of values already in memory — (rows, header.Count) row-major, finite — e.g. a column of an ML.NET
    /// IDataView, so it is made into a ForecastSeries exactly as a CSV file is. <paramref name="source"/> stands
    /// for the file name in messages ("the series column 'Value'"). Values keep their exact bits (round-trip text).
    /// </summary>
    public static TimeSeriesTable FromValues(string source, IReadOnlyList<string> header, ReadOnlySpan<double> values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(header);
        int c = header.Count;
        if (c == 0 || values.Length == 0 || values.Length % c != 0)
            throw new ArgumentException($"values must be whole rows of {c} values, got {values.Length}.", nameof(values));
        var rows = new string[values.Length / c][];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = new string[c];
            for (int k = 0; k < c; k++) rows[r][k] = values[r * c + k].ToString("R", CultureInfo.InvariantCulture);
        }
        return new TimeSeriesTable(source, header.ToArray(), rows, 1);
    }

    /// <summary>
    /// The 0-based column index of <paramref name="name"/>: a header name, or a 1-based column number. Throws
    /// ArgumentException listing the columns there are.
    /// </summary>
    public int ColumnIndex(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Header is not null)
            for (int j = 0; j < Header.Count; j++)
                if (string.Equals(Header[j], name, StringComparison.Ordinal)) return j;
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number >= 1 && number <= Columns)
            return number - 1;
        string known = Header is null ? $"numbers 1..{Columns} (the file has no header)" : $"{string.Join(", ", Header.Select(h => $"'{h}'"))} or numbers 1..{Columns}";
        throw new ArgumentException($"'{Path}' has no column '{name}'; use {known}.", nameof(name));
    }

    /// <summary>The name of a column: its header name, or its 1-based number.</summary>
    public string ColumnName(int index) => Header is not null ? Header[index] : (index + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The raw text of column <paramref name="column"/> (0-based) in every row, e.g. the dates of a time column.</summary>
    public IReadOnlyList<string> Texts(int column)
    {
        if ((uint)column >= (uint)Columns) throw new ArgumentException($"column must be in 0..{Columns - 1}, got {column}.", nameof(column));
        return _fields.Select(row => row[column]).ToArray();
    }

    /// <summary>
    /// The values of the given columns as a row-major (Rows, columns.Count) array; throws InvalidDataException naming
    /// file, line and column of the first field that is not a finite number.
    /// </summary>
    public double[] Values(IReadOnlyList<int> columns) => Values(columns, Enumerable.Range(0, Rows).ToArray());

    /// <summary>True for the texts that stand for a missing value: empty, "NA", "NaN" (any case).</summary>
    public static bool IsMissing(string text) =>
        text.Length == 0 || text.Equals("NA", StringComparison.OrdinalIgnoreCase) || text.Equals("NaN", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The values of the given columns in the given rows (0-based), (rows.Count, columns.Count) row-major; errors as
    /// the other overload. With <paramref name="allowMissing"/>, a missing value (<see cref="IsMissing"/>) reads as NaN
    /// (future rows whose values are to be predicted).
    /// </summary>
    public double[] Values(IReadOnlyList<int> columns, IReadOnlyList<int> rows, bool allowMissing = false)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        var v = new double[rows.Count * columns.Count];
        for (int i = 0; i < rows.Count; i++)
            for (int k = 0; k < columns.Count; k++)
            {
                int r = rows[i];
                string text = _fields[r][columns[k]];
                if (allowMissing && IsMissing(text)) { v[i * columns.Count + k] = double.NaN; continue; }
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) || !double.IsFinite(x))
                    throw new InvalidDataException($"'{Path}' line {FirstDataLine + r}, column '{ColumnName(columns[k])}': \"{text}\" is not a number.");
                v[i * columns.Count + k] = x;
            }
        return v;
    }
}
