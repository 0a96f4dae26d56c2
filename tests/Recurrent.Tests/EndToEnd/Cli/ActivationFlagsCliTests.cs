// `rnn train --activation tanh|softsign --gate-activation sigmoid|hard-sigmoid` through the real tool: the choice
// reaches the model file of a language model, a classifier, a tagger and a forecaster (and `rnn demo`'s header); a
// language-model run resumes with it (and refuses the flags on --resume, as every architecture flag); --model rnn
// --activation softsign is the softsign RNN; bad values, impossible combinations, --init-from and --task seq2seq give
// one `rnn:` line naming the flag, exit code 2.
using System.Globalization;
using Recurrent.Layers;
using Recurrent.LanguageModels;
using Recurrent.Serialization;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;
using Recurrent.Tests.Supervised;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

public sealed class ActivationFlagsCliTests
{
    private static void AssertOneLineError(CliRunner.Result r, params string[] expected)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Stdout}{r.Stderr}");
        Assert.StartsWith("rnn: ", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        foreach (string e in expected) Assert.Contains(e, r.Stderr);
    }

    private static ModelConfigView Config(string file)
    {
        var c = ModelFile.Read(file).Config;
        return new(c.Cell, c.Activation, c.GateActivation);
    }

    private sealed record ModelConfigView(CellKind Cell, CellActivation Activation, GateActivation Gate);

    [Fact]
    public void LanguageModel_RecordsTheChoice_AndAResumedRunKeepsIt()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(6000));
        string run = Path.Combine(dir.Path, "run");
        var r = TinyTraining.Train(corpus, run, "--activation", "softsign", "--gate-activation", "hard-sigmoid", "--steps", "12", "--eval-every", "6", "--sample-every", "0");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("model: LSTM (softsign, hard-sigmoid gates) 1×16", r.Stdout);
        Assert.Equal(new ModelConfigView(CellKind.Lstm, CellActivation.Softsign, GateActivation.HardSigmoid), Config(Path.Combine(run, RunDirectory.LastFile)));

        AssertOneLineError(CliRunner.Run("train", "--resume", run, "--steps", "20", "--activation", "tanh"), "--activation cannot be used with --resume");
        r = CliRunner.Run("train", "--resume", run, "--steps", "20", "--quiet");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        var last = LanguageModelFile.LoadCheckpoint(Path.Combine(run, RunDirectory.LastFile));
        Assert.Equal(20, last.TrainingState!.Step);
        Assert.Equal(CellActivation.Softsign, last.Model.Config.Activation);
        Assert.Equal(GateActivation.HardSigmoid, last.Model.Config.GateActivation);
        Assert.Equal(CellActivation.Softsign, last.RunSpec!.Options.Activation);
    }

    [Fact]
    public void SoftsignRnn_IsTheTanhRnnWithSoftsign()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(4000));
        string run = Path.Combine(dir.Path, "run");
        var r = TinyTraining.Train(corpus, run, "--model", "rnn", "--activation", "softsign", "--steps", "4", "--eval-every", "4", "--sample-every", "0");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("model: RNN (softsign) 1×16", r.Stdout);
        Assert.Equal(new ModelConfigView(CellKind.RnnTanh, CellActivation.Softsign, GateActivation.Sigmoid), Config(Path.Combine(run, RunDirectory.LastFile)));
        // Sampling runs the step-by-step path with the model's activation.
        var s = CliRunner.Run("sample", run, "--length", "20", "--seed", "1");
        Assert.True(s.ExitCode == 0, s.Stderr);
    }

    [Fact]
    public void ClassifierTaggerAndForecaster_RecordTheChoice()
    {
        using var dir = new TempDirectory();
        string tsv = dir.File("train.tsv", TaskSynthetic.Tsv(80, 21));
        string run = Path.Combine(dir.Path, "classify");
        var r = CliRunner.Run("train", "--task", "classify", "--data", tsv, "--run-dir", run, "--epochs", "1", "--hidden", "8", "--embedding", "4",
            "--model", "gru", "--activation", "softsign", "--gate-activation", "hard-sigmoid", "--bidirectional");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("model: Gru (softsign, hard-sigmoid gates) 8x1 bidirectional", r.Stdout);
        Assert.Equal(new ModelConfigView(CellKind.Gru, CellActivation.Softsign, GateActivation.HardSigmoid), Config(Path.Combine(run, RunDirectory.LastFile)));
        AssertOneLineError(CliRunner.Run("train", "--resume", run, "--epochs", "2", "--gate-activation", "sigmoid"), "--gate-activation cannot be used with --resume");
        AssertOneLineError(CliRunner.Run("train", "--task", "classify", "--data", tsv, "--run-dir", Path.Combine(dir.Path, "ft"), "--init-from", run,
            "--activation", "tanh"), "--activation cannot be used with --init-from");

        string conll = dir.File("train.conll", TaskSynthetic.Conll(40, 5));
        run = Path.Combine(dir.Path, "tag");
        r = CliRunner.Run("train", "--task", "tag", "--data", conll, "--run-dir", run, "--epochs", "1", "--hidden", "8", "--embedding", "4",
            "--activation", "softsign", "--quiet");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Equal(new ModelConfigView(CellKind.Lstm, CellActivation.Softsign, GateActivation.Sigmoid), Config(Path.Combine(run, RunDirectory.LastFile)));

        string csv = Path.Combine(dir.Path, "series.csv");
        File.WriteAllText(csv, "t,value\n" + string.Concat(Enumerable.Range(0, 120).Select(t =>
            string.Create(CultureInfo.InvariantCulture, $"{t},{Math.Sin(t * 0.3) + 0.01 * t:R}\n"))));
        run = Path.Combine(dir.Path, "forecast");
        r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--window", "12", "--horizon", "2", "--run-dir", run, "--epochs", "1",
            "--hidden", "8", "--gate-activation", "hard-sigmoid", "--quiet");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Equal(new ModelConfigView(CellKind.Lstm, CellActivation.Tanh, GateActivation.HardSigmoid), Config(Path.Combine(run, RunDirectory.LastFile)));
    }

    [Fact]
    public void BadValuesAndImpossibleCombinations_AreOneLineNamingTheFlag()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(2000));
        string run = Path.Combine(dir.Path, "run");
        AssertOneLineError(TinyTraining.Train(corpus, run, "--activation", "relu", "--steps", "1"), "--activation must be tanh or softsign, got 'relu'");
        AssertOneLineError(TinyTraining.Train(corpus, run, "--gate-activation", "hardsig", "--steps", "1"), "--gate-activation must be sigmoid or hard-sigmoid, got 'hardsig'");
        AssertOneLineError(TinyTraining.Train(corpus, run, "--model", "rnn-relu", "--activation", "softsign", "--steps", "1"),
            "--activation softsign replaces tanh", "use --model rnn --activation softsign");
        AssertOneLineError(TinyTraining.Train(corpus, run, "--model", "rnn", "--gate-activation", "hard-sigmoid", "--steps", "1"),
            "--gate-activation hard-sigmoid needs --model lstm or gru");
        Assert.False(Directory.Exists(run), "a refused run must not create its directory");
        AssertOneLineError(CliRunner.Run("demo", "adding", "--quick", "--cell", "rnn", "--gate-activation", "hard-sigmoid"), "needs --cell lstm or gru");
        AssertOneLineError(CliRunner.Run("demo", "adding", "--quick", "--activation", "sigmoid"), "--activation must be tanh or softsign");

        string tsv = dir.File("pairs.tsv", string.Concat(Enumerable.Range(0, 30).Select(i => $"ab{i}\tba{i}\n")));
        AssertOneLineError(CliRunner.Run("train", "--task", "seq2seq", "--data", tsv, "--activation", "softsign", "--run-dir", Path.Combine(dir.Path, "s2s")),
            "--activation does not apply to --task seq2seq");
    }

    [Fact]
    public void Demo_TakesTheActivations()
    {
        var r = CliRunner.Run("demo", "adding", "--quick", "--activation", "softsign", "--gate-activation", "hard-sigmoid", "--max-steps", "20");
        Assert.Contains("cell lstm (softsign, hard-sigmoid gates), seed 1", r.Stdout);
        Assert.Contains("trained 20 steps", r.Stdout);
    }
}
