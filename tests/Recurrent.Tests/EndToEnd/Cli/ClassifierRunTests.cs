// What every kind of model now gets from the one fit loop, shown on classifiers and taggers through the real tool:
// a divergent learning rate is caught (steps skipped, the run stops with one message, the checkpoint on disk stays
// finite and loadable); metrics.jsonl carries validation accuracy and entity F1; `rnn report` and `rnn plot` work on
// the run; budgets and --resume behave as for language models; the help and flag refusals.
using System.Text.Json;
using Recurrent.Classification;
using Recurrent.Serialization;
using Recurrent.Tagging;
using Recurrent.Tests.Data;
using Recurrent.Tests.Supervised;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

public sealed class ClassifierRunTests
{
    private static string[] Train(string data, string run, params string[] more) =>
        ["train", "--task", "classify", "--data", data, "--run-dir", run, "--hidden", "12", "--embedding", "8", .. more];

    [Theory]
    [InlineData("1e6")]
    [InlineData("1e30")]
    public void AHugeLearningRateIsCaught_TheRunStopsWithOneMessage_AndTheModelOnDiskStaysFiniteAndLoadable(string lr)
    {
        using var dir = new TempDirectory();
        string data = dir.File("train.tsv", TaskSynthetic.Tsv(200, 31));
        string run = Path.Combine(dir.Path, "run");
        var r = CliRunner.Run(Train(data, run, "--lr", lr, "--epochs", "20", "--max-bad-steps", "4", "--checkpoint-every", "2"));
        Assert.Equal(2, r.ExitCode);
        string[] errors = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string message = Assert.Single(errors, l => l.StartsWith("rnn: Training stopped", StringComparison.Ordinal));
        Assert.Contains("4 steps in a row", message);
        Assert.Contains("--max-bad-steps", message);
        Assert.Contains(Path.Combine(run, RunDirectory.LastFile), message);
        Assert.Contains(errors, l => l.StartsWith("rnn: warning: skipped a batch", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", r.Stderr);
        // The last checkpoint on disk is an ordinary, finite model: the classifier loads and predicts from it.
        var classifier = SequenceClassifier.Load(Path.Combine(run, RunDirectory.LastFile));
        Assert.All(classifier.Model.Parameters.Values, v => Assert.True(float.IsFinite(v)));
        var records = ClassificationData.Read(data, ClassificationFormat.Tsv, requireLabels: true);
        Assert.All(classifier.Predict(records.Take(5).ToList()), p => Assert.True(p.Probabilities.All(float.IsFinite)));
        // Skipped steps were counted in the metrics log.
        Assert.True(MetricsLog.Read(Path.Combine(run, RunDirectory.MetricsFile)).Max(m => m.SkippedSteps) >= 1);
    }

    [Fact]
    public void MetricsCarryValidationAccuracy_AndReportAndPlotWorkOnTheRun()
    {
        using var dir = new TempDirectory();
        string data = dir.File("train.tsv", TaskSynthetic.Tsv(240, 32));
        string run = Path.Combine(dir.Path, "run");
        var r = CliRunner.Run(Train(data, run, "--epochs", "4", "--lr", "0.01", "--log-every", "5"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        var records = MetricsLog.Read(Path.Combine(run, RunDirectory.MetricsFile));
        var evaluations = records.Where(m => m.ValidationLoss is not null).ToList();
        Assert.Equal(4, evaluations.Count); // one per epoch
        Assert.All(evaluations, m => Assert.Contains(m.Validation!, v => v.Key == "val_accuracy" && v.Value is >= 0 and <= 1));
        Assert.Contains(records, m => m.ValidationLoss is null); // the lines between evaluations
        Assert.True(File.Exists(Path.Combine(run, "loss.png")));

        var plot = CliRunner.Run("plot", run);
        Assert.True(plot.ExitCode == 0, plot.Stderr);
        var report = CliRunner.Run("report", run);
        Assert.True(report.ExitCode == 0, report.Stderr);
        string html = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("val_accuracy", html);
        Assert.Contains("<th>kind</th><td>classify</td>", html);
    }

    [Fact]
    public void TaggerMetricsCarryEntityF1()
    {
        using var dir = new TempDirectory();
        string data = dir.File("train.conll", TaskSynthetic.Conll(160, 33));
        string run = Path.Combine(dir.Path, "run");
        var r = CliRunner.Run("train", "--task", "tag", "--data", data, "--run-dir", run, "--hidden", "12", "--embedding", "8", "--epochs", "3", "--quiet");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var evaluations = MetricsLog.Read(Path.Combine(run, RunDirectory.MetricsFile)).Where(m => m.ValidationLoss is not null).ToList();
        Assert.Equal(3, evaluations.Count);
        Assert.All(evaluations, m => Assert.Contains(m.Validation!, v => v.Key == "val_entity_f1" && v.Value is >= 0 and <= 1));
        Assert.Contains("val_entity_f1", r.Stdout);
        Assert.NotNull(SequenceTagger.Load(Path.Combine(run, RunDirectory.BestFile)));
    }

    [Fact]
    public void StepAndTimeBudgets_OptimizerFlags_AndResumeWithALargerBudget()
    {
        using var dir = new TempDirectory();
        string data = dir.File("train.tsv", TaskSynthetic.Tsv(200, 34));
        string run = Path.Combine(dir.Path, "run");
        var r = CliRunner.Run(Train(data, run, "--steps", "7", "--time", "10m", "--optimizer", "rmsprop", "--lr", "0.003", "--lr-schedule", "cosine", "--warmup", "2", "--weight-decay", "1e-4", "--clip-value", "1"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("stopped at step 7", r.Stdout);
        Assert.Contains("RmsProp lr 0.003 (Cosine)", r.Stdout);
        var state = FitState.FromJson(ModelFile.Read(Path.Combine(run, RunDirectory.LastFile)).Training!, "last");
        Assert.Equal(7, state.Step);
        Assert.Equal("classify", state.Run!["kind"]!.GetValue<string>());
        Assert.Equal("RmsProp", state.Run!["training"]!["optimization"]!["optimizer"]!.GetValue<string>());

        var resumed = CliRunner.Run("train", "--resume", run, "--steps", "12", "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("stopped at step 12", resumed.Stdout);
        var steps = MetricsLog.Read(Path.Combine(run, RunDirectory.MetricsFile)).Select(m => m.Step).ToList();
        Assert.Equal(steps.Distinct().Order(), steps); // no step logged twice

        var changed = CliRunner.Run("train", "--resume", run, "--hidden", "5");
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("--hidden cannot be used with --resume", changed.Stderr);
        var wrongTask = CliRunner.Run("train", "--resume", run, "--task", "tag");
        Assert.Equal(2, wrongTask.ExitCode);
        Assert.Contains("is a run of --task classify", wrongTask.Stderr);
    }

    [Fact]
    public void AModelTooLargeForThisMachineIsRefusedBeforeAllocating()
    {
        using var dir = new TempDirectory();
        string data = dir.File("train.tsv", TaskSynthetic.Tsv(40, 35));
        foreach (string hidden in new[] { "100000", "20000" })
        {
            var r = CliRunner.Run("train", "--task", "classify", "--data", data, "--run-dir", Path.Combine(dir.Path, "run" + hidden), "--hidden", hidden);
            Assert.Equal(2, r.ExitCode);
            Assert.StartsWith("rnn: ", r.Stderr);
            Assert.Contains("GB", r.Stderr);
            Assert.DoesNotContain("OverflowException", r.Stderr);
            Assert.False(File.Exists(Path.Combine(dir.Path, "run" + hidden, RunDirectory.LastFile)));
        }
    }

    [Fact]
    public void InitFromStartsFromATrainedClassifiersWeightsLabelsAndVocabulary()
    {
        using var dir = new TempDirectory();
        string data = dir.File("train.tsv", TaskSynthetic.Tsv(240, 36));
        string first = Path.Combine(dir.Path, "first"), tuned = Path.Combine(dir.Path, "tuned"), fresh = Path.Combine(dir.Path, "fresh");
        Assert.Equal(0, CliRunner.Run(Train(data, first, "--epochs", "6", "--lr", "0.01", "--quiet")).ExitCode);
        var r = CliRunner.Run("train", "--task", "classify", "--data", data, "--run-dir", tuned, "--init-from", first, "--steps", "3", "--log-every", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("fine-tuning from", r.Stdout);
        Assert.Equal(0, CliRunner.Run(Train(data, fresh, "--steps", "3", "--log-every", "1", "--quiet")).ExitCode);
        double FirstLoss(string run) => MetricsLog.Read(Path.Combine(run, RunDirectory.MetricsFile)).First().TrainLoss!.Value;
        Assert.True(FirstLoss(tuned) < FirstLoss(fresh) / 3, $"fine-tuned first loss {FirstLoss(tuned)}, fresh {FirstLoss(fresh)}");
        var a = SequenceClassifier.Load(Path.Combine(first, RunDirectory.BestFile));
        var b = SequenceClassifier.Load(Path.Combine(tuned, RunDirectory.LastFile));
        Assert.Equal(a.Labels.Names, b.Labels.Names);
        Assert.Equal(a.Encoder!.ToJson(), b.Encoder!.ToJson());

        var refused = CliRunner.Run("train", "--task", "classify", "--data", data, "--run-dir", Path.Combine(dir.Path, "x"), "--init-from", first, "--hidden", "5");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--hidden cannot be used with --init-from", refused.Stderr);
    }
}
