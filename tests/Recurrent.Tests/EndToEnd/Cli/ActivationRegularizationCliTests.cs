// `rnn train --ar A --tar B` (AWD-LSTM activation and temporal activation regularisation) through the real tool: a
// language model takes the flags, shows them, stores them in the run spec so `--resume` keeps them (and refuses
// changing them), a negative value is refused with one `rnn:` line, and seq2seq, which has no SequenceModel
// trainer, refuses them.
using Recurrent.LanguageModels;
using Recurrent.Tests.Data;
using Recurrent.Serialization;
using Recurrent.Tests.LanguageModels;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

public sealed class ActivationRegularizationCliTests
{
    private static (double Ar, double Tar) Stored(string run)
    {
        var state = FitState.FromJson(ModelFile.Read(Path.Combine(run, RunDirectory.LastFile)).Training!, "last");
        var optimization = state.Run!["options"]!["optimization"]!;
        return (optimization["activation_regularization"]!.GetValue<double>(), optimization["temporal_activation_regularization"]!.GetValue<double>());
    }

    [Fact]
    public void LanguageModelTakesArAndTarStoresThemAndResumeKeepsThem()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        string run = Path.Combine(dir.Path, "run");
        var r = TinyTraining.Train(corpus, run, "--ar", "2", "--tar", "1.5", "--steps", "4", "--eval-every", "2", "--sample-every", "0");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains(", AR 2, TAR 1.5;", r.Stdout);
        Assert.Equal((2.0, 1.5), Stored(run));

        var resumed = CliRunner.Run("train", "--resume", run, "--steps", "6", "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        Assert.Contains("stopped at step 6", resumed.Stdout);
        Assert.Equal((2.0, 1.5), Stored(run));

        var changed = CliRunner.Run("train", "--resume", run, "--ar", "0");
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("--ar cannot be used with --resume", changed.Stderr);

        // Off by default: stored as 0.
        string plain = Path.Combine(dir.Path, "plain");
        var p = TinyTraining.Train(corpus, plain, "--steps", "2", "--sample-every", "0");
        Assert.True(p.ExitCode == 0, p.Stdout + p.Stderr);
        Assert.DoesNotContain("AR ", p.Stdout);
        Assert.Equal((0.0, 0.0), Stored(plain));
    }

    [Theory]
    [InlineData("--ar")]
    [InlineData("--tar")]
    public void ANegativeStrengthIsRefusedWithOneLine(string flag)
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        var r = TinyTraining.Train(corpus, Path.Combine(dir.Path, "run"), flag, "-0.5", "--steps", "2");
        Assert.True(r.ExitCode == 2, r.Stdout + r.Stderr);
        Assert.StartsWith($"rnn: {flag} must be finite and >= 0, got -0.5", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "run", RunDirectory.LastFile)));
    }

    [Fact]
    public void Seq2SeqRefusesThem()
    {
        using var dir = new TempDirectory();
        string data = dir.File("pairs.tsv", "ab\tba\ncd\tdc\n");
        var r = CliRunner.Run("train", "--task", "seq2seq", "--data", data, "--ar", "1", "--run-dir", Path.Combine(dir.Path, "run"));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("rnn: --ar does not apply to --task seq2seq", r.Stderr);
    }
}
