// `rnn demo addition` through the real tool, small: two-digit operands and few epochs (the full run takes
// about a minute). Checks the criterion is printed with its source, that every printed example's ✓/✗ is
// right by this test's own arithmetic, that the accuracy printed agrees with its printed counts and with
// PASS/FAIL and the exit code, and that it learned.
using System.Globalization;
using System.Text.RegularExpressions;

namespace Recurrent.Tests.Cli;

public sealed class AdditionDemoTests
{
    [Fact]
    public void SmallAdditionRunPrintsCriterionExamplesAndAConsistentVerdict()
    {
        var r = CliRunner.Run("demo", "addition", "--digits", "2", "--examples", "2000", "--hidden", "64", "--batch", "32",
            "--lr", "0.01", "--lr-decay", "1", "--epochs", "12", "--eval-every", "0", "--seed", "2");
        Assert.True(r.ExitCode is 0 or 1, r.Stdout + r.Stderr);
        Assert.Contains("criterion: ≥ 99% per-character validation accuracy (Keras examples, addition_rnn.py: \"Three digits (reversed)", r.Stdout);
        Assert.Contains("run time", r.Stdout);

        var examples = Regex.Matches(r.Stdout, @"^\s+(\d+)\+(\d+) = (\d*)\s+(✓|✗)", RegexOptions.Multiline);
        Assert.Equal(8, examples.Count);
        foreach (Match m in examples)
        {
            int a = int.Parse(m.Groups[1].Value), b = int.Parse(m.Groups[2].Value);
            bool right = m.Groups[3].Value == (a + b).ToString(CultureInfo.InvariantCulture);
            Assert.Equal(right ? "✓" : "✗", m.Groups[4].Value);
        }

        var acc = Regex.Match(r.Stdout, @"validation per-character accuracy ([\d.]+) % \(([\d,]+)/([\d,]+)\)");
        Assert.True(acc.Success, r.Stdout);
        double printed = double.Parse(acc.Groups[1].Value, CultureInfo.InvariantCulture) / 100;
        long correct = long.Parse(acc.Groups[2].Value.Replace(",", ""), CultureInfo.InvariantCulture);
        long total = long.Parse(acc.Groups[3].Value.Replace(",", ""), CultureInfo.InvariantCulture);
        Assert.Equal((double)correct / total, printed, 1e-4);
        // 200 validation sums of up to 3 digits: every answer has 1..3 digits plus the end position.
        Assert.InRange(total, 400, 800);
        bool pass = (double)correct / total >= 0.99;
        Assert.Equal(pass ? 0 : 1, r.ExitCode);
        Assert.Contains(pass ? "PASS:" : "FAIL:", r.Stdout);
        Assert.True(printed >= 0.75, $"per-character accuracy {printed:P1}: the model did not learn");
    }

    [Fact]
    public void AdditionWithAttentionSaysSoAndLearns()
    {
        var r = CliRunner.Run("demo", "addition", "--digits", "2", "--examples", "2000", "--hidden", "64", "--batch", "32",
            "--lr", "0.01", "--lr-decay", "1", "--epochs", "12", "--eval-every", "0", "--seed", "2", "--attention", "luong");
        Assert.True(r.ExitCode is 0 or 1, r.Stdout + r.Stderr);
        Assert.Contains("embedding 16, Luong (general) attention;", r.Stdout);
        var acc = Regex.Match(r.Stdout, @"validation per-character accuracy ([\d.]+) %");
        Assert.True(acc.Success, r.Stdout);
        Assert.True(double.Parse(acc.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 75, r.Stdout);
        r = CliRunner.Run("demo", "addition", "--attention", "dot");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--attention must be bahdanau, luong, luong-dot or none, got 'dot'", r.Stderr);
    }

    [Fact]
    public void ImpossibleOptionsGiveOneClearLine()
    {
        var r = CliRunner.Run("demo", "addition", "--digits", "1", "--examples", "100");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--examples must be at most 27 for 1-digit operands, got 100", r.Stderr);
        r = CliRunner.Run("demo", "addition", "--hidden", "0");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--hidden must be positive, got 0", r.Stderr);
    }
}
