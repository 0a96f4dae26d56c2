// `rnn train --task tag`, `rnn eval` and `rnn predict` through the real tool on CoNLL files made here (tags a
// fixed function of the token, with two-token entities). Eval's token accuracy and entity P/R/F1 are
// recomputed in the test from predict's output with the test's own BIO chunker (a chunk starts at B-X, or
// at I-X not following B-X/I-X, and extends over the following I-X). The evaluation file has noisy tags and
// unseen words, so the numbers are not trivially 1. Also a malformed line: one `rnn:` line, exit 2.
using System.Globalization;
using System.Text.Json;
using Recurrent.Tests.Data;
using Recurrent.Tests.Supervised;

namespace Recurrent.Tests.Cli;

public sealed class TagTaskCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void EvalMetricsMatchTheMetricsOfPredictsOutput()
    {
        string train = _dir.File("train.conll", TaskSynthetic.Conll(150, 31));
        string eval = _dir.File("eval.conll", TaskSynthetic.Conll(40, 32, noise: 12, unknownWords: 6));
        string run = Path.Combine(_dir.Path, "run");
        var r = CliRunner.Run("train", "--task", "tag", "--data", train, "--run-dir", run, "--epochs", "8", "--model", "gru",
            "--hidden", "12", "--embedding", "8", "--bidirectional", "--lr", "0.01", "--quiet");
        Assert.True(r.ExitCode == 0, r.Stderr);

        var truth = Sentences(File.ReadAllText(eval));
        var p = CliRunner.Run("predict", run, "--input", eval, "--batch", "3");
        Assert.True(p.ExitCode == 0, p.Stderr);
        var predicted = Sentences(p.Stdout);
        Assert.Equal(truth.Count, predicted.Count);
        int tokens = 0, right = 0, gold = 0, guessed = 0, correct = 0;
        for (int s = 0; s < truth.Count; s++)
        {
            Assert.Equal(truth[s].Select(x => x.Token), predicted[s].Select(x => x.Token));
            string[] t = truth[s].Select(x => x.Tag).ToArray(), q = predicted[s].Select(x => x.Tag).ToArray();
            tokens += t.Length;
            right += t.Zip(q).Count(x => x.First == x.Second);
            var a = Chunks(t);
            var b = Chunks(q);
            gold += a.Count;
            guessed += b.Count;
            correct += b.Count(a.Contains);
        }
        double accuracy = (double)right / tokens, precision = (double)correct / guessed, recall = (double)correct / gold;
        double f1 = 2 * precision * recall / (precision + recall);
        Assert.InRange(accuracy, 0.8, 0.995); // learnt, but some eval tags are noise

        var e = CliRunner.Run("eval", run, "--data", eval, "--json");
        Assert.True(e.ExitCode == 0, e.Stderr);
        using var json = JsonDocument.Parse(e.Stdout);
        var o = json.RootElement;
        Assert.Equal(tokens, o.GetProperty("tokens").GetInt32());
        Assert.Equal(accuracy, o.GetProperty("token_accuracy").GetDouble(), 12);
        Assert.Equal(gold, o.GetProperty("entities_true").GetInt32());
        Assert.Equal(guessed, o.GetProperty("entities_predicted").GetInt32());
        Assert.Equal(correct, o.GetProperty("entities_correct").GetInt32());
        Assert.Equal(precision, o.GetProperty("entity_precision").GetDouble(), 12);
        Assert.Equal(recall, o.GetProperty("entity_recall").GetDouble(), 12);
        Assert.Equal(f1, o.GetProperty("entity_f1").GetDouble(), 12);

        var text = CliRunner.Run("eval", run, "--data", eval);
        Assert.True(text.ExitCode == 0, text.Stderr);
        string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        Assert.Contains($"token accuracy: {F(accuracy)} ({right}/{tokens})", text.Stdout);
        Assert.Contains($"entities: precision {F(precision)}, recall {F(recall)}, F1 {F(f1)} ({gold} true, {guessed} predicted, {correct} correct)", text.Stdout);

        // A malformed line in the evaluation file: file and line named, exit 2.
        string bad = _dir.File("bad.conll", "john B-PER\nsmith I-PER\n\nparis\n");
        var b2 = CliRunner.Run("eval", run, "--data", bad);
        Assert.Equal(2, b2.ExitCode);
        string error = Assert.Single(b2.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("rnn: ", error);
        Assert.Contains(bad, error);
        Assert.Contains("line 4", error);
    }

    // Sentences of (token, tag) from CoNLL text (first and last field), skipping -DOCSTART-.
    private static List<List<(string Token, string Tag)>> Sentences(string text)
    {
        var result = new List<List<(string, string)>>();
        var current = new List<(string, string)>();
        foreach (string raw in text.Split('\n'))
        {
            string[] f = raw.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 0 || f[0] == "-DOCSTART-")
            {
                if (current.Count > 0) { result.Add(current); current = []; }
                continue;
            }
            current.Add((f[0], f[^1]));
        }
        if (current.Count > 0) result.Add(current);
        return result;
    }

    private static List<(int, int, string)> Chunks(string[] tags)
    {
        var chunks = new List<(int, int, string)>();
        for (int i = 0; i < tags.Length; i++)
        {
            if (tags[i] == "O") continue;
            string type = tags[i][2..];
            bool continues = tags[i].StartsWith("I-") && i > 0 && (tags[i - 1] == "B-" + type || tags[i - 1] == "I-" + type);
            if (continues) continue;
            int end = i;
            while (end + 1 < tags.Length && tags[end + 1] == "I-" + type) end++;
            chunks.Add((i, end, type));
        }
        return chunks;
    }
}
