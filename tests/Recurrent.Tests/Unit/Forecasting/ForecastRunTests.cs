// ForecastRun continues exactly: a run of N updates and a run stopped after k updates, then resumed from its
// checkpoint on disk (series reread) to N, give bit-identical per-update losses, learning rates and gradient norms,
// final weights and optimizer moments; the resumed metrics.jsonl repeats no step; the checkpoints are ordinary
// forecasting model files. The schedule is cosine with warm-up (schedule position), evaluations happen between
// epoch ends (evaluation must not disturb training) and the epoch has a short last batch. A changed series is
// refused on resume, and bad data leaves no run directory behind.
using System.Globalization;
using System.Text.Json;
using Recurrent.Forecasting;
using Recurrent.Serialization;
using Recurrent.Tests.Data;
using Recurrent.Training;
using Recurrent.Training.Callbacks;
using Recurrent.Tests.Support;

namespace Recurrent.Tests.Forecasting;

public sealed class ForecastRunTests
{
    private const int TotalSteps = 32; // an evaluation step, so the run ends without an extra closing evaluation

    private static string Csv(int rows, double shift = 0) => "t,a,b\n" + string.Concat(Enumerable.Range(0, rows).Select(t =>
        string.Create(CultureInfo.InvariantCulture, $"{t},{Math.Sin(0.2 * t) + shift:R},{Math.Cos(0.05 * t) * 3 + 7:R}\n")));

    private static ForecastRunSpec Spec(string csv, long steps) => new()
    {
        Model = new ForecastModelSettings { HiddenSize = 12 },
        Training = new ForecastOptions
        {
            Window = 12, Horizon = 2, BatchSize = 16, ValidationFraction = 0.2, Seed = 5,
            Optimization = new OptimizationOptions { LearningRate = 0.01, Schedule = LearningRateScheduleKind.Cosine, WarmupSteps = 3, ScheduleSteps = TotalSteps },
            Fit = new FitOptions { Steps = steps, EvalEvery = 4, LogEvery = 3 },
        },
        Data = new ForecastDataSpec { Path = csv, Inputs = ["a", "b"], Targets = ["a"] },
    };


    [Theory]
    [InlineData(7)]  // mid-epoch, between evaluations
    [InlineData(8)]  // right after an evaluation
    [InlineData(10)] // at the epoch boundary (10 batches per epoch, the last of 3 windows)
    public void StopAndResumeGivesBitIdenticalLossesAndWeights(int stopAt)
    {
        using var dir = new TempDirectory();
        string csv = dir.File("series.csv", Csv(200));

        var full = ForecastRun.Start(Spec(csv, TotalSteps), Path.Combine(dir.Path, "full"));
        Assert.Equal(10, full.Loop.BatchesPerEpoch);
        Assert.Equal(147, full.TrainWindows);
        var fullSteps = ResumeAssert.Record(full.Loop);
        Assert.Equal(TotalSteps, full.Run().Step);

        string splitDir = Path.Combine(dir.Path, "split");
        var first = ForecastRun.Start(Spec(csv, stopAt), splitDir);
        var firstSteps = ResumeAssert.Record(first.Loop);
        first.Run();
        var second = ForecastRun.Resume(Path.Combine(splitDir, RunDirectory.LastFile), Spec(csv, TotalSteps).Training.Fit);
        Assert.Equal(stopAt, second.Loop.Step);
        var secondSteps = ResumeAssert.Record(second.Loop);
        second.Run();

        ResumeAssert.SameSteps(fullSteps, firstSteps.Concat(secondSteps).ToList(), TotalSteps);

        var a = ModelFile.Read(Path.Combine(dir.Path, "full", RunDirectory.LastFile));
        var b = ModelFile.Read(Path.Combine(splitDir, RunDirectory.LastFile));
        ResumeAssert.SameTensors(a.Parameters, b.Parameters);
        ResumeAssert.SameTensors(a.OptimizerState, b.OptimizerState);
        Assert.Equal(TotalSteps, b.OptimizerSteps);

        // metrics.jsonl: no step twice, and the lines of the uninterrupted run (besides the stopped run's closing line
        // at k), each evaluation with the errors in the series' units.
        long[] logged = LoggedSteps(splitDir), uninterrupted = LoggedSteps(Path.Combine(dir.Path, "full"));
        Assert.Equal(logged.Order().Distinct(), logged);
        Assert.Equal(uninterrupted.Where(s => s != stopAt), logged.Where(s => s != stopAt));
        Assert.Equal(TotalSteps, logged[^1]);

        // The checkpoint is an ordinary forecasting model file with the run's weights.
        var loaded = ForecastFile.Load(Path.Combine(splitDir, RunDirectory.LastFile));
        Assert.Equal(second.Forecaster.Spec.ToJson(), loaded.Spec.ToJson());
        Assert.Equal(second.Forecaster.Model.Parameters.Values, loaded.Model.Parameters.Values);
        Assert.Equal(["a", "b"], loaded.Spec.Inputs.Select(c => c.Name));
    }

    [Fact]
    public void ResumeRefusesAChangedSeries()
    {
        using var dir = new TempDirectory();
        string csv = dir.File("series.csv", Csv(200));
        ForecastRun.Start(Spec(csv, 3), Path.Combine(dir.Path, "run")).Run();
        dir.File("series.csv", Csv(200, shift: 0.5));
        var e = Assert.Throws<InvalidDataException>(() => ForecastRun.Resume(Path.Combine(dir.Path, "run", RunDirectory.LastFile)));
        Assert.Contains("is not the series the run", e.Message);
        Assert.Contains(csv, e.Message);
    }

    [Fact]
    public void BadDataLeavesNoRunDirectory()
    {
        using var dir = new TempDirectory();
        string csv = dir.File("series.csv", Csv(200));
        string runDir = Path.Combine(dir.Path, "never");
        var e = Assert.Throws<ArgumentException>(() => ForecastRun.Start(Spec(csv, 3) with { Data = new ForecastDataSpec { Path = csv, Targets = ["price"] } }, runDir));
        Assert.Contains("no column 'price'", e.Message);
        var tooShort = Assert.Throws<ArgumentException>(() => ForecastRun.Start(Spec(dir.File("short.csv", Csv(15)), 3), runDir));
        Assert.Contains("use a longer series", tooShort.Message);
        Assert.False(Directory.Exists(runDir));
    }

    private static long[] LoggedSteps(string runDir) => File.ReadAllLines(Path.Combine(runDir, RunDirectory.MetricsFile)).Select(line =>
    {
        using var json = JsonDocument.Parse(line);
        var o = json.RootElement;
        if (o.GetProperty("val_loss").ValueKind == JsonValueKind.Number)
            Assert.True(o.GetProperty("val_mae").GetDouble() > 0 && o.GetProperty("val_mse").GetDouble() > 0, line);
        return o.GetProperty("step").GetInt64();
    }).ToArray();

}
