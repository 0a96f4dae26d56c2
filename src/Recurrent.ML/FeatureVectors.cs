// FeatureVectors: reading a numeric-sequence column — a vector of Single, T·F numbers step-major — from an ML.NET
// row as the float[] a numeric ClassificationRecord holds. A vector of known size was checked once on the schema
// (SchemaChecks.RequireSteps); a variable-size vector is checked on each row, and a row that is not whole steps of
// F numbers is an error naming the column, the row and its length. Sparse vectors are read densely.
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Recurrent.ML;

internal static class FeatureVectors
{
    /// <summary>
    /// A reader of <paramref name="column"/> on <paramref name="row"/>: each call returns the current row's numbers
    /// (T·F, a fresh array; empty for an empty vector). <paramref name="paramName"/> goes into the error of a row that
    /// is not whole steps.
    /// </summary>
    public static Func<float[]> Reader(DataViewRow row, DataViewSchema.Column column, int featuresPerStep, string paramName)
    {
        var get = row.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        return () =>
        {
            get(ref buffer);
            if (buffer.Length % featuresPerStep != 0)
                throw new InvalidOperationException($"{SchemaChecks.StepsMessage(column.Name, buffer.Length, featuresPerStep)} (row {row.Position + 1} of {paramName})");
            var values = new float[buffer.Length];
            buffer.CopyTo(values);
            return values;
        };
    }
}
