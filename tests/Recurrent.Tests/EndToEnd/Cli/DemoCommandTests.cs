// `rnn demo cyclic` end to end through the real tool: exit code, 100% accuracy, printed continuations,
// and one-line errors with exit code 2 for impossible options.
namespace Recurrent.Tests.Cli;

public sealed class DemoCommandTests
{
    [Fact]
    public void CyclicReachesFullAccuracyAndPrintsContinuations()
    {
        var r = CliRunner.Run("demo", "cyclic");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("next-step accuracy 100.0", r.Stdout);
        Assert.Contains("PASS", r.Stdout);
        for (int s = 0; s < 9; s++)
        {
            string expected = $"{s} → " + string.Join(' ', Enumerable.Range(1, 9).Select(t => (s + t) % 9));
            Assert.Contains(expected, r.Stdout);
        }
    }

    [Theory]
    [InlineData("--hidden", "0", "--hidden must be positive, got 0")]
    [InlineData("--lr", "NaN", "--lr must be a positive number, got NaN")]
    [InlineData("--cell", "tree", "unknown cell 'tree'")]
    public void ImpossibleOptionsGiveOneClearLineAndExitCode2(string option, string value, string message)
    {
        var r = CliRunner.Run("demo", "cyclic", option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr); // no stack trace without --verbose
    }
}
