// LearningRateFinderTests: the range test's rules on synthetic curves — fastai's debiased smoothing (a constant loss
// stays constant from the first point; two points by hand), the steepest descent found where a curve falls fastest
// against log(lr), minimum/10 when the loss never falls, the stop when the smoothed loss passes 4× its minimum or is
// not finite — and the finder on a real language-model run: it trains a fresh model through the fit loop (the
// caller's model is untouched), with the sweep's rates, and refuses a loop not built from the sweep's options.
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Schedules;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;
using Recurrent.Training;

namespace Recurrent.Tests.Training;

public sealed class LearningRateFinderTests
{
    private static IEnumerable<(double, double)> Curve(int n, double start, double end, Func<double, double> lossOfLog10Lr)
    {
        var schedule = new ExponentialRangeSchedule(start, end, n);
        for (int i = 0; i < n; i++)
        {
            double lr = schedule.At(i, 0);
            yield return (lr, lossOfLog10Lr(Math.Log10(lr)));
        }
    }

    [Fact]
    public void SmoothingIsFastaisDebiasedMovingAverage()
    {
        var constant = LearningRateFinder.Analyze(Curve(50, 1e-6, 1, _ => 3.5));
        Assert.All(constant.Points, p => Assert.Equal(3.5, p.SmoothedLoss, 1e-12)); // the debiasing removes the zero start
        var two = LearningRateFinder.Analyze([(1e-3, 2.0), (1e-2, 1.0)]);
        Assert.Equal(2.0, two.Points[0].SmoothedLoss, 1e-12);
        // avg = 0.98·(0.02·2) + 0.02·1 = 0.0592; debiased by 1 − 0.98² = 0.0396
        Assert.Equal(0.0592 / 0.0396, two.Points[1].SmoothedLoss, 1e-12);
        Assert.Equal(LearningRateFinderStop.Completed, two.Stop);
    }

    [Fact]
    public void SteepestDescentIsWhereTheLossFallsFastest()
    {
        // loss = 2 − tanh(2·(log10 lr + 3)): falls fastest at lr = 1e-3. Unsmoothed (β = 0), the steepest segment
        // is the one whose ends straddle 1e-3, and the rule names its lower end.
        var options = new LearningRateFinderOptions { Smoothing = 0, Steps = 101 };
        var result = LearningRateFinder.Analyze(Curve(101, 1e-7, 10, x => 2 - Math.Tanh(2 * (x + 3))), options);
        Assert.Equal(LearningRateFinderStop.Completed, result.Stop);
        Assert.Equal(101, result.Points.Count);
        Assert.NotNull(result.Steepest);
        double ratio = Math.Pow(1e8, 1.0 / 100);
        Assert.InRange(result.Steepest!.Value, 1e-3 / ratio * 0.999, 1e-3 * 1.001);
        Assert.Equal(result.MinimumOverTen, result.Suggested);
        Assert.Contains("minimum", result.Rule);
        // The minimum of this curve is at its end (within the points the rule reads: the last 5 are left out).
        Assert.Equal(result.Points[^(LearningRateFinder.SkipEnd + 1)].LearningRate / 10, result.MinimumOverTen!.Value, 1e-12);
    }

    [Fact]
    public void SmoothingMovesTheSteepestPointLaterButKeepsItNearTheDrop()
    {
        var result = LearningRateFinder.Analyze(Curve(200, 1e-7, 10, x => 2 - Math.Tanh(2 * (x + 3))), new LearningRateFinderOptions { Steps = 200 });
        Assert.InRange(result.Steepest!.Value, 1e-3, 1e-1); // the moving average lags the raw curve
    }

    [Fact]
    public void StopsWhenTheSmoothedLossPassesFourTimesItsMinimum()
    {
        // Falls to 0.5 around 1e-3, then grows a hundredfold per decade: the sweep must stop before the end.
        var result = LearningRateFinder.Analyze(Curve(100, 1e-7, 10, x => x < -3 ? 1 - 0.5 * (x + 7) / 4 : 0.5 * Math.Pow(100, x + 3)));
        Assert.Equal(LearningRateFinderStop.Diverged, result.Stop);
        Assert.True(result.Points.Count < 100);
        double min = result.Points.Take(result.Points.Count - 1).Min(p => p.SmoothedLoss);
        Assert.True(result.Points[^1].SmoothedLoss > 4 * min);
        Assert.True(result.Suggested < result.Points[^1].LearningRate);
    }

    [Fact]
    public void StopsAtANonFiniteLoss()
    {
        var curve = Curve(40, 1e-5, 1, x => 2 + x / 10).Select((p, i) => i == 30 ? (p.Item1, double.NaN) : p).ToList();
        var result = LearningRateFinder.Analyze(curve);
        Assert.Equal(LearningRateFinderStop.NotFinite, result.Stop);
        Assert.Equal(31, result.Points.Count);
        Assert.True(double.IsNaN(result.Points[^1].SmoothedLoss));
    }

