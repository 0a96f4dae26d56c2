// MlNetSequenceData: small generated numeric-sequence sets for the ML.NET sequence tests, where the order of the
// steps decides the answer (a bag of the same numbers in another order would answer differently):
//   classification  T values in [−1, 1]; label "MaxFirst" when the largest value comes before the smallest, else
//                   "MinFirst";
//   regression      T values in [−1, 1]; label = sum of the first half − sum of the second half.
// With two features per step the second channel is noise in another unit (×100 + 50), which the per-channel
// standardisation must cope with. Variable-length rows have T in [4, 8]. Seeded: the same rows every run.
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Recurrent.Tests.EndToEnd.MlNet;

/// <summary>A classification row with a fixed-size vector of 8 steps × 1 feature.</summary>
public sealed class FixedSequenceRow
{
    public string Label { get; set; } = "";
    [VectorType(8)] public float[] Features { get; set; } = [];
}

/// <summary>A regression row with a fixed-size vector of 8 steps × 1 feature.</summary>
public sealed class FixedRegressionRow
{
    public float Label { get; set; }
    [VectorType(8)] public float[] Features { get; set; } = [];
}

/// <summary>A classification row with a variable-size vector (T·F numbers).</summary>
public sealed class VariableSequenceRow
{
    public string Label { get; set; } = "";
    public float[] Features { get; set; } = [];
}

/// <summary>A regression row with a variable-size vector (T·F numbers).</summary>
public sealed class VariableRegressionRow
{
    public float Label { get; set; }
    public float[] Features { get; set; } = [];
}

internal static class MlNetSequenceData
{
    /// <summary>(values T·F step-major, the T first-channel values) of one random sequence.</summary>
    public static (float[] Values, float[] Channel0) Sequence(Random random, int steps, int featuresPerStep)
    {
        var values = new float[steps * featuresPerStep];
        var channel0 = new float[steps];
        for (int t = 0; t < steps; t++)
        {
            channel0[t] = (float)(random.NextDouble() * 2 - 1);
            values[t * featuresPerStep] = channel0[t];
            for (int k = 1; k < featuresPerStep; k++) values[t * featuresPerStep + k] = (float)(random.NextDouble() * 100 + 50);
        }
        return (values, channel0);
    }

    /// <summary>"MaxFirst" when the largest value comes before the smallest.</summary>
    public static string OrderLabel(float[] x) =>
        Array.IndexOf(x, x.Max()) < Array.IndexOf(x, x.Min()) ? "MaxFirst" : "MinFirst";

    /// <summary>Sum of the first half minus the sum of the second half (the middle step of an odd length counts in neither).</summary>
    public static float HalfDifference(float[] x) => x.Take(x.Length / 2).Sum() - x.Skip((x.Length + 1) / 2).Sum();

    public static List<FixedSequenceRow> FixedClassification(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var (values, x) = Sequence(random, 8, 1);
            return new FixedSequenceRow { Label = OrderLabel(x), Features = values };
        }).ToList();
    }

    public static List<FixedRegressionRow> FixedRegression(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var (values, x) = Sequence(random, 8, 1);
            return new FixedRegressionRow { Label = HalfDifference(x), Features = values };
        }).ToList();
    }

    public static List<VariableSequenceRow> VariableClassification(int count, int seed, int featuresPerStep)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var (values, x) = Sequence(random, 4 + random.Next(5), featuresPerStep);
            return new VariableSequenceRow { Label = OrderLabel(x), Features = values };
        }).ToList();
    }

    public static List<VariableRegressionRow> VariableRegression(int count, int seed, int featuresPerStep)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var (values, x) = Sequence(random, 4 + random.Next(5), featuresPerStep);
            return new VariableRegressionRow { Label = HalfDifference(x), Features = values };
        }).ToList();
    }
}
