// ForecastSeriesColumn: the series column of the RecurrentForecast estimator and transformer — found and checked with
// ML.NET's wording (a missing column, a column that is not Single: ArgumentOutOfRangeException naming it) and read
// down the rows in cursor order, which is taken as time order, oldest first. Training needs every value: a NaN
// (ML.NET's missing Single) is an error naming the column and the row.
using Microsoft.ML;

namespace Recurrent.ML;

internal static class ForecastSeriesColumn
{
    /// <summary>The series column <paramref name="name"/> of <paramref name="schema"/>, checked to be a Single scalar.</summary>
    public static DataViewSchema.Column Check(DataViewSchema schema, string name, string paramName)
    {
        var column = SchemaChecks.Find(schema, "series", name, paramName);
        SchemaChecks.RequireSingle(column, "series", paramName);
        return column;
    }

    /// <summary>
    /// Every value of the series column, (rows) in row order. InvalidOperationException naming the column and the
    /// 0-based row of the first value that is NaN or infinite.
    /// </summary>
    public static double[] Read(IDataView data, string name, string paramName)
    {
        var column = Check(data.Schema, name, paramName);
        var values = new List<double>();
        using var cursor = data.GetRowCursor([column]);
        var get = cursor.GetGetter<float>(column);
        float v = 0;
        while (cursor.MoveNext())
        {
            get(ref v);
            if (!float.IsFinite(v))
                throw new InvalidOperationException($"The series column '{name}' has {(float.IsNaN(v) ? "a missing value (NaN)" : $"the value {v}")} at row {values.Count} " +
                    "(0-based); a forecaster trains on a complete series — fill or drop the gap first (e.g. ReplaceMissingValues).");
            values.Add(v);
        }
        return values.ToArray();
    }
}
