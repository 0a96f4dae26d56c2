// SequenceColumn: finding and checking the features column of the RecurrentSequence trainers in a data view's
// schema — present, a vector of Single, and (known size) a whole number of steps of FeaturesPerStep numbers — with
// ML.NET's wording, naming the column (SchemaChecks).
using Microsoft.ML;

namespace Recurrent.ML;

internal static class SequenceColumn
{
    /// <summary>The checked features column of <paramref name="schema"/>.</summary>
    public static DataViewSchema.Column Check(DataViewSchema schema, RecurrentSequenceOptions options, string paramName)
    {
        var features = SchemaChecks.Find(schema, "features", options.FeaturesColumnName, paramName);
        SchemaChecks.RequireSteps(features, "features", options.FeaturesPerStep, paramName);
        return features;
    }
}
