// `rnn train --task seq2seq`, `rnn predict` (greedy and beam) and `rnn eval` on a TSV made here (reverse a
// word): eval's printed sequence and per-token accuracies equal the ones this test counts from the predictions
// `rnn predict` wrote, with its own implementation of the definitions. Also: the run is an ordinary fit-loop run —
// `--resume` continues it to the same tensor bytes as an uninterrupted run, metrics.jsonl carries the validation
// accuracies, `rnn report` and `rnn plot` work on it — and a diverging run stops with exit 2 naming
// --max-bad-steps, its last checkpoint finite and loadable.
using System.Text.RegularExpressions;
using Recurrent.Randomness;
using Recurrent.Seq2Seq;
using Recurrent.Serialization;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

public sealed class Seq2SeqCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s2s-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static List<string> Words(ulong seed, int count)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, count).Select(_ => new string(Enumerable.Range(0, 1 + rng.NextInt(5)).Select(_ => "abcd"[rng.NextInt(4)]).ToArray())).ToList();
    }

    private string Tsv(string name, IEnumerable<string> words)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllLines(path, words.Select(w => $"{w}\t{new string(w.Reverse().ToArray())}"));
        return path;
    }

    [Fact]
    public void TrainPredictAndEvalAgreeWithAnIndependentCount()
    {
        string train = Tsv("train.tsv", Words(1, 500)), test = Tsv("test.tsv", Words(2, 60));
        string run = Path.Combine(_dir, "run");
        var r = CliRunner.Run("train", "--task", "seq2seq", "--data", train, "--hidden", "48", "--embedding", "16", "--epochs", "12",
            "--lr", "0.01", "--run-dir", run, "--quiet");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Matches(@"best val_token_accuracy [\d.]+ at step \d+", r.Stdout);
        Assert.True(File.Exists(Path.Combine(run, RunDirectory.BestFile)), r.Stdout);

        string preds = Path.Combine(_dir, "preds.tsv"), beamPreds = Path.Combine(_dir, "beam.tsv");
        r = CliRunner.Run("predict", run, "--input", test, "--output", preds);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        r = CliRunner.Run("predict", run, "--input", test, "--beam", "4", "--output", beamPreds);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Equal(60, File.ReadAllLines(beamPreds).Length);

        var targets = File.ReadAllLines(test).Select(l => l.Split('\t')[1]).ToList();
        var predicted = File.ReadAllLines(preds).Select(l => l.Split('\t')).ToList();
        Assert.Equal(File.ReadAllLines(test).Select(l => l.Split('\t')[0]), predicted.Select(p => p[0]));
        int exact = 0, correct = 0, total = 0;
        for (int i = 0; i < targets.Count; i++)
        {
            string y = targets[i], p = predicted[i][1];
            if (y == p) exact++;
            for (int k = 0; k < y.Length; k++) if (k < p.Length && p[k] == y[k]) correct++;
            if (p.Length == y.Length) correct++; // the end position
            total += y.Length + 1;
        }

        r = CliRunner.Run("eval", run, "--data", test);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        var seq = Regex.Match(r.Stdout, @"sequence accuracy: ([\d.]+)% \((\d+)/(\d+) exact\)");
        var tok = Regex.Match(r.Stdout, @"per-token accuracy: ([\d.]+)% \((\d+)/(\d+) target positions");
        Assert.True(seq.Success && tok.Success, r.Stdout);
        Assert.Equal(exact, int.Parse(seq.Groups[2].Value));
        Assert.Equal(60, int.Parse(seq.Groups[3].Value));
        Assert.Equal(Math.Round(100.0 * exact / 60, 2), double.Parse(seq.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(correct, int.Parse(tok.Groups[2].Value));
        Assert.Equal(total, int.Parse(tok.Groups[3].Value));
        Assert.Equal(Math.Round(100.0 * correct / total, 2), double.Parse(tok.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exact >= 30, $"only {exact}/60 words reversed exactly: the model did not learn");
    }

    [Fact]
    public void AttentionTrainsPredictsDrawsItsMapAndIsRefusedByExport()
    {
        string train = Tsv("ta.tsv", Words(4, 200)), input = Path.Combine(_dir, "in.txt");
        File.WriteAllLines(input, ["abcd", "dcb"]);
        string run = Path.Combine(_dir, "ra");
        var r = CliRunner.Run("train", "--task", "seq2seq", "--data", train, "--hidden", "16", "--embedding", "8", "--steps", "20",
            "--attention", "bahdanau", "--bidirectional", "--run-dir", run);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("16x1 (bidirectional encoder), embedding 8, Bahdanau (additive) attention", r.Stdout);
        string png = Path.Combine(_dir, "map.png");
        r = CliRunner.Run("predict", run, "--input", input, "--beam", "2", "--attention-map", png);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Equal(2, r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("attention map of line 1", r.Stderr);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);
        r = CliRunner.Run("export", run, "--format", "onnx", "--out", Path.Combine(_dir, "m.onnx"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("cannot write seq2seq models with a bidirectional encoder yet", r.Stderr);
        r = CliRunner.Run("train", "--task", "seq2seq", "--data", train, "--attention", "luong-dot", "--bidirectional", "--run-dir", Path.Combine(_dir, "x"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("a bidirectional encoder's are 2H", r.Stderr);
        r = CliRunner.Run("train", "--task", "seq2seq", "--data", train, "--attention", "luong-general", "--run-dir", Path.Combine(_dir, "x"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--attention must be bahdanau, luong, luong-dot or none, got 'luong-general'", r.Stderr);
        r = CliRunner.Run("train", "--task", "classify", "--data", train, "--attention", "luong", "--run-dir", Path.Combine(_dir, "x"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--attention does not apply to --task classify", r.Stderr);
        string plain = Path.Combine(_dir, "rp");
        r = CliRunner.Run("train", "--task", "seq2seq", "--data", train, "--hidden", "8", "--steps", "2", "--run-dir", plain, "--quiet");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        r = CliRunner.Run("predict", plain, "--input", input, "--attention-map", png);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--attention-map needs a model trained with --attention", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "x")));
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void UnknownCharactersAndMisplacedOptionsGiveOneClearLine()
    {
        string train = Tsv("t.tsv", Words(3, 40));
        string run = Path.Combine(_dir, "r");
        var r = CliRunner.Run("train", "--task", "seq2seq", "--data", train, "--hidden", "8", "--epochs", "1", "--run-dir", run, "--quiet");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        string bad = Path.Combine(_dir, "bad.txt");
        File.WriteAllLines(bad, ["abc", "abz"]);
        r = CliRunner.Run("predict", run, "--input", bad);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("line 2: the character 'z' (U+007A) at offset 2 is not in the model's vocabulary", r.Stderr);
        r = CliRunner.Run("predict", run, "--input", bad, "--steps", "3");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--steps does not apply to a seq2seq model", r.Stderr);
        r = CliRunner.Run("train", "--task", "seq2seq", "--data", train, "--window", "3", "--run-dir", Path.Combine(_dir, "x"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--window does not apply to --task seq2seq", r.Stderr);
        r = CliRunner.Run("train", "--task", "seq2seq", "--data", train, "--dropout", "0.2", "--run-dir", Path.Combine(_dir, "x"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--dropout does not apply to --task seq2seq", r.Stderr);
        r = CliRunner.Run("train", "--task", "seq2seq", "--data", train, "--run-dir", run);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("already holds a run; continue it with --resume", r.Stderr);
        r = CliRunner.Run("train", "--resume", run, "--hidden", "16");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--hidden cannot be used with --resume", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "x")));
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void ResumeContinuesToTheSameTensorsAndReportAndPlotReadTheRun()
    {
        string train = Tsv("resume.tsv", Words(4, 200));
        string[] common = ["--task", "seq2seq", "--data", train, "--hidden", "16", "--embedding", "8", "--batch", "16", "--lr", "0.01",
            "--lr-decay", "0.9", "--lr-decay-after", "1", "--eval-every", "6", "--log-every", "4", "--checkpoint-every", "5", "--seed", "3", "--quiet"];
        string full = Path.Combine(_dir, "full"), split = Path.Combine(_dir, "split");
        var r = CliRunner.Run(["train", .. common, "--steps", "30", "--run-dir", full]);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        r = CliRunner.Run(["train", .. common, "--steps", "13", "--run-dir", split]);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        r = CliRunner.Run("train", "--resume", split, "--steps", "30", "--quiet");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("stopped at step 30", r.Stdout);

        var a = ModelFile.Read(Path.Combine(full, RunDirectory.LastFile));
        var b = ModelFile.Read(Path.Combine(split, RunDirectory.LastFile));
        foreach (var (x, y) in a.Parameters.Concat(a.OptimizerState).Zip(b.Parameters.Concat(b.OptimizerState)))
        {
            Assert.Equal(x.Name, y.Name);
            Assert.True(x.Data.Select(BitConverter.SingleToInt32Bits).SequenceEqual(y.Data.Select(BitConverter.SingleToInt32Bits)), $"{x.Name} differs");
        }
        Assert.Equal(30, b.OptimizerSteps);

        var records = MetricsLog.Read(Path.Combine(split, RunDirectory.MetricsFile));
        long[] steps = records.Select(m => m.Step).ToArray();
        Assert.Equal(steps.Distinct().Order(), steps);
        var evaluated = records.Where(m => m.Validation is not null).ToList();
        Assert.NotEmpty(evaluated);
        Assert.All(evaluated, m =>
        {
            Assert.NotNull(m.ValidationLoss);
            Assert.InRange(m.Validation!.Single(v => v.Key == "val_sequence_accuracy").Value, 0, 1);
            Assert.InRange(m.Validation!.Single(v => v.Key == "val_token_accuracy").Value, 0, 1);
        });
        Assert.Contains("\"val_sequence_accuracy\"", File.ReadAllText(Path.Combine(split, RunDirectory.MetricsFile)));

        r = CliRunner.Run("report", split);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        string html = File.ReadAllText(Path.Combine(split, "report.html"));
        Assert.Contains("seq2seq", html);
        Assert.Matches("best validation loss</th><td>[0-9]", html); // the teacher-forced val_loss
        File.Delete(Path.Combine(split, "loss.png"));
        r = CliRunner.Run("plot", split);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.True(new FileInfo(Path.Combine(split, "loss.png")).Length > 1000);

        // The checkpoints are model files the other commands read.
        r = CliRunner.Run("predict", split, "--input", Tsv("few.tsv", Words(5, 5)));
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Equal(5, r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void ADivergingRunStopsNamingMaxBadStepsAndKeepsAFiniteCheckpoint()
    {
        string train = Tsv("diverge.tsv", Words(6, 120));
        string run = Path.Combine(_dir, "diverge");
        var r = CliRunner.Run("train", "--task", "seq2seq", "--data", train, "--hidden", "16", "--embedding", "8", "--batch", "16",
            "--lr", "1e30", "--clip", "0", "--max-bad-steps", "3", "--checkpoint-every", "1", "--eval-every", "0", "--steps", "30", "--run-dir", run);
        Assert.Equal(2, r.ExitCode);
        string[] errors = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("rnn: warning", StringComparison.Ordinal)).ToArray();
        Assert.StartsWith("rnn: ", Assert.Single(errors));
        Assert.Contains("3 steps in a row", errors[0]);
        Assert.Contains("--max-bad-steps", errors[0]);
        Assert.Contains("last.safetensors", errors[0]);
        string last = Path.Combine(run, RunDirectory.LastFile);
        var content = ModelFile.Read(last);
        Assert.All(content.Parameters.Concat(content.OptimizerState), t => Assert.True(t.Data.All(float.IsFinite), t.Name));
        var loaded = Seq2SeqFile.Load(last);
        Assert.Equal(loaded.Vocabulary.Size, loaded.Model.Config.Vocabulary);
        Assert.Equal(content.Parameters.Select(t => t.Name).Order(StringComparer.Ordinal), loaded.Model.Parameters.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.True(FitState.FromJson(content.Training!, last).Step < 30);
    }

    [Fact]
    public void InitFromStartsFromATrainedEncoderDecoder()
    {
        string train = Tsv("init.tsv", Words(5, 300));
        string first = Path.Combine(_dir, "first"), tuned = Path.Combine(_dir, "tuned"), fresh = Path.Combine(_dir, "fresh");
        Assert.Equal(0, CliRunner.Run("train", "--task", "seq2seq", "--data", train, "--hidden", "24", "--embedding", "8", "--epochs", "8",
            "--lr", "0.01", "--run-dir", first, "--quiet").ExitCode);
        var r = CliRunner.Run("train", "--task", "seq2seq", "--data", train, "--init-from", first, "--steps", "3", "--log-every", "1", "--run-dir", tuned);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(0, CliRunner.Run("train", "--task", "seq2seq", "--data", train, "--hidden", "24", "--embedding", "8", "--steps", "3",
            "--log-every", "1", "--run-dir", fresh, "--quiet").ExitCode);
        double FirstLoss(string run) => MetricsLog.Read(Path.Combine(run, RunDirectory.MetricsFile)).First().TrainLoss!.Value;
        Assert.True(FirstLoss(tuned) < FirstLoss(fresh) / 2, $"fine-tuned first loss {FirstLoss(tuned)}, fresh {FirstLoss(fresh)}");
        var refused = CliRunner.Run("train", "--task", "seq2seq", "--data", train, "--init-from", first, "--hidden", "8", "--run-dir", Path.Combine(_dir, "y"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--hidden cannot be used with --init-from", refused.Stderr);
    }
}
