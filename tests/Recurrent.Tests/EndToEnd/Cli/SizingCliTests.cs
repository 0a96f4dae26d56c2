// The defaults that size themselves, through the real tool: with --data and no architecture flags `rnn train` prints one
// line saying what it chose and why, trains that model, stores it (so --resume keeps it) and takes the timing out of the
// time budget; flags the user gives are kept; with all six given, or on the built-in corpus, nothing is sized.
using Recurrent.LanguageModels;
using Recurrent.Serialization;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

public sealed class SizingCliTests
{
    private static System.Text.Json.Nodes.JsonNode StoredOptions(string run) =>
        FitState.FromJson(ModelFile.Read(Path.Combine(run, RunDirectory.LastFile)).Training!, "last").Run!["options"]!;

    [Fact]
    public void WithoutArchitectureFlagsTheRunIsSizedForItsBudgetAndSaysSo()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(20_000));
        string run = Path.Combine(dir.Path, "run");
        var r = CliRunner.Run("train", "--data", corpus, "--run-dir", run, "--steps", "3", "--eval-every", "3", "--sample-every", "0", "--embedding", "8");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        string line = r.Stdout.Split('\n').Single(l => l.StartsWith("sized for the budget: ", StringComparison.Ordinal));
        // 3 updates of 32×64 tokens are far fewer than 4 per parameter of any width: the narrowest, a short window.
        Assert.Contains("2×128,", line);
        Assert.Contains("batch 32 × 64", line);
        Assert.Contains("chosen: hidden, layers, batch, seq-length, lr, dropout", line);
        Assert.DoesNotContain("tokens/s measured", line); // a step budget needs no timing
        Assert.Contains("model: LSTM 2×128", r.Stdout);
        Assert.Contains("(Cosine)", r.Stdout);
        var options = StoredOptions(run);
        Assert.Equal(128, options["hidden_size"]!.GetValue<int>());
        Assert.Equal("Cosine", options["optimization"]!["schedule"]!.GetValue<string>());
        Assert.Equal(3, options["optimization"]!["schedule_steps"]!.GetValue<long>());

        var resumed = CliRunner.Run("train", "--resume", run, "--steps", "5", "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        Assert.DoesNotContain("sized for the budget", resumed.Stdout);
        Assert.Equal(128, StoredOptions(run)["hidden_size"]!.GetValue<int>());
    }

    [Fact]
    public void ATimeBudgetIsMeasuredAndTheTimingComesOutOfIt()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(20_000));
        string run = Path.Combine(dir.Path, "run");
        var r = CliRunner.Run("train", "--data", corpus, "--run-dir", run, "--time", "20s", "--steps", "2", "--hidden", "16",
            "--embedding", "8", "--eval-every", "2", "--sample-every", "0");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("tokens/s measured", r.Stdout);
        Assert.Contains("chosen: layers, batch, seq-length, lr, dropout", r.Stdout);
        Assert.Matches(@"sizing took \S+ of the 20s budget", r.Stdout);
        Assert.Contains("model: LSTM 2×16", r.Stdout);
        double stored = StoredOptions(run)["fit"]!["time_budget_seconds"]!.GetValue<double>();
        Assert.True(stored < 20 && stored > 0, $"{stored}");
    }

    [Fact]
    public void FlagsGivenAreKeptAndAllSixGivenSizeNothing()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        var all = TinyTraining.Train(corpus, Path.Combine(dir.Path, "all"), "--dropout", "0", "--steps", "2", "--sample-every", "0");
        Assert.True(all.ExitCode == 0, all.Stdout + all.Stderr);
        Assert.DoesNotContain("sized for the budget", all.Stdout);
        Assert.Contains("(Constant)", all.Stdout);

        // Only the dropout is open: it is chosen, the rest (and the user's constant learning rate) stay.
        var some = TinyTraining.Train(corpus, Path.Combine(dir.Path, "some"), "--steps", "2", "--sample-every", "0");
        Assert.True(some.ExitCode == 0, some.Stdout + some.Stderr);
        Assert.Contains("(chosen: dropout;", some.Stdout);
        Assert.Contains("model: LSTM 1×16", some.Stdout);
        Assert.Contains("(Constant)", some.Stdout);
    }
}
