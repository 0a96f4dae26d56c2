// `rnn lr-find` through the real tool: on a tiny corpus (--task lm) and a tiny labelled file (--task classify) it
// writes lr_find.csv (one row per update, rates growing geometrically from --start-lr), lr_find.png and lr_find.svg
// and prints one suggestion line; the values a user can get wrong are refused with one `rnn:` line, exit code 2,
// and nothing written.
using System.Globalization;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;
using Recurrent.Tests.Supervised;

namespace Recurrent.Tests.Cli;

public sealed class LrFindCliTests
{
    private static void AssertSweepFiles(string output, CliRunner.Result r, double start, int steps)
    {
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Matches(@"suggested learning rate: [0-9.eE+-]+ \(a tenth of the rate at the minimum", r.Stdout);
        foreach (string file in new[] { "lr_find.csv", "lr_find.png", "lr_find.svg" })
            Assert.True(new FileInfo(Path.Combine(output, file)).Length > 100, file);
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(output, "lr_find.svg")));
        string[] lines = File.ReadAllLines(Path.Combine(output, "lr_find.csv"));
        Assert.Equal("step,lr,loss,smoothed", lines[0]);
        double[] lrs = lines.Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.InRange(lrs.Length, 5, steps);
        Assert.Equal(start, lrs[0], start * 1e-9);
        for (int i = 1; i < lrs.Length; i++) Assert.True(lrs[i] > lrs[i - 1]);
        double suggested = double.Parse(System.Text.RegularExpressions.Regex.Match(r.Stdout, @"suggested learning rate: ([0-9.eE+-]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(suggested, start / 10, lrs[^1]);
    }

    [Fact]
    public void LanguageModelSweepWritesTheCurveAndASuggestion()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(4000));
        string output = Path.Combine(dir.Path, "sweep");
        var r = CliRunner.Run("lr-find", "--data", corpus, "--hidden", "16", "--layers", "1", "--batch", "4", "--seq-length", "16",
            "--dropout", "0", "--steps", "60", "--start-lr", "1e-5", "--out", output);
        AssertSweepFiles(output, r, 1e-5, 60);
        Assert.Contains("--task lm", r.Stdout);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.safetensors", SearchOption.AllDirectories)); // the sweep's run directory is gone
    }

    [Fact]
    public void ClassifierSweepWritesTheCurveAndASuggestion()
    {
        using var dir = new TempDirectory();
        string data = dir.File("train.tsv", TaskSynthetic.Tsv(120, 31));
        string output = Path.Combine(dir.Path, "sweep");
        var r = CliRunner.Run("lr-find", "--task", "classify", "--data", data, "--hidden", "12", "--embedding", "8", "--batch", "8",
            "--steps", "50", "--out", output);
        AssertSweepFiles(output, r, 1e-7, 50);
        Assert.Contains("--task classify", r.Stdout);
    }

    [Fact]
    public void ForecastAndSeq2SeqSweepsWork()
    {
        using var dir = new TempDirectory();
        string series = dir.File("series.csv", "y\n" + string.Concat(Enumerable.Range(0, 400).Select(i =>
            (Math.Sin(i / 5.0) + 0.05 * ((i * 7919) % 13) / 13.0).ToString("F4", CultureInfo.InvariantCulture) + "\n")));
        string output = Path.Combine(dir.Path, "forecast");
        var r = CliRunner.Run("lr-find", "--task", "forecast", "--data", series, "--hidden", "12", "--steps", "40", "--out", output);
        AssertSweepFiles(output, r, 1e-7, 40);

        var rng = new Recurrent.Randomness.Rng(5);
        string Word() => new(Enumerable.Range(0, 3 + rng.NextInt(5)).Select(_ => "abcdef"[rng.NextInt(6)]).ToArray());
        string pairs = dir.File("pairs.tsv", string.Concat(Enumerable.Range(0, 150).Select(_ => Word()).Select(w => $"{w}\t{new string(w.Reverse().ToArray())}\n")));
        output = Path.Combine(dir.Path, "seq2seq");
        r = CliRunner.Run("lr-find", "--task", "seq2seq", "--data", pairs, "--hidden", "16", "--steps", "40", "--out", output);
        AssertSweepFiles(output, r, 1e-7, 40);
    }

    [Theory]
    [InlineData("--start-lr", "0", "--start-lr must be positive")]
    [InlineData("--start-lr", "-1", "--start-lr must be positive")]
    [InlineData("--end-lr", "1e-9", "--end-lr must be finite and above --start-lr")]
    [InlineData("--steps", "1", "--steps must be between 2 and 100000")]
    [InlineData("--lr", "0.01", "--lr is a flag of `rnn train`")]
    [InlineData("--epochs", "3", "--epochs is a flag of `rnn train`")]
    [InlineData("--hidden", "0", "--hidden")]
    [InlineData("--window", "8", "--window does not apply")]
    public void BadValuesAreRefusedAndNothingIsWritten(string flag, string value, string message)
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(2000));
        string output = Path.Combine(dir.Path, "sweep");
        var r = CliRunner.Run("lr-find", "--data", corpus, "--out", output, flag, value);
        Assert.Equal(2, r.ExitCode);
        string[] errors = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(errors);
        Assert.StartsWith("rnn: ", errors[0]);
        Assert.Contains(message, errors[0]);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void AnOutputThatHoldsASweepIsRefused()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(2000));
        string existing = dir.File("sweep/lr_find.csv", "step,lr,loss,smoothed\n");
        var r = CliRunner.Run("lr-find", "--data", corpus, "--out", Path.GetDirectoryName(existing)!);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("already holds an lr-find result", r.Stderr);
        Assert.Equal("step,lr,loss,smoothed\n", File.ReadAllText(existing));
    }
}
