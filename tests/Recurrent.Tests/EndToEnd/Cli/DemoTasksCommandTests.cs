// `rnn demo reber|adding|copy|temporal-order|sine` and `rnn demo all` through the real tool: PASS with exit
// code 0, the criterion and run time printed, the comparison table, and one-line errors with exit code 2.
namespace Recurrent.Tests.Cli;

public sealed class DemoTasksCommandTests
{
    [Fact]
    public void ReberPassesAndPrintsTheCriterionAndTime()
    {
        var r = CliRunner.Run("demo", "reber");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("held-out: 100.0 % of strings", r.Stdout);
        Assert.Contains("PASS: every next symbol predicted legally", r.Stdout);
        Assert.Contains("Hochreiter & Schmidhuber 1997", r.Stdout);
        Assert.Matches(@"time \d+\.\d s", r.Stdout);
    }

    [Fact]
    public void TooLittleTrainingFailsWithExitCode1()
    {
        var r = CliRunner.Run("demo", "temporal-order", "--quick", "--max-steps", "5");
        Assert.True(r.ExitCode == 1, r.Stdout + r.Stderr);
        Assert.Contains("FAIL: a sequence is classified correctly", r.Stdout);
    }

    [Fact]
    public void AllQuickPrintsOneRowPerTaskAndPasses()
    {
        var r = CliRunner.Run("demo", "all", "--quick", "--tasks", "reber,sine");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Matches(@"\| reber +\| 100\.0 % of strings +\|", r.Stdout);
        Assert.Matches(@"\| sine +\| MSE \d+\.\d % of naive +\|", r.Stdout);
        Assert.Matches(@"\| +\| PASS, \d+\.\d s +\|", r.Stdout);
        Assert.DoesNotContain("| adding", r.Stdout);
        Assert.Contains("PASS: every task met its criterion with lstm", r.Stdout);
        Assert.Matches(@"total time \d+\.\d s", r.Stdout);
    }

    [Fact]
    public void CompareHasAColumnPerCell()
    {
        var r = CliRunner.Run("demo", "all", "--compare", "--tasks", "cyclic");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Matches(@"\| task +\| rnn +\| gru +\| lstm +\|", r.Stdout);
        Assert.Matches(@"\| cyclic +\| 100\.0 % next-step +\| 100\.0 % next-step +\| 100\.0 % next-step +\|", r.Stdout);
    }

    [Theory]
    [InlineData(new[] { "demo", "copy", "--length", "0" }, "--length must be positive, got 0")]
    [InlineData(new[] { "demo", "copy", "--hidden", "-3" }, "--hidden must be positive, got -3")]
    [InlineData(new[] { "demo", "sine", "--lr", "0" }, "--lr must be a positive number, got 0")]
    [InlineData(new[] { "demo", "reber", "--cell", "tree" }, "unknown cell 'tree'")]
    [InlineData(new[] { "demo", "adding", "--batch", "0" }, "--batch must be positive, got 0")]
    [InlineData(new[] { "demo", "copy", "--forget-bias", "NaN" }, "--forget-bias must be a finite number, got NaN")]
    [InlineData(new[] { "demo", "adding", "--length", "12" }, "--length must be at least 20 for this task, got 12")]
    [InlineData(new[] { "demo", "all", "--compare", "--cell", "gru" }, "--compare runs rnn, gru and lstm; leave out --cell")]
    [InlineData(new[] { "demo", "all", "--tasks", "reber,nope" }, "unknown task 'nope' in --tasks")]
    [InlineData(new[] { "demo", "reber", "--length", "5" }, "Unrecognized command or argument '--length'")]
    public void ImpossibleOptionsGiveOneClearLineAndExitCode2(string[] args, string message)
    {
        var r = CliRunner.Run(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }
}
