// `rnn train --average-weights ema[:DECAY]|polyak[:START]|nt[:N]` through the real tool: a language model with
// NT-ASGD (plain SGD, nt:0) shows the averaging in its header, says when it triggers, marks the later evaluation lines
// of metrics.jsonl with averaged_from, stores the setting in the run spec and the trigger in the fit state, keeps
// both on --resume (and refuses the flag there); a forecaster takes the flag the same way (the shared optimisation
// flags); bad values are refused with one `rnn:` line naming the flag, before anything is written.
using System.Globalization;
using System.Text.RegularExpressions;
using Recurrent.Serialization;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

public sealed class AverageWeightsCliTests
{
    private static FitState State(string run) => FitState.FromJson(ModelFile.Read(Path.Combine(run, RunDirectory.LastFile)).Training!, "last");

    private static string? Stored(string run, string options = "options") =>
        State(run).Run![options]!["optimization"]!["average_weights"]?.ToJsonString();

    [Fact]
    public void LanguageModelWithNtAsgdTriggersStoresAndResumes()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        string run = Path.Combine(dir.Path, "run");
        var r = TinyTraining.Train(corpus, run, "--optimizer", "sgd", "--lr", "4", "--average-weights", "nt:0",
            "--steps", "40", "--eval-every", "2", "--sample-every", "0");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("averaged weights: NT-ASGD average of the weights (starts when the monitored metric is worse than the best of all evaluations before); not triggered yet;", r.Stdout);
        var trigger = Regex.Match(r.Stdout, @"NT-ASGD: val_loss \S+ at step (\d+) is worse than the best of all evaluations before; averaging the weights from update (\d+) on");
        Assert.True(trigger.Success, r.Stdout);
        long at = long.Parse(trigger.Groups[1].Value, CultureInfo.InvariantCulture), from = long.Parse(trigger.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.Equal(at + 1, from);
        Assert.True(from < 40, r.Stdout);
        Assert.Equal("""{"kind":"NonMonotone","decay":0.999,"start":1,"interval":0}""", Stored(run));
        Assert.Equal(from, State(run).Averaging!.Start);

        var evaluations = MetricsLog.Read(Path.Combine(run, RunDirectory.MetricsFile)).Where(m => m.ValidationLoss is not null).ToList();
        Assert.All(evaluations, m => Assert.Equal(m.Step >= from ? from : null, m.AveragedFrom));

        var changed = CliRunner.Run("train", "--resume", run, "--average-weights", "ema");
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("--average-weights cannot be used with --resume", changed.Stderr);

        var resumed = CliRunner.Run("train", "--resume", run, "--steps", "44");
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        Assert.Contains($"; triggered: averaging since update {from};", resumed.Stdout);
        Assert.Contains("stopped at step 44", resumed.Stdout);
        Assert.Equal("""{"kind":"NonMonotone","decay":0.999,"start":1,"interval":0}""", Stored(run));
        Assert.Equal(from, State(run).Averaging!.Start);
        Assert.Equal(44, MetricsLog.Read(Path.Combine(run, RunDirectory.MetricsFile))[^1].Step);
        Assert.Equal(from, MetricsLog.Read(Path.Combine(run, RunDirectory.MetricsFile))[^1].AveragedFrom);

        // Off by default: nothing stored, no header line.
        string plain = Path.Combine(dir.Path, "plain");
        var p = TinyTraining.Train(corpus, plain, "--steps", "2", "--sample-every", "0");
        Assert.True(p.ExitCode == 0, p.Stdout + p.Stderr);
        Assert.DoesNotContain("averaged weights", p.Stdout);
        Assert.Null(Stored(plain));
        Assert.Null(State(plain).Averaging);
    }

    [Fact]
    public void ForecastTakesTheFlagToo()
    {
        using var dir = new TempDirectory();
        string csv = dir.File("series.csv", "t,value\n" + string.Concat(Enumerable.Range(0, 120).Select(t =>
            string.Create(CultureInfo.InvariantCulture, $"{t},{10 + 3 * Math.Sin(0.25 * t):R}\n"))));
        string run = Path.Combine(dir.Path, "run");
        var r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--window", "12", "--horizon", "2", "--hidden", "8", "--batch", "16",
            "--steps", "12", "--eval-every", "4", "--average-weights", "polyak:3", "--run-dir", run);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("averaged weights: Polyak average of the weights from update 3;", r.Stdout);
        Assert.Equal("""{"kind":"Polyak","decay":0.999,"start":3,"interval":5}""", Stored(run, "training"));
        var evaluations = MetricsLog.Read(Path.Combine(run, RunDirectory.MetricsFile)).Where(m => m.ValidationLoss is not null).ToList();
        Assert.Equal([4L, 8L, 12L], evaluations.Select(m => m.Step));
        Assert.All(evaluations, m => Assert.Equal(3L, m.AveragedFrom));
        // best.safetensors is a forecasting model file whose weights are the average.
        var best = ModelFile.Read(Path.Combine(run, RunDirectory.BestFile));
        Assert.Equal(best.OptimizerState.Single(t => t.Name == AveragingOptimizer.AverageStateName).Data, best.Parameters.SelectMany(t => t.Data));
    }

    [Theory]
    [InlineData("ema:2", "rnn: --average-weights decay must be in (0, 1), got 2.")]
    [InlineData("polyak:0", "rnn: --average-weights start must be an update number >= 1, got 0.")]
    [InlineData("swa", "rnn: --average-weights 'swa' is not ema[:DECAY] (0 < DECAY < 1), polyak[:START] (an update number >= 1) or nt[:N] (N >= 0).")]
    public void BadValuesAreRefusedWithOneLine(string value, string message)
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        var r = TinyTraining.Train(corpus, Path.Combine(dir.Path, "run"), "--average-weights", value, "--steps", "2");
        Assert.True(r.ExitCode == 2, r.Stdout + r.Stderr);
        Assert.Equal(message, r.Stderr.Trim());
        Assert.False(File.Exists(Path.Combine(dir.Path, "run", RunDirectory.LastFile)));
    }
}
