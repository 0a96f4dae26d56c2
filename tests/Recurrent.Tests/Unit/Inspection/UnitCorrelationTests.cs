// UnitCorrelation: Pearson's r on hand-worked series (and NaN where it is undefined), every entry of the table equals
// Pearson of that unit's series with that feature, a feature built from one unit's values ranks that unit first with
// r = 1 (and its negation gives −1), and the summary lists the top units and then each feature's best.
using Recurrent.Inspection;
using Recurrent.Layers;
using Recurrent.Models;

namespace Recurrent.Tests.Inspection;

public sealed class UnitCorrelationTests
{
    [Fact]
    public void PearsonMatchesHandWorkedValues()
    {
        // x = 1,2,3; y = 1,2,4: Sxy = 3, Sxx = 2, Syy = 42/9, r = 3 / sqrt(2·42/9).
        Assert.Equal(3 / Math.Sqrt(2 * 42.0 / 9), UnitCorrelation.Pearson([1, 2, 3], [1, 2, 4]), 12);
        Assert.Equal(-1, UnitCorrelation.Pearson([1, 2, 3, 4], [8, 6, 4, 2]), 12);
        Assert.Equal(0, UnitCorrelation.Pearson([1, 2, 3, 4], [1, -1, -1, 1]), 12);
        Assert.True(double.IsNaN(UnitCorrelation.Pearson([5, 5, 5], [1, 2, 3])));
        Assert.True(double.IsNaN(UnitCorrelation.Pearson([1], [2])));
        Assert.Throws<ArgumentException>(() => UnitCorrelation.Pearson([1, 2], [1, 2, 3]));
    }

    private static ActivationTrace Trace(out int[] tokens)
    {
        var model = new SequenceModel<float>(new ModelConfig
        {
            Input = InputKind.Embedding, InputSize = 9, EmbeddingSize = 4, Cell = CellKind.Lstm, HiddenSize = 5, Layers = 2, OutputSize = 9, InitGain = 2.0,
        }, seed: 11);
        tokens = Enumerable.Range(0, 40).Select(t => (t * 5 + t / 4) % 9).ToArray();
        return ActivationTrace.Record(model, tokens, chunk: 16);
    }

    private static float[] Series(ActivationTrace trace, int layer, TraceQuantity q, int unit)
    {
        float[] v = trace.Values(layer, q).ToArray();
        return Enumerable.Range(0, trace.Steps).Select(t => v[t * trace.HiddenSize + unit]).ToArray();
    }

    [Fact]
    public void EveryEntryIsPearsonOfThatUnitAndFeature()
    {
        var trace = Trace(out int[] tokens);
        float[][] features =
        [
            tokens.Select(t => (float)t).ToArray(),
            tokens.Select(t => t % 2 == 0 ? 1f : 0f).ToArray(),
            new float[tokens.Length], // constant: r undefined
        ];
        var table = UnitCorrelation.Compute(trace, features);
        for (int layer = 0; layer < 2; layer++)
            foreach (TraceQuantity q in trace.Quantities)
                for (int u = 0; u < trace.HiddenSize; u++)
                {
                    float[] x = Series(trace, layer, q, u);
                    for (int k = 0; k < 2; k++) Assert.Equal(UnitCorrelation.Pearson(x, features[k]), table.R(layer, q, u, k), 9);
                    Assert.True(double.IsNaN(table.R(layer, q, u, 2)));
                }
        Assert.Null(table.BestFor(2));
    }

    [Fact]
    public void AFeatureCopiedFromAUnitRanksItFirst()
    {
        var trace = Trace(out _);
        float[] target = Series(trace, 1, TraceQuantity.ForgetGate, 3);
        float[][] features = [target.Select(v => -2 * v + 1).ToArray(), target.Select(v => v > target.Average() ? 1f : 0f).ToArray()];
        var table = UnitCorrelation.Compute(trace, features);
        var top = table.Ranked()[0];
        Assert.Equal((1, TraceQuantity.ForgetGate, 3, 0), (top.Layer, top.Quantity, top.Unit, top.Feature));
        Assert.Equal(-1, top.R, 1e-5);
        Assert.Equal(top, table.BestFor(0));
        Assert.Equal(top, table.Best(1, TraceQuantity.ForgetGate, 3));

        var summary = table.Summary(top: 3);
        Assert.Equal(table.Ranked().Take(3), summary.Take(3));
        Assert.Contains(table.BestFor(1)!.Value, summary);
        Assert.Equal(summary.Count, summary.Distinct().Count());
        Assert.True(table.Ranked().Zip(table.Ranked().Skip(1)).All(p => Math.Abs(p.First.R) >= Math.Abs(p.Second.R)));
    }

    [Fact]
    public void FeaturesMustCoverEveryPosition()
    {
        var trace = Trace(out _);
        Assert.Throws<ArgumentException>(() => UnitCorrelation.Compute(trace, [new float[trace.Steps - 1]]));
    }
}
