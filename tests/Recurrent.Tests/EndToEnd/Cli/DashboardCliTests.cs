// `rnn train --ui` and `rnn ui` through the real tool: the dashboard's address is printed (even with --quiet), it is
// on loopback, the port is given back when the run ends, and the flags a user can get wrong are refused with one
// `rnn:` line and exit code 2. (The live page itself is checked in Chromium by tests/dashboard-browser.sh.)
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;

namespace Recurrent.Tests.Cli;

public sealed class DashboardCliTests
{
    [Fact]
    public void TrainWithUiPrintsALoopbackAddressAndReleasesItAtTheEnd()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        string run = Path.Combine(dir.Path, "run");
        var r = CliRunner.Run("train", "--data", corpus, "--hidden", "16", "--layers", "1", "--batch", "4", "--seq-length", "16",
            "--steps", "20", "--run-dir", run, "--quiet", "--ui");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var address = Regex.Match(r.Stdout, @"dashboard: http://127\.0\.0\.1:(\d+)/ \(live while this run trains; afterwards: rnn ui ");
        Assert.True(address.Success, r.Stdout);
        using var client = new TcpClient();
        Assert.ThrowsAny<SocketException>(() => client.Connect("127.0.0.1", int.Parse(address.Groups[1].Value)));
        Assert.True(File.Exists(Path.Combine(run, "metrics.jsonl")));
    }

    [Fact]
    public void MistakesAreRefusedWithOneLine()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(2000));
        var hostAlone = CliRunner.Run("train", "--data", corpus, "--steps", "2", "--run-dir", Path.Combine(dir.Path, "a"), "--ui-host", "0.0.0.0");
        Assert.Equal(2, hostAlone.ExitCode);
        Assert.Contains("rnn: --ui-host needs --ui", hostAlone.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "a")));

        var badHost = CliRunner.Run("train", "--data", corpus, "--hidden", "8", "--layers", "1", "--steps", "2", "--run-dir", Path.Combine(dir.Path, "b"),
            "--ui", "--ui-host", "my-laptop");
        Assert.Equal(2, badHost.ExitCode);
        Assert.Contains("rnn: --ui-host 'my-laptop' is not an IP address", badHost.Stderr);

        var badPort = CliRunner.Run("train", "--data", corpus, "--hidden", "8", "--layers", "1", "--steps", "2", "--run-dir", Path.Combine(dir.Path, "c"), "--ui", "70000");
        Assert.Equal(2, badPort.ExitCode);
        Assert.Contains("rnn: the dashboard port must be between 0", badPort.Stderr);

        var lrFind = CliRunner.Run("lr-find", "--data", corpus, "--ui");
        Assert.Equal(2, lrFind.ExitCode);
        Assert.Contains("rnn: --ui is a flag of `rnn train`, not of `rnn lr-find`", lrFind.Stderr);

        string missing = Path.Combine(dir.Path, "no-such-run");
        var ui = CliRunner.Run("ui", missing);
        Assert.Equal(2, ui.ExitCode);
        Assert.Contains($"rnn: the run directory '{missing}' does not exist.", ui.Stderr);
        var file = CliRunner.Run("ui", corpus);
        Assert.Equal(2, file.ExitCode);
        Assert.Contains("is a file; give the directory of an `rnn train` run", file.Stderr);
    }
}
