// `rnn report` shows predictions.json: a real classify run writes the file (and lists it) and its report holds the
// confusion matrix with the file's counts and the example predictions; a tagger's sentences mark the wrong tags; a forecaster's windows become charts with
// data, which the page's chart count includes; seq2seq outputs become a table; a damaged file gives a note and the
// report is still written; a run without the file has no such section.
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Recurrent.Tests.Data;
using Recurrent.Tests.Supervised;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

public sealed class ReportPredictionsTests
{
    private static void WriteMetrics(string dir)
    {
        string metrics = Path.Combine(dir, RunDirectory.MetricsFile);
        for (int step = 10; step <= 40; step += 10)
            MetricsLog.Append(metrics, new MetricsRecord(step, step / 20.0, 2.0 - step / 100.0, 2.1 - step / 100.0, 1e-3, 0.5, 1000, step));
    }

    private static string Report(string dir)
    {
        var r = CliRunner.Run("report", dir);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return File.ReadAllText(Path.Combine(dir, "report.html"));
    }

    [Fact]
    public void AClassifyRunsReportShowsItsConfusionMatrixAndExamples()
    {
        using var dir = new TempDirectory();
        string data = dir.File("z.tsv", TaskSynthetic.Tsv(120, 5));
        string run = Path.Combine(dir.Path, "run");
        var train = CliRunner.Run("train", "--task", "classify", "--data", data, "--run-dir", run, "--epochs", "2", "--hidden", "8", "--embedding", "4");
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains(RunDirectory.PredictionsFile, train.Stdout); // listed with the run's files
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(run, RunDirectory.PredictionsFile)))!;
        long[] counts = json["matrix"]!.AsArray().SelectMany(row => row!.AsArray().Select(c => c!.GetValue<long>())).ToArray();

        string html = Report(run);
        var table = Regex.Match(html, "<table class=\"confusion\">.*?</table>", RegexOptions.Singleline);
        Assert.True(table.Success, "no confusion table");
        long[] cells = Regex.Matches(table.Value, "<td style=\"background: rgba\\([^\"]*\\)\"[^>]*>(\\d+)</td>").Select(m => long.Parse(m.Groups[1].Value)).ToArray();
        Assert.Equal(counts, cells);
        foreach (var label in json["labels"]!.AsArray()) Assert.Contains($"<th>{label!.GetValue<string>()}</th>", table.Value);
        int shown = json["examples"]!.AsArray().Count;
        Assert.True(shown > 0);
        Assert.Equal(shown + 1, Regex.Matches(Regex.Match(html, "<table class=\"examples\">.*?</table>", RegexOptions.Singleline).Value, "<tr>").Count);
        Assert.Contains($"(step {json["step"]!.GetValue<long>()}, predictions.json)", html);
    }

    [Fact]
    public void ForecastWindowsAreChartsThePageCounts()
    {
        using var dir = new TempDirectory();
        WriteMetrics(dir.Path);
        File.WriteAllText(Path.Combine(dir.Path, RunDirectory.PredictionsFile), """
            {"step":40,"kind":"forecast","examples":[
              {"column":"load","history":[1,2,3,4],"actual":[5,6],"predicted":[5.5,null]},
              {"series":"b","column":"load","history":[4,3,2],"actual":[1],"predicted":[1.5]}]}
            """);
        string html = Report(dir.Path);
        var forecasts = Regex.Matches(html, "<svg id=\"chart-forecast-(\\d)\" class=\"chart\" data-points=\"(\\d+)\"");
        Assert.Equal(["1", "2"], forecasts.Select(m => m.Groups[1].Value));
        // Both forecast lines start at the last history value: 4 + (1 + 2) + (1 + 1: the null is left out); 3 + (1 + 1) + (1 + 1).
        Assert.Equal([9, 7], forecasts.Select(m => int.Parse(m.Groups[2].Value)));
        Assert.Contains("Forecast 2 — series b — load", html);
    }

    [Fact]
    public void ATaggersSentencesShowTheWrongTags()
    {
        using var dir = new TempDirectory();
        WriteMetrics(dir.Path);
        File.WriteAllText(Path.Combine(dir.Path, RunDirectory.PredictionsFile), """
            {"step":20,"kind":"confusion","labels":["O","B-PER"],"matrix":[[5,1],[0,2]],"examples":[
              {"tokens":["john","runs"],"target":["B-PER","O"],"predicted":["B-PER","B-PER"]}]}
            """);
        string html = Report(dir.Path);
        Assert.Contains("7 of 8 right (87.5%)", html);
        Assert.Contains("<tr><td>john<span class=\"tag\">/B-PER</span> runs<span class=\"tag\">/O</span><span class=\"wrong\">(B-PER)</span> </td><td>1/2</td></tr>", html);
    }

    [Fact]
    public void SequencesBecomeATableAndADamagedFileANote()
    {
        using var dir = new TempDirectory();
        WriteMetrics(dir.Path);
        string file = Path.Combine(dir.Path, RunDirectory.PredictionsFile);
        File.WriteAllText(file, """
            {"step":30,"kind":"sequences","count":4,"correct":1,"examples":[
              {"source":"abc","target":"cba","predicted":"cba","correct":true},
              {"source":"<x>","target":"x","predicted":"y","correct":false}]}
            """);
        string html = Report(dir.Path);
        Assert.Contains("1 of 4 outputs equal their targets (25.0%)", html);
        Assert.Contains("<tr><td>&lt;x&gt;</td><td>x</td><td class=\"wrong\">y</td><td>no</td></tr>", html);

        File.WriteAllText(file, "{\"step\":30,\"kind\":\"confusion\",\"labels\":[\"a\"]");
        html = Report(dir.Path);
        Assert.Contains("predictions.json could not be read", html);

        File.Delete(file);
        html = Report(dir.Path);
        Assert.DoesNotContain("Predictions at the latest evaluation", html);
        Assert.DoesNotContain("predictions.json", html);
    }
}
