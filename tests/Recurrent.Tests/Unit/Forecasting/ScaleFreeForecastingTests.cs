// What per-window scaling, quantiles, many series and the features read ahead buy, shown on synthetic series
// with a known answer: a straight line is extrapolated far beyond the training range (where global
// standardisation cannot follow); quantiles trained with the pinball loss cover fresh noise of known spread at their
// levels; one model learns several series of very different sizes and is scored per series; calendar features
// and a known-ahead column let the model predict what its window cannot show.
using System.Globalization;
using Recurrent.Forecasting;
using Recurrent.Training;
using Xunit.Abstractions;

namespace Recurrent.Tests.Forecasting;

public sealed class ScaleFreeForecastingTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scale-free-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private TimeSeriesTable Table(string name, string header, IEnumerable<string> rows)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, header + "\n" + string.Join("\n", rows) + "\n");
        return TimeSeriesTable.Read(path);
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static ForecastOptions Options(int window, int epochs, double lr = 0.01) => new()
    {
        Window = window, Horizon = 1, ValidationFraction = 0.2, Seed = 3,
        Optimization = new ForecastOptions().Optimization with { LearningRate = lr },
        Fit = new FitOptions { Epochs = epochs },
    };

    [Fact]
    public void AStraightLineIsExtrapolatedFarBeyondTheTrainingRange()
    {
        var table = Table("line.csv", "t,y", Enumerable.Range(0, 200).Select(t => $"{t},{F(5 + 2.0 * t)}"));
        var settings = new ForecastModelSettings { HiddenSize = 16 };
        var (windowed, _) = Forecaster.Train(ForecastSeries.FromTable(table, ["y"], ["y"], Options(12, 30)), settings, Options(12, 30));
        var (global, _) = Forecaster.Train(ForecastSeries.FromTable(table, ["y"], ["y"], Options(12, 30) with { Normalize = ForecastNormalization.Global }),
            settings, Options(12, 30) with { Normalize = ForecastNormalization.Global });
        Assert.Equal(ForecastNormalization.Window, windowed.Spec.Normalize);

        // History at t = 10,000 (values near 20,000; training saw at most 403): continue 20 steps.
        double[] history = Enumerable.Range(10_000, 12).Select(t => 5 + 2.0 * t).ToArray();
        double Mae(Forecaster f) => f.Continue(history, 12, 20).Select((p, k) => Math.Abs(p - (5 + 2.0 * (10_012 + k)))).Average();
        double windowedMae = Mae(windowed), globalMae = Mae(global);
        log.WriteLine($"20-step MAE at t = 10,000: per-window {windowedMae:G4}, global {globalMae:G4}");
        Assert.True(windowedMae < 0.5, $"per-window scaling extrapolates the line: MAE {windowedMae} on values near 20,000");
        Assert.True(globalMae > 1000, $"global standardisation cannot leave its training range: MAE {globalMae}");
    }

    [Fact]
    public void QuantilesCoverFreshNoiseOfKnownSpreadAtTheirLevels()
    {
        // A 20-step cycle with N(0, 1) noise: the true 0.1 and 0.9 quantiles are the cycle ± 1.2816.
        double Cycle(int t) => 10 * Math.Sin(2 * Math.PI * t / 20);
        var rng = new Random(11);
        var train = Table("noisy.csv", "t,y", Enumerable.Range(0, 2000).Select(t => $"{t},{F(Cycle(t) + Gaussian(rng))}"));
        var options = Options(20, 12, lr: 0.005) with { Normalize = ForecastNormalization.Global, Quantiles = [0.1, 0.5, 0.9] };
        var (forecaster, _) = Forecaster.Train(ForecastSeries.FromTable(train, ["y"], ["y"], options), new ForecastModelSettings { HiddenSize = 24 }, options);
        Assert.Equal(3, forecaster.Spec.QuantileCount);
        Assert.Equal(1, forecaster.Spec.PointQuantile);

        var fresh = Table("fresh.csv", "t,y", Enumerable.Range(0, 1500).Select(t => $"{t},{F(Cycle(t) + Gaussian(rng))}"));
        var series = ForecastSeries.ForModel(fresh, forecaster.Spec);
        var e = ForecastEvaluation.Run(forecaster.Model, series, series.Validation);
        var coverage = e.Overall.QuantileCoverage!;
        log.WriteLine($"coverage {string.Join(", ", coverage.Select(c => c.ToString("F3")))}, inside {e.Overall.IntervalCoverage:F3}, MAE {e.Overall.Mae:F3}");
        Assert.InRange(coverage[0], 0.05, 0.15);
        Assert.InRange(coverage[1], 0.43, 0.57);
        Assert.InRange(coverage[2], 0.85, 0.95);
        Assert.InRange(e.Overall.IntervalCoverage!.Value, 0.72, 0.88);
        // The band is as wide as the noise: 2·1.2816 for N(0, 1).
        double[] window = Enumerable.Range(0, 20).Select(t => Cycle(t)).ToArray();
        double[] q = forecaster.PredictQuantiles(window, 1);
        Assert.InRange(q[2] - q[0], 2.0, 3.2);
        Assert.True(q[0] < q[1] && q[1] < q[2]);
    }

    [Fact]
    public void OneModelLearnsSeriesOfVeryDifferentSizesAndIsScoredPerSeries()
    {
        // Three series in long format, 10, 1,000 and 100,000 in size, each a noisy cycle with its own phase; and one too short.
        var rng = new Random(2);
        var rows = new List<string>();
        string[] ids = ["small", "medium", "large"];
        for (int s = 0; s < 3; s++)
            for (int t = 0; t < 160; t++)
                rows.Add($"{ids[s]},{t},{F(Math.Pow(100, s) * (10 + 3 * Math.Sin(2 * Math.PI * t / 12 + s) + 0.1 * Gaussian(rng)))}");
        for (int t = 0; t < 10; t++) rows.Add($"tiny,{t},{t}");
        var table = Table("many.csv", "id,t,sales", rows);
        var options = Options(24, 40);
        var data = new ForecastDataSpec { Path = table.Path, Targets = ["sales"], SeriesColumn = "id" };
        var series = ForecastSeries.FromTable(table, data, options);
        Assert.Equal(3, series.Segments.Count);
        Assert.Equal(["tiny"], series.SkippedSeries);
        Assert.Equal(3, series.Train.Select(w => w.Segment).Distinct().Count());
        Assert.Equal("id", series.Spec.SeriesColumn);
        Assert.Equal(12, series.Spec.Season);
        var (forecaster, _) = Forecaster.Train(series, new ForecastModelSettings { HiddenSize = 16 }, options);

        var e = ForecastEvaluation.Run(forecaster.Model, series, series.Validation);
        Assert.Equal(3, e.PerSeries.Count);
        foreach (var (segment, a) in e.PerSeries)
        {
            log.WriteLine($"{series.Segments[segment].Id}: MAE {a.Mae:G4}, naive {a.NaiveMae:G4}, MASE {a.Mase:G4}");
            Assert.True(a.Mae < a.NaiveMae / 2, $"{series.Segments[segment].Id}: MAE {a.Mae} against naive {a.NaiveMae}");
            // MASE: the MAE over the series' own in-sample seasonal-naive MAE (its training rows, season 12).
            var seg = series.Segments[segment];
            double inSample = Enumerable.Range(12, seg.Split - 12).Average(t => Math.Abs(seg.Targets[t] - seg.Targets[t - 12]));
            Assert.Equal(a.Mae / inSample, a.Mase, 9);
        }
        Assert.Equal(e.PerSeries.Average(p => p.Accuracy.Mase), e.Overall.Mase, 12);
        // The same model, read back from a file, finds the series in a file by the same column.
        var again = ForecastSeries.ForModel(table, forecaster.Spec, from: 140);
        Assert.Equal(["small", "medium", "large"], again.Segments.Select(s => s.Id));
        Assert.Equal(["tiny"], again.SkippedSeries);
        Assert.All(again.Validation, w => Assert.True(w.Start + 24 >= 140));
    }

    [Fact]
    public void CalendarAndKnownAheadFeaturesPredictWhatTheWindowCannotShow()
    {
        // Daily sales: weekends are high; on promotion days (known ahead) sales rise by 4. A 3-day window cannot
        // tell a Thursday from a Monday, nor see tomorrow's promotion.
        var rng = new Random(5);
        var start = new DateTime(2021, 1, 4);
        var rows = Enumerable.Range(0, 600).Select(t =>
        {
            var day = start.AddDays(t);
            int promo = rng.NextDouble() < 0.2 ? 1 : 0;
            double sales = 10 + (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 5 : 0) + 4 * promo + 0.1 * Gaussian(rng);
            return $"{day:yyyy-MM-dd},{promo},{F(sales)}";
        });
        var table = Table("daily.csv", "date,promo,sales", rows);
        var options = Options(3, 25) with { Normalize = ForecastNormalization.Global };
        var settings = new ForecastModelSettings { HiddenSize = 16 };
        double Mae(ForecastDataSpec data)
        {
            var series = ForecastSeries.FromTable(table, data, options);
            var (f, _) = Forecaster.Train(series, settings, options);
            return ForecastEvaluation.Run(f.Model, series, series.Validation).Overall.Mae;
        }
        var plain = new ForecastDataSpec { Path = table.Path, Targets = ["sales"] };
        double without = Mae(plain);
        double calendarOnly = Mae(plain with { TimeColumn = "date" });
        double both = Mae(plain with { TimeColumn = "date", Known = ["promo"] });
        log.WriteLine($"validation MAE: window only {without:G4}, + calendar {calendarOnly:G4}, + calendar and promotions {both:G4}");
        Assert.True(calendarOnly < without * 0.8, $"the weekday helps: {calendarOnly} against {without}");
        Assert.True(both < 0.5, $"with the weekday and the promotion, only the noise (σ 0.1) remains: MAE {both}");

        var spec = ForecastSeries.FromTable(table, plain with { TimeColumn = "date", Known = ["promo"] }, options).Spec;
        Assert.Equal(["weekday", "yearday"], spec.Calendar!.Features);
        Assert.Equal(1 + 1 + 4, spec.FeatureCount);   // sales, promo, 2 × (sin, cos)
        var clash = Assert.Throws<ArgumentException>(() => ForecastSeries.FromTable(table, plain with { Known = ["sales"] }, options));
        Assert.Contains("both known ahead and an input or target", clash.Message);
    }
}
