// `rnn train --forget-bias B` through the real tool: the value reaches the model file of a classifier, a tagger, a
// forecaster and a language model (the LSTM's forget block starts at B and, after a few updates at a tiny learning
// rate, is still there), the header says so, a resumed run keeps it (and refuses the flag); without it the model
// file holds the default 1 as before. A non-finite value, a cell without a forget gate, --init-from and --task
// seq2seq give one `rnn:` line naming the flag, exit code 2.
using System.Globalization;
using Recurrent.Classification;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;
using Recurrent.Tests.Supervised;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

public sealed class ForgetBiasCliTests
{
    private static void AssertOneLineError(CliRunner.Result r, params string[] expected)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Stdout}{r.Stderr}");
        Assert.StartsWith("rnn: ", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        foreach (string e in expected) Assert.Contains(e, r.Stderr);
    }

    private static double? StoredBias(string file) => ModelFile.Read(file).Config.ForgetGateBias;

    /// <summary>The forget block of every bias_ih, each value within <paramref name="tolerance"/> of <paramref name="bias"/>.</summary>
    private static void AssertForgetBlock(SequenceModel<float> model, double bias, double tolerance)
    {
        int h = model.Config.HiddenSize;
        var biases = model.Parameters.Parameters.Where(p => p.Name.StartsWith("rnn.bias_ih_l", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(biases);
        foreach (var p in biases)
            Assert.All(model.Parameters.Value(p).Slice(h, h).ToArray(), v => Assert.InRange(v, bias - tolerance, bias + tolerance));
    }

    [Fact]
    public void Classify_StoresTheBias_SaysSo_AndAResumedRunKeepsIt()
    {
        using var dir = new TempDirectory();
        string tsv = dir.File("train.tsv", TaskSynthetic.Tsv(80, 21));
        string run = Path.Combine(dir.Path, "classify");
        var r = CliRunner.Run("train", "--task", "classify", "--data", tsv, "--run-dir", run, "--epochs", "1", "--hidden", "8", "--embedding", "4",
            "--forget-bias", "3", "--lr", "1e-5", "--bidirectional");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("model: Lstm 8x1 bidirectional, forget-gate bias 3;", r.Stdout);
        string last = Path.Combine(run, RunDirectory.LastFile);
        Assert.Equal(3.0, StoredBias(last));
        AssertForgetBlock(SequenceClassifier.Load(last).Model, 3, 0.01);

        AssertOneLineError(CliRunner.Run("train", "--resume", run, "--epochs", "2", "--forget-bias", "2"), "--forget-bias cannot be used with --resume");
        r = CliRunner.Run("train", "--resume", run, "--epochs", "2", "--quiet");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Equal(3.0, StoredBias(last));
        AssertOneLineError(CliRunner.Run("train", "--task", "classify", "--data", tsv, "--run-dir", Path.Combine(dir.Path, "ft"), "--init-from", run,
            "--forget-bias", "2"), "--forget-bias cannot be used with --init-from");

        // Without the flag: the default, as before.
        run = Path.Combine(dir.Path, "default");
        r = CliRunner.Run("train", "--task", "classify", "--data", tsv, "--run-dir", run, "--epochs", "1", "--hidden", "8", "--embedding", "4");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.DoesNotContain("forget-gate bias", r.Stdout);
        Assert.Equal(ModelConfig.DefaultForgetGateBias, StoredBias(Path.Combine(run, RunDirectory.LastFile)));
    }

    [Fact]
    public void TagForecastAndLanguageModel_StoreTheBias()
    {
        using var dir = new TempDirectory();
        string conll = dir.File("train.conll", TaskSynthetic.Conll(40, 5));
        string run = Path.Combine(dir.Path, "tag");
        var r = CliRunner.Run("train", "--task", "tag", "--data", conll, "--run-dir", run, "--epochs", "1", "--hidden", "8", "--embedding", "4",
            "--forget-bias", "2.5", "--lr", "1e-5", "--quiet");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Equal(2.5, StoredBias(Path.Combine(run, RunDirectory.LastFile)));
        AssertForgetBlock(Recurrent.Tagging.SequenceTagger.Load(Path.Combine(run, RunDirectory.LastFile)).Model, 2.5, 0.01);

        string csv = Path.Combine(dir.Path, "series.csv");
        File.WriteAllText(csv, "t,value\n" + string.Concat(Enumerable.Range(0, 120).Select(t =>
            string.Create(CultureInfo.InvariantCulture, $"{t},{Math.Sin(t * 0.3) + 0.01 * t:R}\n"))));
        run = Path.Combine(dir.Path, "forecast");
        r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--window", "12", "--horizon", "2", "--run-dir", run, "--epochs", "1",
            "--hidden", "8", "--forget-bias", "3");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("8x1, forget-gate bias 3 → linear", r.Stdout);
        Assert.Equal(3.0, StoredBias(Path.Combine(run, RunDirectory.LastFile)));

        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        run = Path.Combine(dir.Path, "lm");
        r = TinyTraining.Train(corpus, run, "--forget-bias", "2", "--steps", "4", "--eval-every", "4", "--sample-every", "0");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("model: LSTM 1×16, embedding 8, forget-gate bias 2;", r.Stdout);
        Assert.Equal(2.0, StoredBias(Path.Combine(run, RunDirectory.LastFile)));
    }

    [Fact]
    public void BadValuesAndImpossibleCombinations_AreOneLineNamingTheFlag()
    {
        using var dir = new TempDirectory();
        string tsv = dir.File("train.tsv", TaskSynthetic.Tsv(40, 3));
        string run = Path.Combine(dir.Path, "run");
        foreach (string bad in new[] { "NaN", "Infinity", "-Infinity" })
            AssertOneLineError(CliRunner.Run("train", "--task", "classify", "--data", tsv, "--run-dir", run, "--forget-bias", bad),
                "--forget-bias must be a finite number, got");
        var notANumber = CliRunner.Run("train", "--task", "classify", "--data", tsv, "--run-dir", run, "--forget-bias", "abc");
        Assert.Equal(2, notANumber.ExitCode);
        Assert.StartsWith("rnn: Cannot parse argument 'abc' for option '--forget-bias'", notANumber.Stderr);
        AssertOneLineError(CliRunner.Run("train", "--task", "classify", "--data", tsv, "--run-dir", run, "--model", "gru", "--forget-bias", "3"),
            "--forget-bias sets the initial bias of an LSTM's forget gate; --model gru has none");
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(2000));
        AssertOneLineError(TinyTraining.Train(corpus, run, "--forget-bias", "NaN", "--steps", "1"), "--forget-bias must be a finite number, got NaN");
        Assert.False(Directory.Exists(run), "a refused run must not create its directory");

        string pairs = dir.File("pairs.tsv", string.Concat(Enumerable.Range(0, 30).Select(i => $"ab{i}\tba{i}\n")));
        AssertOneLineError(CliRunner.Run("train", "--task", "seq2seq", "--data", pairs, "--forget-bias", "3", "--run-dir", Path.Combine(dir.Path, "s2s")),
            "--forget-bias does not apply to --task seq2seq");
    }

    [Fact]
    public void TheHelpListsTheFlag()
    {
        var r = CliRunner.Run("train", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("--forget-bias", r.Stdout);
    }
}
