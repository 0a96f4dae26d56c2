// Baselines and MASE against hand-computed values: the naive and seasonal-naive forecasts of a window, the
// in-sample seasonal-naive MAE, MASE of a forecast and its pooling over series; season detection finds the period
// of a trending seasonal series and none in noise or a straight line.
using Recurrent.Forecasting;

namespace Recurrent.Tests.Forecasting;

public sealed class SeasonalityTests
{
    [Fact]
    public void BaselinesRepeatTheLastValueAndTheValueOneSeasonEarlier()
    {
        double[] y = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];    // one column
        var naive = new double[5];
        var seasonal = new double[5];
        // Forecast rows 6..10 (0-based 5..9) from rows 0..4, season 3: ŷ[5+j] = y[5 + j − 3·(1 + j/3)].
        ForecastAccuracy.Baselines(y, 1, firstPredicted: 5, horizon: 5, season: 3, naive, seasonal);
        Assert.Equal(new double[] { 5, 5, 5, 5, 5 }, naive);
        Assert.Equal(new double[] { 3, 4, 5, 3, 4 }, seasonal);
        Assert.Throws<ArgumentException>(() => ForecastAccuracy.Baselines(y, 1, firstPredicted: 2, horizon: 1, season: 3, naive, seasonal));
    }

    [Fact]
    public void MaseIsTheMaeOverTheInSampleSeasonalNaiveMae()
    {
        // In-sample, season 2: |3−1| + |2−4|... of [1, 4, 3, 2, 6]: |3−1|, |2−4|, |6−3| → (2 + 2 + 3) / 3.
        double scale = Seasonality.SeasonalNaiveMae([1, 4, 3, 2, 6], 2);
        Assert.Equal(7.0 / 3, scale, 14);
        Assert.True(double.IsNaN(Seasonality.SeasonalNaiveMae([1, 2], 2)));

        var b = new ForecastAccuracy.Builder(targets: 1, season: 2, [scale], quantiles: null);
        b.Add(predictions: [5, 7], truths: [6, 5], naive: [6, 6], seasonalNaive: [3, 2]);
        var a = b.Build();
        Assert.Equal(2, a.Count);
        Assert.Equal((1 + 2) / 2.0, a.Mae, 14);
        Assert.Equal((1 + 4) / 2.0, a.Mse, 14);
        Assert.Equal((0 + 1) / 2.0, a.NaiveMae, 14);
        Assert.Equal((3 + 3) / 2.0, a.SeasonalNaiveMae, 14);
        Assert.Equal(1.5 / (7.0 / 3), a.Mase, 14);

        // Two target columns: MASE is the mean of each column's MAE over its own scale.
        var two = new ForecastAccuracy.Builder(2, 1, [1.0, 10.0], null);
        two.Add([1, 10], [2, 30], [0, 0], [0, 0]);
        Assert.Equal((1 / 1.0 + 20 / 10.0) / 2, two.Build().Mase, 14);

        // Many series: errors pooled over values, MASE the mean of the series' MASEs (M4).
        var other = new ForecastAccuracy(4, 1, 1, 2, 2, 2, 3.0, null, null);
        var all = ForecastAccuracy.Combine([a, other]);
        Assert.Equal(6, all.Count);
        Assert.Equal((1.5 * 2 + 1 * 4) / 6, all.Mae, 14);
        Assert.Equal((a.Mase + 3.0) / 2, all.Mase, 14);
    }

    [Fact]
    public void QuantileCoverageCountsTruthsAtOrBelowEachQuantileAndInsideTheBand()
    {
        var b = new ForecastAccuracy.Builder(1, 1, [1.0], [0.1, 0.5, 0.9]);
        // Truths 0, 5, 10, 5 against quantiles (2, 5, 8) each: below q0.1: 1 of 4; ≤ q0.5: 3; ≤ q0.9: 3; inside [2, 8]: 2.
        b.Add([5, 5, 5, 5], [0, 5, 10, 5], [0, 0, 0, 0], [0, 0, 0, 0], [2, 5, 8, 2, 5, 8, 2, 5, 8, 2, 5, 8]);
        var a = b.Build();
        Assert.Equal(new[] { 0.25, 0.75, 0.75 }, a.QuantileCoverage);
        Assert.Equal(0.5, a.IntervalCoverage);
    }

    [Fact]
    public void DetectsTheSeasonOfATrendingSeriesAndNoneWithoutOne()
    {
        var rng = new Random(3);
        double[] monthly = Enumerable.Range(0, 120).Select(t => 100 + 2.0 * t + 20 * Math.Sin(2 * Math.PI * t / 12) + rng.NextDouble() * 4).ToArray();
        var (season, r) = Seasonality.Detect(monthly);
        Assert.Equal(12, season);
        Assert.True(r > 0.5, $"autocorrelation {r}");
        double[] weekly = Enumerable.Range(0, 200).Select(t => (t % 7 == 5 || t % 7 == 6 ? 30.0 : 10.0) + rng.NextDouble()).ToArray();
        Assert.Equal(7, Seasonality.Detect(weekly).Season);
        for (int seed = 0; seed < 50; seed++)
        {
            var noisy = new Random(seed);
            double[] noise = Enumerable.Range(0, 200).Select(_ => noisy.NextDouble()).ToArray();
            Assert.Equal(1, Seasonality.Detect(noise).Season);
            double[] walk = new double[300];
            for (int t = 1; t < walk.Length; t++) walk[t] = walk[t - 1] + noisy.NextDouble() - 0.5;
            Assert.Equal(1, Seasonality.Detect(walk).Season);
        }
        Assert.Equal(1, Seasonality.Detect(Enumerable.Range(0, 100).Select(t => 3.0 * t).ToArray()).Season);
        Assert.Equal(1, Seasonality.Detect([1, 2, 3]).Season);
    }

    [Fact]
    public void SeasonalTrendIsTheMeanOverTheSpreadOfTheChangesOverASeason()
    {
        // Changes over 2 steps of [1, 5, 2, 8, 4, 9]: 1, 3, 2, 1 → mean 1.75, population std sqrt(0.6875).
        Assert.Equal(1.75 / Math.Sqrt(0.6875), Seasonality.SeasonalTrend([1, 5, 2, 8, 4, 9], 2), 12);
        Assert.True(double.IsNaN(Seasonality.SeasonalTrend([1, 2, 3], 2)));
        Assert.Equal(double.PositiveInfinity, Seasonality.SeasonalTrend([1, 2, 3, 4], 1));
    }

    [Fact]
    public void SeasonalDifferencingIsChosenForATrendingSeasonAndNotForASteadyOne()
    {
        string dir = Directory.CreateTempSubdirectory("season-diff-").FullName;
        try
        {
            var rng = new Random(4);
            string Csv(string name, Func<int, double> value)
            {
                string path = Path.Combine(dir, name);
                File.WriteAllText(path, "t,y\n" + string.Concat(Enumerable.Range(0, 120).Select(t => $"{t},{value(t).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}\n")));
                return path;
            }
            string growing = Csv("growing.csv", t => (100 + 3 * t) * (1 + 0.2 * Math.Sin(2 * Math.PI * t / 12)) + rng.NextDouble());
            string steady = Csv("steady.csv", t => 50 + 10 * Math.Sin(2 * Math.PI * t / 12) + 2 * rng.NextDouble());
            var options = new ForecastOptions { Window = 12 };
            var g = ForecastSeries.FromTable(TimeSeriesTable.Read(growing), ["y"], ["y"], options);
            Assert.Equal((12, 12), (g.Spec.Season, g.Spec.SeasonDifference));
            Assert.StartsWith("the training rows' changes over a season keep one sign (mean/std ", g.SeasonDifferenceChoice);
            var st = ForecastSeries.FromTable(TimeSeriesTable.Read(steady), ["y"], ["y"], options);
            Assert.Equal((12, 0), (st.Spec.Season, st.Spec.SeasonDifference));
            Assert.StartsWith("the training rows' changes over a season do not keep one sign", st.SeasonDifferenceChoice);
            // Named by the options, it is not decided (and not explained).
            var off = ForecastSeries.FromTable(TimeSeriesTable.Read(growing), ["y"], ["y"], options with { SeasonDifference = 0 });
            Assert.Equal(0, off.Spec.SeasonDifference);
            Assert.Null(off.SeasonDifferenceChoice);
            // No season: nothing to difference.
            string walk = Csv("walk.csv", t => t * 0.5 + rng.NextDouble());
            var w = ForecastSeries.FromTable(TimeSeriesTable.Read(walk), ["y"], ["y"], options);
            Assert.Equal((1, 0, "no season"), (w.Spec.Season, w.Spec.SeasonDifference, w.SeasonDifferenceChoice));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