    [Fact]
    public void WhenTheLossNeverFallsTheSuggestionIsTheMinimumOverTen()
    {
        var result = LearningRateFinder.Analyze(Curve(60, 1e-4, 1, x => 2 + 0.01 * (x + 4)), new LearningRateFinderOptions { Steps = 60 });
        Assert.Equal(LearningRateFinderStop.Completed, result.Stop);
        Assert.Equal(result.MinimumOverTen, result.Suggested);
        Assert.Contains("minimum", result.Rule);
        Assert.Equal(result.Points[60 / 10].LearningRate / 10, result.Suggested!.Value, 1e-12); // the first point the rule reads
        Assert.Null(LearningRateFinder.Analyze([]).Suggested);
    }

    [Fact]
    public void OptionsAreChecked()
    {
        Assert.Equal("StartLearningRate", Assert.Throws<ArgumentException>(() => new LearningRateFinderOptions { StartLearningRate = 0 }.Validate()).ParamName);
        Assert.Equal("EndLearningRate", Assert.Throws<ArgumentException>(() => new LearningRateFinderOptions { EndLearningRate = 1e-8 }.Validate()).ParamName);
        Assert.Equal("Steps", Assert.Throws<ArgumentException>(() => new LearningRateFinderOptions { Steps = 1 }.Validate()).ParamName);
        Assert.Equal("Smoothing", Assert.Throws<ArgumentException>(() => new LearningRateFinderOptions { Smoothing = 1 }.Validate()).ParamName);
        Assert.Equal("DivergenceFactor", Assert.Throws<ArgumentException>(() => new LearningRateFinderOptions { DivergenceFactor = 1 }.Validate()).ParamName);
        var sweep = LearningRateFinder.SweepOptimization(new OptimizationOptions(), new LearningRateFinderOptions());
        Assert.Equal(LearningRateScheduleKind.RangeTest, sweep.Schedule);
        Assert.Throws<ArgumentException>(() => (sweep with { RangeEndLearningRate = null }).Validate());
        Assert.Throws<ArgumentException>(() => (sweep with { ScheduleSteps = 1 }).Validate());
    }

    [Fact]
    public void TrainsAFreshLanguageModelAndLeavesTheCallersModelAlone()
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000))] };
        using var data = spec.Load();
        var options = LanguageModelTestSupport.TinyOptions(20) with { SampleEvery = 0 };
        var caller = LanguageModelRun.Start(options, data, Path.Combine(dir.Path, "caller"), spec);
        caller.Run();
        float[] before = caller.Model.Parameters.Values.ToArray();

        var finder = new LearningRateFinderOptions { StartLearningRate = 1e-5, EndLearningRate = 10, Steps = 60 };
        LanguageModelRun? swept = null;
        var result = LearningRateFinder.Run((optimization, fit) =>
        {
            swept = LanguageModelRun.Start(options with { Optimization = optimization, Fit = fit }, data, Path.Combine(dir.Path, "sweep"), spec);
            return swept.Loop;
        }, options.Optimization, finder);

        Assert.Equal(before, caller.Model.Parameters.Values.ToArray());
        Assert.NotSame(caller.Model, swept!.Model);
        Assert.Equal(OptimizerKind.Adam, swept.Options.Optimization.Optimizer); // the run's own optimizer and clipping
        Assert.Equal(options.Optimization.ClipNorm, swept.Options.Optimization.ClipNorm);
        Assert.InRange(result.Points.Count, 10, 60);
        var schedule = new ExponentialRangeSchedule(1e-5, 10, 60);
        for (int i = 0; i < result.Points.Count; i++)
        {
            Assert.Equal(i + 1, result.Points[i].Step);
            Assert.Equal(schedule.At(i, 0), result.Points[i].LearningRate, 1e-12);
        }
        Assert.True(result.Points.Min(p => p.Loss) < result.Points[0].Loss); // it learned something on the way
        Assert.NotNull(result.Suggested);
        Assert.InRange(result.Suggested!.Value, 1e-5, 10);
        Assert.True(result.Stop is LearningRateFinderStop.Completed or LearningRateFinderStop.Diverged or LearningRateFinderStop.NotFinite);
        if (result.Stop == LearningRateFinderStop.Completed) Assert.Equal(60, result.Points.Count);
    }

    [Fact]
    public void RefusesALoopNotBuiltFromTheSweepsOptions()
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(2000))] };
        using var data = spec.Load();
        var options = LanguageModelTestSupport.TinyOptions(20) with { SampleEvery = 0 };
        var e = Assert.Throws<ArgumentException>(() => LearningRateFinder.Run((_, fit) =>
            LanguageModelRun.Start(options with { Fit = fit }, data, Path.Combine(dir.Path, "run"), spec).Loop, options.Optimization));
        Assert.Contains("sweep", e.Message);
    }
}
