// WindowCodec: every combination of normalisation (window, global, none) and differencing (none, first, seasonal,
// both) encodes a window's future and decodes it back to the same values (to rounding), inputs and targets are
// what the definitions say on hand-checked numbers, each quantile path is undifferenced on its own values, and a
// target that is not an input is refused where its level or past would be needed.
using Recurrent.Forecasting;

namespace Recurrent.Tests.Forecasting;

public sealed class WindowCodecTests
{
    private static ForecastColumn Col(int index, double mean = 0, double std = 1) => new($"c{index}", index, mean, std);

    private static ForecastSpec Spec(ForecastNormalization normalize, bool difference, int seasonDifference, int window = 8, int horizon = 5, int columns = 2) =>
        new(Enumerable.Range(0, columns).Select(i => Col(i, 10 * i + 3, 2 + i)).ToArray(), [Col(1, 13, 3), Col(0, 3, 2)], window, horizon)
        {
            Normalize = normalize, Difference = difference, SeasonDifference = seasonDifference,
        };

    public static TheoryData<ForecastNormalization, bool, int> Modes()
    {
        var data = new TheoryData<ForecastNormalization, bool, int>();
        foreach (var n in Enum.GetValues<ForecastNormalization>())
            foreach (bool d in new[] { false, true })
                foreach (int s in new[] { 0, 4 })
                    data.Add(n, d, s);
        return data;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void EncodingTheFutureAndDecodingItGivesItBack(ForecastNormalization normalize, bool difference, int season)
    {
        var spec = Spec(normalize, difference, season);
        var codec = new WindowCodec(spec);
        var rng = new Random(7);
        int l = spec.HistoryRows, h = spec.Horizon;
        for (int trial = 0; trial < 20; trial++)
        {
            // A trending, seasonal, noisy two-column series at a large offset, so scaling matters.
            double offset = rng.NextDouble() * 1e4, slope = rng.NextDouble() * 50 - 25;
            double Value(int t, int k) => offset * (k + 1) + slope * t + 30 * Math.Sin(t * Math.PI / 2) + rng.NextDouble();
            var rows = Enumerable.Range(0, l + h).Select(t => new[] { Value(t, 0), Value(t, 1) }).ToArray();
            double[] history = rows.Take(l).SelectMany(r => r).ToArray();
            double[] future = rows.Skip(l).SelectMany(r => new[] { r[1], r[0] }).ToArray(); // targets: c1, c0
            codec.Load(history);
            var encoded = new double[h * 2];
            var decoded = new double[h * 2];
            codec.EncodeTargets(future, encoded);
            codec.DecodeTargets(encoded, decoded);
            for (int i = 0; i < future.Length; i++) Assert.Equal(future[i], decoded[i], Math.Abs(future[i]) * 1e-12);
            if (normalize == ForecastNormalization.Window)
                Assert.True(encoded.All(z => Math.Abs(z) < 1e3), "window-scaled targets stay in a trainable range: " + string.Join(", ", encoded));
        }
    }

    [Fact]
    public void WindowScalingIsRelativeToTheLastValueAndTheWindowsSpread()
    {
        var spec = new ForecastSpec([Col(0)], [Col(0)], 4, 2) { Normalize = ForecastNormalization.Window };
        var codec = new WindowCodec(spec);
        codec.Load([100, 102, 104, 106]);   // mean 103, population std sqrt(5)
        Assert.Equal(106, codec.Level[0]);
        Assert.Equal(Math.Sqrt(5), codec.Scale[0], 12);
        var x = new float[4];
        codec.WriteInputs(x, batch: 1, row: 0, ReadOnlySpan<float>.Empty);
        Assert.Equal(new[] { -6 / Math.Sqrt(5), -4 / Math.Sqrt(5), -2 / Math.Sqrt(5), 0 }.Select(v => (float)v), x);
        var z = new double[2];
        codec.EncodeTargets([108, 110], z);
        Assert.Equal(2 / Math.Sqrt(5), z[0], 12);
        Assert.Equal(4 / Math.Sqrt(5), z[1], 12);

        // The same window ten times larger and far away encodes to the same numbers: scale-free.
        codec.Load([5000, 5020, 5040, 5060]);
        var x2 = new float[4];
        codec.WriteInputs(x2, 1, 0, ReadOnlySpan<float>.Empty);
        Assert.Equal(x, x2);

        // A constant window is scaled by its size (not by a zero spread).
        codec.Load([50, 50, 50, 50]);
        Assert.Equal(50, codec.Scale[0]);
    }

    [Fact]
    public void SeasonalAndFirstDifferencesAreUndoneOnThePredictedPath()
    {
        // Season 2 and first differences: d[t] = y[t] − y[t−2] − y[t−1] + y[t−3]; no normalisation.
        var spec = new ForecastSpec([Col(0)], [Col(0)], 3, 3) { Normalize = ForecastNormalization.None, Difference = true, SeasonDifference = 2 };
        Assert.Equal(3, spec.Lag);
        var codec = new WindowCodec(spec);
        double[] y = [1, 4, 2, 7, 5, 11, 9, 16, 13];   // rows 0..5 history (L = 6), rows 6..8 future
        codec.Load(y.AsSpan(0, 6));
        var x = new float[3];
        codec.WriteInputs(x, 1, 0, ReadOnlySpan<float>.Empty);
        double D(int t) => y[t] - y[t - 2] - y[t - 1] + y[t - 3];
        Assert.Equal(new[] { D(3), D(4), D(5) }.Select(v => (float)v), x);
        var z = new double[3];
        codec.EncodeTargets(y.AsSpan(6, 3), z);
        Assert.Equal(new[] { D(6), D(7), D(8) }, z);
        // Outputs of 0 mean "the same change as a season ago": y[t] = y[t−2] + y[t−1] − y[t−3] on its own path.
        var back = new double[3];
        codec.DecodeOutputs(new float[3], back);
        double p6 = y[4] + y[5] - y[3], p7 = y[5] + p6 - y[4], p8 = p6 + p7 - y[5];
        Assert.Equal(new[] { p6, p7, p8 }, back);
    }

    [Fact]
    public void EachQuantilePathIsUndifferencedOnItsOwnValues()
    {
        var spec = new ForecastSpec([Col(0)], [Col(0)], 2, 2) { Normalize = ForecastNormalization.None, Difference = true, Quantiles = [0.1, 0.9] };
        var codec = new WindowCodec(spec);
        codec.Load([10, 20, 30]);
        var back = new double[4];
        codec.DecodeOutputs([-1f, 1f, -2f, 2f], back);   // (H = 2, C = 1, Q = 2): step 1 (−1, +1), step 2 (−2, +2)
        Assert.Equal(new double[] { 29, 31, 27, 33 }, back);
    }

    [Fact]
    public void ATargetThatIsNotAnInputIsRefusedWhereItsOwnValuesAreNeeded()
    {
        var inputs = new[] { Col(0) };
        var targets = new[] { Col(1, 5, 2) };
        foreach (var spec in new[]
        {
            new ForecastSpec(inputs, targets, 4, 1) { Normalize = ForecastNormalization.Window },
            new ForecastSpec(inputs, targets, 4, 1) { Normalize = ForecastNormalization.Global, Difference = true },
        })
        {
            var e = Assert.Throws<ArgumentException>(() => new WindowCodec(spec));
            Assert.Contains("the target column 'c1' is not an input", e.Message);
        }
        // Global standardisation without differencing maps it with its own statistics.
        var codec = new WindowCodec(new ForecastSpec(inputs, targets, 4, 1) { Normalize = ForecastNormalization.Global });
        codec.Load([1, 2, 3, 4]);
        var back = new double[1];
        codec.DecodeOutputs([1.5f], back);
        Assert.Equal(5 + 1.5 * 2, back[0]);
    }
}
