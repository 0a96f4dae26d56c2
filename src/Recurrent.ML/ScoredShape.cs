// ScoredShape: the schema-shape promise of a Recurrent estimator (GetOutputSchema) — the input shape with the scored
// columns of ScoreKind appended. SchemaShape.Column has no public constructor, so each promised column is taken from
// one of ML.NET's own estimators over the label: multiclass, its one-hot vector is the shape of the class
// probabilities (Single × K, slot names = key values) and its copy the shape of the predicted key; binary, its
// conversion to Single the shape of Score and Probability, its copy the shape of the predicted Boolean; regression,
// its copy (a Single label) the shape of Score. The caller checks the label's type first.
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Recurrent.ML;

internal static class ScoredShape
{
    /// <summary><paramref name="inputSchema"/> (minus columns of the same names) with the columns of <paramref name="kind"/> appended.</summary>
    public static SchemaShape Append(SchemaShape inputSchema, string label, ScoreKind kind)
    {
        var ml = new MLContext(seed: 0);
        (string Name, IEstimator<ITransformer> From)[] added = kind switch
        {
            ScoreKind.Multiclass => [("Score", ml.Transforms.Conversion.MapKeyToVector("Score", label)), ("PredictedLabel", ml.Transforms.CopyColumns("PredictedLabel", label))],
            ScoreKind.Binary =>
            [
                ("Score", ml.Transforms.Conversion.ConvertType("Score", label, DataKind.Single)),
                ("Probability", ml.Transforms.Conversion.ConvertType("Probability", label, DataKind.Single)),
                ("PredictedLabel", ml.Transforms.CopyColumns("PredictedLabel", label)),
            ],
            _ => [("Score", ml.Transforms.CopyColumns("Score", label))],
        };
        var columns = added.Select(a => SchemaChecks.Lookup(a.From.GetOutputSchema(inputSchema), a.Name)!.Value).ToList();
        return new SchemaShape(inputSchema.Where(c => added.All(a => a.Name != c.Name)).Concat(columns));
    }
}
