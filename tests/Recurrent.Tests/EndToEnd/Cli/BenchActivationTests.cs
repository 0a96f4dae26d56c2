// `rnn bench --activation ... --gate-activation ...`: one row per combination a configuration can take (an RNN has no
// gates), in the table and in --json with the activation columns; bad names are one `rnn:` line.
using System.Text.Json;

namespace Recurrent.Tests.Cli;

public sealed class BenchActivationTests
{
    [Fact]
    public void EveryCombinationGetsARow_AndTheRnnOnlyItsCellActivations()
    {
        var r = CliRunner.Run("bench", "--config", "L128", "R128", "--steps", "1", "--repetitions", "1",
            "--activation", "tanh", "softsign", "--gate-activation", "sigmoid", "hard-sigmoid", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout.Trim().Split('\n')[^1]);
        var rows = doc.RootElement.EnumerateArray()
            .Select(e => (Config: e.GetProperty("config").GetString(), Act: e.GetProperty("activation").GetString(), Gate: e.GetProperty("gate_activation").GetString(),
                Train: e.GetProperty("train_tokens_per_s").GetDouble()))
            .ToList();
        Assert.Equal(
            [("L128", "tanh", "sigmoid"), ("L128", "tanh", "hard-sigmoid"), ("L128", "softsign", "sigmoid"), ("L128", "softsign", "hard-sigmoid"),
             ("R128", "tanh", "sigmoid"), ("R128", "softsign", "sigmoid")],
            rows.Select(x => (x.Config, x.Act, x.Gate)).ToList());
        Assert.All(rows, x => Assert.True(x.Train > 0));

        var table = CliRunner.Run("bench", "--config", "R128", "--steps", "1", "--repetitions", "1", "--activation", "softsign");
        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Contains("activation", table.Stdout);
        Assert.Matches(@"R128\s+RnnTanh\s+softsign\s+sigmoid", table.Stdout);

        var bad = CliRunner.Run("bench", "--config", "R128", "--activation", "swish");
        Assert.Equal(2, bad.ExitCode);
        Assert.StartsWith("rnn: --activation must be tanh or softsign, got 'swish'.", bad.Stderr);
    }
}
