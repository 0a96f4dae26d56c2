// `rnn train --task seq2seq`, `rnn predict` (greedy and beam) and `rnn eval` on a TSV made here (reverse a
// word): eval's printed sequence and per-token accuracies equal the ones this test counts from the predictions
// `rnn predict` wrote, with its own implementation of the definitions.
using System.Text.RegularExpressions;
using Recurrent.Randomness;

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
        Assert.Contains("best validation", r.Stdout);

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
        r = CliRunner.Run("train", "--task", "seq2seq", "--data", train, "--run-dir", run);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("already exists", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }
}
