// `rnn train --task classify`, `rnn eval` and `rnn predict` through the real tool on files made here (text
// labelled by whether it contains 'z'; numeric sequences labelled by the sign of their sum). The metrics
// eval prints are recomputed in the test from predict's output and the file's labels: accuracy, the
// confusion matrix and macro-F1 (mean over labels of 2·TP / (2·TP + FP + FN)). The evaluation file has
// some labels flipped, so the numbers are not trivially 1. Also the input errors: one `rnn:` line, exit 2.
using System.Globalization;
using System.Text.Json;
using Recurrent.Tests.Data;
using Recurrent.Tests.Supervised;

namespace Recurrent.Tests.Cli;

public sealed class TrainedClassifiers : IDisposable
{
    private readonly TempDirectory _dir = new();

    public TrainedClassifiers()
    {
        TextTrain = _dir.File("train.tsv", TaskSynthetic.Tsv(200, 21));
        TextEval = _dir.File("eval.tsv", TaskSynthetic.Tsv(50, 22, flip: 6));
        TextModel = Path.Combine(_dir.Path, "text-run");
        var r = CliRunner.Run("train", "--task", "classify", "--data", TextTrain, "--run-dir", TextModel, "--epochs", "8",
            "--model", "gru", "--hidden", "12", "--embedding", "8", "--bidirectional", "--lr", "0.01", "--quiet");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("best.safetensors", r.Stdout);

        NumericTrain = _dir.File("train.csv", TaskSynthetic.Csv(200, 23));
        NumericEval = _dir.File("eval.csv", TaskSynthetic.Csv(60, 24));
        NumericModel = Path.Combine(_dir.Path, "numeric-run");
        r = CliRunner.Run("train", "--task", "classify", "--data", NumericTrain, "--run-dir", NumericModel, "--epochs", "6",
            "--model", "lstm", "--hidden", "12", "--lr", "0.01", "--quiet");
        Assert.True(r.ExitCode == 0, r.Stderr);
    }

    public string TextTrain { get; }
    public string TextEval { get; }
    public string TextModel { get; }
    public string NumericTrain { get; }
    public string NumericEval { get; }
    public string NumericModel { get; }
    public string Scratch => _dir.Path;

    public void Dispose() => _dir.Dispose();
}

public sealed class ClassifyTaskCliTests(TrainedClassifiers trained) : IClassFixture<TrainedClassifiers>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EvalMetricsMatchTheMetricsOfPredictsOutput(bool numeric)
    {
        string model = numeric ? trained.NumericModel : trained.TextModel;
        string data = numeric ? trained.NumericEval : trained.TextEval;
        char sep = numeric ? ',' : '\t';
        string[] truth = File.ReadAllLines(data).Where(l => l.Length > 0).Select(l => l[..l.IndexOf(sep)]).ToArray();

        var p = CliRunner.Run("predict", model, "--input", data, "--batch", "5");
        Assert.True(p.ExitCode == 0, p.Stderr);
        string[][] rows = p.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToArray();
        Assert.Equal(truth.Length, rows.Length);
        string[] predicted = rows.Select(r => r[0]).ToArray();
        foreach (var r in rows)
            Assert.InRange(double.Parse(r[1], CultureInfo.InvariantCulture), 0.5, 1.0); // two labels: the winner has ≥ 1/2

        // Independent metrics.
        string[] labels = truth.Concat(predicted).Distinct().Order(StringComparer.Ordinal).ToArray();
        int right = truth.Zip(predicted).Count(x => x.First == x.Second);
        double accuracy = (double)right / truth.Length;
        double f1Sum = 0;
        foreach (string l in labels)
        {
            int tp = truth.Zip(predicted).Count(x => x.First == l && x.Second == l);
            int fp = truth.Zip(predicted).Count(x => x.First != l && x.Second == l);
            int fn = truth.Zip(predicted).Count(x => x.First == l && x.Second != l);
            f1Sum += tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        }
        double macroF1 = f1Sum / labels.Length;
        if (!numeric) Assert.InRange(accuracy, 0.6, 0.97); // learnt, but 6 of 50 labels are flipped

        var e = CliRunner.Run("eval", model, "--data", data, "--json");
        Assert.True(e.ExitCode == 0, e.Stderr);
        using var json = JsonDocument.Parse(e.Stdout);
        var o = json.RootElement;
        Assert.Equal(truth.Length, o.GetProperty("examples").GetInt32());
        Assert.Equal(accuracy, o.GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(macroF1, o.GetProperty("macro_f1").GetDouble(), 12);
        string[] modelLabels = o.GetProperty("labels").EnumerateArray().Select(x => x.GetString()!).ToArray();
        var confusion = o.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray();
        for (int a = 0; a < modelLabels.Length; a++)
            for (int q = 0; q < modelLabels.Length; q++)
                Assert.Equal(truth.Zip(predicted).Count(x => x.First == modelLabels[a] && x.Second == modelLabels[q]), confusion[a][q]);

        // The text report prints the same numbers and the matrix rows.
        var t = CliRunner.Run("eval", model, "--data", data);
        Assert.True(t.ExitCode == 0, t.Stderr);
        Assert.Contains($"accuracy: {accuracy.ToString("F4", CultureInfo.InvariantCulture)} ({right}/{truth.Length})", t.Stdout);
        Assert.Contains($"macro-F1: {macroF1.ToString("F4", CultureInfo.InvariantCulture)}", t.Stdout);
        string[] lines = t.Stdout.Split('\n');
        int header = Array.FindIndex(lines, l => l.StartsWith("confusion matrix", StringComparison.Ordinal));
        Assert.True(header >= 0, t.Stdout);
        for (int a = 0; a < modelLabels.Length; a++)
        {
            string[] cells = lines[header + 2 + a].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(modelLabels[a], cells[0]);
            Assert.Equal(confusion[a].Select(c => c.ToString(CultureInfo.InvariantCulture)), cells.Skip(1));
        }
    }

    [Fact]
    public void PredictTakesLinesWithoutLabels()
    {
        string input = Path.Combine(trained.Scratch, "unlabelled.txt");
        File.WriteAllText(input, "abzcd\nabcdab\nzzzz\nxyq\n"); // 'x', 'y', 'q' never seen: unknown ids
        var r = CliRunner.Run("predict", trained.TextModel, "--input", input);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string[] labels = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]).ToArray();
        Assert.Equal(4, labels.Length);
        Assert.Equal(["yes", "no", "yes"], labels.Take(3));
    }

    [Theory]
    [InlineData("train", "missing.tsv", "pos\tfine\nno label column\n", "line 2")]
    [InlineData("train", "empty.tsv", "", "no examples")]
    [InlineData("eval", "unknown.tsv", "yes\tabz\nmaybe\tabc\n", "line 2")]
    [InlineData("train", "bad.csv", "up,1,2\ndown,1,oops\n", "line 2")]
    public void BadInputsGiveOneLineAndExitCode2(string command, string name, string content, string where)
    {
        string file = Path.Combine(trained.Scratch, name);
        File.WriteAllText(file, content);
        string runDir = Path.Combine(trained.Scratch, "never-" + name);
        var r = command == "train"
            ? CliRunner.Run("train", "--task", "classify", "--data", file, "--run-dir", runDir)
            : CliRunner.Run("eval", trained.TextModel, "--data", file);
        Assert.Equal(2, r.ExitCode);
        string[] errors = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(errors);
        Assert.StartsWith("rnn: ", errors[0]);
        Assert.Contains(file, errors[0]);
        Assert.Contains(where, errors[0]);
        Assert.False(Directory.Exists(runDir));
    }
}
