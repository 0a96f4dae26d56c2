// `rnn train --task forecast`, `rnn predict`, `rnn eval`, `rnn report` and `rnn plot` on a CSV made here: the
// printed MSE/MAE are recomputed from the written predictions (predict) and from the model's window predictions
// (eval), the plot is a PNG, metrics.jsonl carries the validation MAE. `--resume` continues a run to bit-identical
// weights and optimizer moments and refuses settings that would change it; a diverging run (a huge --lr) skips its
// steps, stops with exit code 2 naming --max-bad-steps and leaves a finite, loadable checkpoint; a model too large
// for the machine and other misuse give one clear line with exit code 2.
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Recurrent.Forecasting;
using Recurrent.Serialization;

namespace Recurrent.Tests.Cli;

public sealed class ForecastCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("forecast-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static double Value(int t) => 10 + 3 * Math.Sin(0.25 * t) + Math.Sin(0.07 * t);

    private string Series(int rows)
    {
        string csv = Path.Combine(_dir, "series.csv");
        File.WriteAllText(csv, "t,value\n" + string.Concat(Enumerable.Range(0, rows).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t},{Value(t):R}\n"))));
        return csv;
    }

    [Fact]
    public void TrainPredictEvalReportAndPlot()
    {
        const int Rows = 260;
        string csv = Series(Rows);
        string run = Path.Combine(_dir, "run");

        var train = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--targets", "value", "--window", "24", "--horizon", "3",
            "--epochs", "25", "--hidden", "24", "--run-dir", run, "--quiet");
        Assert.True(train.ExitCode == 0, train.Stdout + train.Stderr);
        Assert.Matches(@"epoch budget \(25\) reached", train.Stdout);
        Assert.Matches(@"validation val_loss \S+, val_mse \S+, val_mae \S+, val_mase \S+ \(best val_loss", train.Stdout);
        Assert.True(File.Exists(Path.Combine(run, "best.safetensors")));
        foreach (string name in new[] { "last.safetensors", "metrics.jsonl", "loss.png", "loss.svg" }) Assert.True(File.Exists(Path.Combine(run, name)), name);
        // Every evaluation line of metrics.jsonl carries the errors in the series' units; one evaluation per epoch.
        int evaluations = 0;
        foreach (string line in File.ReadAllLines(Path.Combine(run, "metrics.jsonl")))
        {
            using var metrics = JsonDocument.Parse(line);
            if (metrics.RootElement.GetProperty("val_loss").ValueKind != JsonValueKind.Number) continue;
            evaluations++;
            Assert.True(metrics.RootElement.GetProperty("val_mae").GetDouble() > 0, line);
            Assert.True(metrics.RootElement.GetProperty("val_mse").GetDouble() > 0, line);
        }
        Assert.Equal(25, evaluations);
        var report = CliRunner.Run("report", run);
        Assert.True(report.ExitCode == 0, report.Stdout + report.Stderr);
        string html = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("forecast", html);      // the run description's kind, from the checkpoint
        Assert.Contains("chart-loss", html);
        Assert.Contains("loss on scaled values (MSE, or pinball)", html);   // the loss axis names what a forecaster minimises
        File.Delete(Path.Combine(run, "loss.png"));
        var plot = CliRunner.Run("plot", run);
        Assert.True(plot.ExitCode == 0, plot.Stdout + plot.Stderr);
        Assert.True(new FileInfo(Path.Combine(run, "loss.png")).Length > 1000);

        string pred = Path.Combine(_dir, "pred.csv"), png = Path.Combine(_dir, "pred.png");
        var predict = CliRunner.Run("predict", run, "--input", csv, "--from", "200", "--steps", "30", "--output", pred, "--plot", png);
        Assert.True(predict.ExitCode == 0, predict.Stdout + predict.Stderr);
        var lines = File.ReadAllLines(pred);
        Assert.Equal("t,value", lines[0]);   // the file's time column (t = 0, 1, ...) goes on: row 201 has t = 200
        Assert.Equal(31, lines.Length);
        double[] p = lines.Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(Enumerable.Range(200, 30).Select(s => s.ToString(CultureInfo.InvariantCulture)), lines.Skip(1).Select(l => l.Split(',')[0]));
        double mse = Enumerable.Range(0, 30).Average(k => (p[k] - Value(200 + k)) * (p[k] - Value(200 + k)));
        double mae = Enumerable.Range(0, 30).Average(k => Math.Abs(p[k] - Value(200 + k)));
        var m = Regex.Match(predict.Stdout, @"rows 201\.\.230: MAE (\S+) \(MASE \S+\); naive MAE \S+, seasonal naive \(S=\d+\) MAE \S+; MSE (\S+) \(30 values");
        Assert.True(m.Success, predict.Stdout);
        Assert.Equal(mse, double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), mse * 1e-3);
        Assert.Equal(mae, double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), mae * 1e-3);
        Assert.True(mae < 0.6, $"continuation MAE {mae} (the series spans about 8 units)");
        byte[] image = File.ReadAllBytes(png);
        Assert.True(image.Length > 1000 && image[1] == (byte)'P' && image[2] == (byte)'N' && image[3] == (byte)'G');

        var eval = CliRunner.Run("eval", run, "--data", csv, "--json");
        Assert.True(eval.ExitCode == 0, eval.Stdout + eval.Stderr);
        using var json = JsonDocument.Parse(eval.Stdout);
        // Independently: every window's 3-step prediction against the series.
        // The windows start where the seasonal-naive baseline has a season of history (or at the first window).
        var model = ForecastFile.Load(Path.Combine(run, "best.safetensors"));
        int first = Math.Max(0, json.RootElement.GetProperty("season").GetInt32() - 24);
        int windows = Rows - 24 - 3 + 1 - first;
        Assert.Equal(windows, json.RootElement.GetProperty("windows").GetInt32());
        var input = new double[windows * 24];
        for (int i = 0; i < windows; i++) for (int t = 0; t < 24; t++) input[i * 24 + t] = Value(first + i + t);
        double[] all = model.PredictWindows(input, windows);
        double sq = 0, abs = 0;
        for (int i = 0; i < windows; i++)
            for (int k = 0; k < 3; k++) { double d = all[i * 3 + k] - Value(first + i + 24 + k); sq += d * d; abs += Math.Abs(d); }
        Assert.Equal(windows * 3, json.RootElement.GetProperty("values").GetInt32());
        Assert.Equal(sq / (windows * 3), json.RootElement.GetProperty("mse").GetDouble(), 1e-9);
        Assert.Equal(abs / (windows * 3), json.RootElement.GetProperty("mae").GetDouble(), 1e-9);
    }

    [Fact]
    public void ResumeContinuesToTheSameWeights()
    {
        string csv = Series(200);
        string[] args = ["train", "--task", "forecast", "--data", csv, "--window", "12", "--horizon", "2", "--hidden", "8", "--batch", "16",
            "--lr", "0.01", "--lr-schedule", "cosine", "--warmup", "3", "--eval-every", "4", "--checkpoint-every", "3", "--seed", "3", "--quiet"];
        string full = Path.Combine(_dir, "full"), split = Path.Combine(_dir, "split");
        // 32 updates end on an evaluation, so neither run ends with an extra closing evaluation line.
        var r = CliRunner.Run([.. args, "--steps", "32", "--run-dir", full]);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        r = CliRunner.Run([.. args, "--steps", "32", "--run-dir", split, "--time", "0.001s"]); // a time budget that ends the run almost at once
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("time budget", r.Stdout);

        r = CliRunner.Run("train", "--resume", split, "--hidden", "9");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--hidden cannot be used with --resume", r.Stderr);
        r = CliRunner.Run("train", "--resume", split, "--steps", "11", "--quiet");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        r = CliRunner.Run("train", "--resume", split, "--task", "forecast", "--steps", "32");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("resuming at step 11", r.Stdout);
        Assert.Contains("step budget (32) reached", r.Stdout);

        var a = ModelFile.Read(Path.Combine(full, "last.safetensors"));
        var b = ModelFile.Read(Path.Combine(split, "last.safetensors"));
        Assert.Equal(32, b.OptimizerSteps);
        foreach (var (x, y) in a.Parameters.Concat(a.OptimizerState).Zip(b.Parameters.Concat(b.OptimizerState)))
        {
            Assert.Equal(x.Name, y.Name);
            Assert.True(x.Data.Select(BitConverter.SingleToInt32Bits).SequenceEqual(y.Data.Select(BitConverter.SingleToInt32Bits)), x.Name);
        }
        long[] steps = File.ReadAllLines(Path.Combine(split, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt64()).ToArray();
        Assert.Equal(steps.Order().Distinct(), steps);
        Assert.Equal(32, steps[^1]);
    }

    [Fact]
    public void DivergingRunStopsWithExitCode2AndAFiniteCheckpoint()
    {
        string csv = Series(200);
        string run = Path.Combine(_dir, "diverged");
        var r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--window", "12", "--hidden", "8", "--lr", "1e6", "--max-bad-steps", "4",
            "--run-dir", run, "--quiet");
        Assert.Equal(2, r.ExitCode);
        string error = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("rnn: Training stopped after 4 steps in a row", error);
        Assert.Contains("--max-bad-steps", error);
        var model = ForecastFile.Load(Path.Combine(run, "last.safetensors"));
        Assert.All(model.Model.Parameters.Values, v => Assert.True(float.IsFinite(v)));
        Assert.All(model.PredictWindows(Enumerable.Range(0, 12).Select(t => Value(t)).ToArray(), 1), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void ATooLargeModelIsRefusedBeforeAnythingIsWritten()
    {
        string csv = Series(100);
        string run = Path.Combine(_dir, "huge");
        var r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--window", "12", "--hidden", "1000000", "--run-dir", run);
        Assert.Equal(2, r.ExitCode);
        string error = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("HiddenSize 1,000,000", error);
        Assert.Contains("of memory available", error);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void MisuseGivesOneClearLine()
    {
        string csv = Path.Combine(_dir, "s.csv");
        File.WriteAllText(csv, string.Concat(Enumerable.Range(0, 60).Select(t => string.Create(CultureInfo.InvariantCulture, $"{Value(t):R}\n"))));
        var r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--window", "0", "--run-dir", Path.Combine(_dir, "a"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--window must be positive, got 0", r.Stderr);
        r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--targets", "price", "--run-dir", Path.Combine(_dir, "b"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("has no column 'price'", r.Stderr);
        r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--tokenizer", "word", "--run-dir", Path.Combine(_dir, "c"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--tokenizer does not apply to --task forecast", r.Stderr);
        r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--sample-every", "5", "--run-dir", Path.Combine(_dir, "c"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--sample-every does not apply to --task forecast", r.Stderr);
        r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--val-fraction", "0", "--run-dir", Path.Combine(_dir, "c"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--val-fraction must be in (0, 1), got 0", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "c")));
        r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--window", "8", "--epochs", "1", "--run-dir", Path.Combine(_dir, "ok"), "--quiet");
        Assert.True(r.ExitCode == 0, r.Stderr);
        r = CliRunner.Run("predict", Path.Combine(_dir, "ok"), "--input", csv, "--steps", "5", "--beam", "3");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--beam does not apply to a forecast model", r.Stderr);
        r = CliRunner.Run("predict", Path.Combine(_dir, "ok"), "--input", csv, "--steps", "5", "--from", "3");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--from must be in 8..60", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void InitFromStartsFromATrainedForecastersWeightsAndStandardisation()
    {
        string csv = Series(260);
        string first = Path.Combine(_dir, "first"), tuned = Path.Combine(_dir, "tuned"), fresh = Path.Combine(_dir, "fresh");
        Assert.Equal(0, CliRunner.Run("train", "--task", "forecast", "--data", csv, "--targets", "value", "--window", "16", "--epochs", "20",
            "--hidden", "16", "--run-dir", first, "--quiet").ExitCode);
        var r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--init-from", first, "--steps", "2", "--log-every", "1", "--run-dir", tuned);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Equal(0, CliRunner.Run("train", "--task", "forecast", "--data", csv, "--targets", "value", "--window", "16", "--hidden", "16",
            "--steps", "2", "--log-every", "1", "--run-dir", fresh, "--quiet").ExitCode);
        double FirstLoss(string run) => Recurrent.Training.MetricsLog.Read(Path.Combine(run, "metrics.jsonl")).First().TrainLoss!.Value;
        Assert.True(FirstLoss(tuned) < FirstLoss(fresh) / 3, $"fine-tuned first loss {FirstLoss(tuned)}, fresh {FirstLoss(fresh)}");
        var a = ForecastFile.Load(Path.Combine(first, "best.safetensors"));
        var b = ForecastFile.Load(Path.Combine(tuned, "last.safetensors"));
        Assert.Equal(a.Spec.ToJson(), b.Spec.ToJson()); // the same columns, window, horizon and standardisation

        // Resuming a fine-tuned run keeps the loaded standardisation (the series is not refused as changed).
        var resumed = CliRunner.Run("train", "--resume", tuned, "--steps", "4", "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        var refused = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--init-from", first, "--window", "8", "--run-dir", Path.Combine(_dir, "z"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--window cannot be used with --init-from", refused.Stderr);
    }
}
