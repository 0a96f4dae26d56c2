// `rnn train --layer-norm`, `--mogrifier R` and `--mogrifier-rank K` through the real tool: a language model takes them,
// names the cell in its header and records it in the model configuration (nothing recorded without them), a resume keeps
// them and is exact, changing them on --resume is refused, and impossible combinations — or a task that does not take
// them — are refused with one `rnn:` line before anything is written.
using Recurrent.LanguageModels;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

public sealed class CellStructureCliTests
{
    private static ModelConfig ConfigOf(string run) => ModelFile.Read(Path.Combine(run, RunDirectory.LastFile)).Config!;

    [Theory]
    [InlineData(new[] { "--layer-norm" }, "model: layer-normalised LSTM 2×")]
    [InlineData(new[] { "--layer-norm", "--model", "gru" }, "model: layer-normalised GRU 2×")]
    [InlineData(new[] { "--mogrifier", "3", "--mogrifier-rank", "2" }, "model: Mogrifier (3 rounds, rank 2) LSTM 2×")]
    public void ALanguageModelTakesThemShowsAndRecordsThem(string[] flags, string header)
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        string run = Path.Combine(dir.Path, "run");
        var r = TinyTraining.Train(corpus, run, [.. flags, "--layers", "2", "--steps", "3", "--eval-every", "2", "--sample-every", "0"]);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains(header, r.Stdout);
        var config = ConfigOf(run);
        Assert.Equal(flags.Contains("--layer-norm"), config.LayerNorm);
        Assert.Equal(flags.Contains("--mogrifier") ? (3, 2) : (0, 0), (config.MogrifierRounds, config.MogrifierRank));

        foreach (var (flag, value) in new[] { ("--mogrifier", "2"), ("--mogrifier-rank", "1") })
        {
            var changed = CliRunner.Run("train", "--resume", run, flag, value);
            Assert.Equal(2, changed.ExitCode);
            Assert.StartsWith($"rnn: {flag} cannot be used with --resume", changed.Stderr);
        }
        var layerNorm = CliRunner.Run("train", "--resume", run, "--layer-norm");
        Assert.StartsWith("rnn: --layer-norm cannot be used with --resume", layerNorm.Stderr);
    }

    [Fact]
    public void NothingIsRecordedWithoutThem()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        string run = Path.Combine(dir.Path, "run");
        var r = TinyTraining.Train(corpus, run, "--steps", "2", "--sample-every", "0");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        string json = System.Text.Json.JsonSerializer.Serialize(ConfigOf(run), ModelFile.JsonOptions);
        foreach (string name in new[] { "LayerNorm", "MogrifierRounds", "MogrifierRank" })
            Assert.DoesNotContain(name, json);
    }

    [Theory]
    [InlineData("--layer-norm")]
    [InlineData("--mogrifier", "2", "--mogrifier-rank", "3")]
    public void ResumeEqualsAnUninterruptedRun(params string[] flags)
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        TinyTraining.AssertCommandLineResumeIsExact(corpus, dir.Path, [.. flags, "--layers", "2", "--eval-every", "7", "--sample-every", "0"]);
    }

    [Theory]
    [InlineData(new[] { "--mogrifier", "2", "--model", "gru" }, "rnn: --mogrifier needs an LSTM cell; the cell is Gru.")]
    [InlineData(new[] { "--mogrifier-rank", "2" }, "rnn: --mogrifier-rank 2 factors the Mogrifier's round matrices, but there are no rounds; set the rounds too.")]
    [InlineData(new[] { "--mogrifier", "-1" }, "rnn: --mogrifier must be 0 (off) or positive, got -1.")]
    [InlineData(new[] { "--layer-norm", "--model", "rnn" }, "rnn: --layer-norm needs an LSTM or GRU cell; the cell is RnnTanh.")]
    [InlineData(new[] { "--layer-norm", "--mogrifier", "2" }, "rnn: --layer-norm cannot be combined with the Mogrifier: they are separate cell designs; choose one.")]
    public void ImpossibleCombinationsAreRefusedWithOneLine(string[] args, string expected)
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        var r = TinyTraining.Train(corpus, Path.Combine(dir.Path, "run"), [.. args, "--steps", "2"]);
        Assert.True(r.ExitCode == 2, r.Stdout + r.Stderr);
        Assert.Equal(expected, r.Stderr.Trim());
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "run")) && File.Exists(Path.Combine(dir.Path, "run", RunDirectory.LastFile)));
    }

    [Fact]
    public void OtherTasksRefuseThem()
    {
        using var dir = new TempDirectory();
        string data = dir.File("reviews.tsv", "pos\tgood film\nneg\tbad film\npos\tgreat\nneg\tawful\n");
        var r = CliRunner.Run("train", "--task", "classify", "--data", data, "--layer-norm", "--steps", "1", "--run-dir", Path.Combine(dir.Path, "run"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--layer-norm", r.Stderr);
    }
}
