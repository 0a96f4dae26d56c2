// `rnn report RUN_DIR`: one self-contained HTML page with the four charts (data drawn from metrics.jsonl),
// the samples (HTML-escaped), the configuration from the checkpoint, and nothing loaded from elsewhere;
// missing runs and unusable --out paths give one line and exit code 2 without writing anything.
using System.Text.RegularExpressions;
using Recurrent.Training;
using Recurrent.Api;
using Recurrent.LanguageModels;
using Recurrent.Serialization;
using Recurrent.Tests.Data;

namespace Recurrent.Tests.Cli;

public sealed class ReportCommandTests
{
    private static void WriteRun(string dir)
    {
        string metrics = Path.Combine(dir, RunDirectory.MetricsFile);
        for (int step = 10; step <= 100; step += 10)
            MetricsLog.Append(metrics, new MetricsRecord(step, step / 50.0, 3.0 - step / 100.0, step % 50 == 0 ? 2.9 - step / 100.0 : null,
                1e-3 * step / 100, 0.5 + step / 1000.0, 20000 + step, step));
        File.WriteAllText(Path.Combine(dir, RunDirectory.SamplesFile),
            "---- step 50 ----\nfirst <script>alert(1)</script> & sample\n---- step 100 ----\nsecond\nsample\n");
        var model = Model.Sequence().Embedding(12, 4).Gru(7).Dense(12).Build(seed: 1);
        ModelFile.Save(Path.Combine(dir, RunDirectory.LastFile), model);
    }

    [Fact]
    public void DrawsTheUpdateRatioOfEveryTensorFromStatsJsonl()
    {
        using var dir = new TempDirectory();
        WriteRun(dir.Path);
        static string Tensor(string name, string ratio) =>
            $"{{\"name\":\"{name}\",\"shape\":[2],\"count\":2,\"mean_abs\":1,\"update_mean_abs\":0.001,\"ratio_log10\":{ratio}," +
            "\"weights\":{\"min\":0,\"max\":1,\"counts\":[1,1]},\"gradients\":{\"min\":0,\"max\":1,\"counts\":[1,1]},\"updates\":null}";
        File.WriteAllText(Path.Combine(dir.Path, RunDirectory.StatsFile),
            $"{{\"step\":10,\"epoch\":0.1,\"tensors\":[{Tensor("w_ih", "null")},{Tensor("w_hh", "-3.2")}]}}\n" +
            $"{{\"step\":20,\"epoch\":0.2,\"tensors\":[{Tensor("w_ih", "-2.5")},{Tensor("w_hh", "-3.1")}]}}\n" +
            "{\"step\":30,\"epo");  // a line cut short by a crash
        var r = CliRunner.Run("report", dir.Path);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string html = File.ReadAllText(Path.Combine(dir.Path, "report.html"));
        var charts = Regex.Matches(html, "<svg id=\"(chart-[a-z]+)\" class=\"chart\" data-points=\"(\\d+)\"");
        Assert.Equal(["chart-loss", "chart-lr", "chart-grad", "chart-speed", "chart-ratios"], charts.Select(m => m.Groups[1].Value));
        Assert.Equal(3, int.Parse(charts[^1].Groups[2].Value)); // w_ih has a ratio at step 20 only, w_hh at both
        Assert.Contains("data-name=\"w_hh\" data-count=\"2\"", html);
        Assert.Contains("data-name=\"w_ih\" data-count=\"1\"", html);
    }

    [Fact]
    public void WritesASelfContainedPageWithChartsSamplesAndConfiguration()
    {
        using var dir = new TempDirectory();
        WriteRun(dir.Path);
        var r = CliRunner.Run("report", dir.Path);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string path = Path.Combine(dir.Path, "report.html");
        Assert.Contains(path, r.Stdout);
        string html = File.ReadAllText(path);

        var charts = Regex.Matches(html, "<svg id=\"(chart-[a-z]+)\" class=\"chart\" data-points=\"(\\d+)\"");
        Assert.Equal(["chart-loss", "chart-lr", "chart-grad", "chart-speed"], charts.Select(m => m.Groups[1].Value));
        Assert.Equal([12, 10, 10, 10], charts.Select(m => int.Parse(m.Groups[2].Value)));   // loss: 10 train + 2 validation
        Assert.Contains("data-name=\"validation\" data-count=\"2\"", html);
        Assert.Contains("first &lt;script&gt;alert(1)&lt;/script&gt; &amp; sample", html);
        Assert.Contains("second\nsample</pre>", html);
        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("<th>Cell</th><td>Gru</td>", html);
        Assert.Contains("<th>HiddenSize</th><td>7</td>", html);
        Assert.Contains("1.9000 (step 100", html);   // best validation loss in the summary
        // Self-contained: no external scripts, styles, images or fonts.
        Assert.DoesNotContain("http:", html);
        Assert.DoesNotContain("https:", html);
        Assert.DoesNotContain(" src=", html);
        Assert.DoesNotContain("<link", html);
        Assert.Contains("data-report=\"pending\"", html);
    }

    [Fact]
    public void ARealTinyRunReportsItsCurvesAndSamples()
    {
        using var dir = new TempDirectory();
        string text = dir.File("text.txt", LanguageModels.LanguageModelTestSupport.Corpus(3000));
        string run = Path.Combine(dir.Path, "run");
        var train = CliRunner.Run("train", "--data", text, "--layers", "1", "--hidden", "16", "--batch", "4", "--seq-length", "16",
            "--steps", "40", "--eval-every", "10", "--log-every", "5", "--sample-every", "20", "--sample-length", "30", "--run-dir", run, "--quiet");
        Assert.True(train.ExitCode == 0, train.Stderr);
        string output = Path.Combine(dir.Path, "page.html");
        var r = CliRunner.Run("report", run, "--out", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string html = File.ReadAllText(output);
        Assert.Equal(5, Regex.Matches(html, "class=\"chart\" data-points=\"[1-9]").Count); // with the update ratios of stats.jsonl
        Assert.Equal(2, Regex.Matches(html, "<h3>step (20|40)</h3>").Count);
        Assert.Contains("<th>hidden_size</th><td>16</td>", html);
        Assert.Contains("<th>tokenizer</th><td>char</td>", html);
        Assert.DoesNotContain("bpe_encoding", html); // a default a character model never used
        Assert.False(File.Exists(Path.Combine(run, "report.html")), "--out was honoured");
    }

    [Fact]
    public void MissingRunsAndBadOutputPathsAreNamed()
    {
        using var dir = new TempDirectory();
        var r = CliRunner.Run("report", dir.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("metrics.jsonl", r.Stderr);
        Assert.False(File.Exists(Path.Combine(dir.Path, "report.html")));

        WriteRun(dir.Path);
        r = CliRunner.Run("report", dir.Path, "--out", dir.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is a directory", r.Stderr);
        r = CliRunner.Run("report", dir.Path, "--out", Path.Combine(dir.Path, "no", "such", "page.html"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("does not exist", r.Stderr);
    }
}
