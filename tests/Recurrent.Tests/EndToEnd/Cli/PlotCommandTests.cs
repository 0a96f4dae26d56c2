// `rnn plot RUN_DIR`: loss.png (a real PNG) and loss.svg from metrics.jsonl, written next to it; a directory
// without metrics gives one line and exit code 2.
using Recurrent.Training;
using Recurrent.LanguageModels;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;

namespace Recurrent.Tests.Cli;

public sealed class PlotCommandTests
{
    [Fact]
    public void WritesPngAndSvgFromMetrics()
    {
        using var dir = new TempDirectory();
        for (int step = 10; step <= 100; step += 10)
            MetricsLog.Append(Path.Combine(dir.Path, RunDirectory.MetricsFile),
                new MetricsRecord(step, step / 50.0, 3.0 - step / 100.0, step % 50 == 0 ? 2.9 - step / 100.0 : null, 2e-3, 0.5, 1000, step));
        File.AppendAllText(Path.Combine(dir.Path, RunDirectory.MetricsFile), "{\"step\": 1"); // a line cut by a crash is skipped
        var r = CliRunner.Run("plot", dir.Path);
        Assert.True(r.ExitCode == 0, r.Stderr);
        byte[] png = File.ReadAllBytes(Path.Combine(dir.Path, "loss.png"));
        Assert.Equal(TinyTraining.PngSignature, png.Take(8).ToArray());
        Assert.True(png.Length > 5000, $"loss.png has only {png.Length} bytes");
        string svg = File.ReadAllText(Path.Combine(dir.Path, "loss.svg"));
        Assert.Contains("<svg", svg);
        Assert.Contains("validation", svg);
    }

    [Fact]
    public void ADirectoryWithoutMetricsIsNamed()
    {
        using var dir = new TempDirectory();
        var r = CliRunner.Run("plot", dir.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(dir.Path, r.Stderr);
        Assert.Contains("metrics.jsonl", r.Stderr);
        Assert.False(File.Exists(Path.Combine(dir.Path, "loss.png")));
    }
}
