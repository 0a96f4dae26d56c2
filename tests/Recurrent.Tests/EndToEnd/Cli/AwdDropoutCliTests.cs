// `rnn train` with the AWD-LSTM dropouts (--dropout-input, --dropout, --dropout-masks, --dropout-output,
// --dropout-embedding, --weight-drop) through the real tool: a language model takes them, shows them in its header,
// records them in the model configuration (locked masks by default for a new run), a resume keeps them and is exact
// (the masks come from the checkpointed dropout generator), changing them on --resume is refused, bad values are
// refused with one `rnn:` line naming the flag, and the trained model exports (its weights are the plain weights).
using Recurrent.LanguageModels;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

public sealed class AwdDropoutCliTests
{
    private static readonly string[] AllOn =
        ["--layers", "2", "--dropout-input", "0.1", "--dropout", "0.2", "--dropout-output", "0.3", "--dropout-embedding", "0.1", "--weight-drop", "0.2"];

    private static ModelConfig ConfigOf(string run) => ModelFile.Read(Path.Combine(run, RunDirectory.LastFile)).Config!;

    [Fact]
    public void ALanguageModelTakesThemShowsAndRecordsThemAndResumeKeepsThem()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        string run = Path.Combine(dir.Path, "run");
        var r = TinyTraining.Train(corpus, run, [.. AllOn, "--steps", "4", "--eval-every", "2", "--sample-every", "0"]);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("dropout 0.2 (locked masks), input dropout 0.1, output dropout 0.3, embedding dropout 0.1, weight drop 0.2;", r.Stdout);
        var config = ConfigOf(run);
        Assert.Equal((0.2, true, 0.1, 0.3, 0.1, 0.2),
            (config.Dropout, config.LockedDropout, config.InputDropout, config.OutputDropout, config.EmbeddingDropout, config.WeightDrop));

        var resumed = CliRunner.Run("train", "--resume", run, "--steps", "6", "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        Assert.Equal(config, ConfigOf(run));

        foreach (var (flag, value) in new[] { ("--dropout-input", "0"), ("--dropout-output", "0.1"), ("--dropout-embedding", "0"), ("--weight-drop", "0"), ("--dropout-masks", "element") })
        {
            var changed = CliRunner.Run("train", "--resume", run, flag, value);
            Assert.Equal(2, changed.ExitCode);
            Assert.StartsWith($"rnn: {flag} cannot be used with --resume", changed.Stderr);
        }

        var export = CliRunner.Run("export", Path.Combine(run, RunDirectory.LastFile), "--format", "onnx", "--out", Path.Combine(dir.Path, "m.onnx"));
        Assert.True(export.ExitCode == 0, export.Stdout + export.Stderr);
    }

    [Fact]
    public void ElementMasksOnRequestAndNothingRecordedWithoutDropout()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        string element = Path.Combine(dir.Path, "element");
        var r = TinyTraining.Train(corpus, element, "--layers", "2", "--dropout", "0.2", "--dropout-masks", "element", "--steps", "2", "--sample-every", "0");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("dropout 0.2 (element masks);", r.Stdout);
        Assert.False(ConfigOf(element).LockedDropout);

        string plain = Path.Combine(dir.Path, "plain");
        r = TinyTraining.Train(corpus, plain, "--dropout", "0", "--steps", "2", "--sample-every", "0");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.False(ConfigOf(plain).LockedDropout); // locked is the default, but there is no dropout to record it for
        string json = System.Text.Json.JsonSerializer.Serialize(ConfigOf(plain), ModelFile.JsonOptions);
        foreach (string name in new[] { "LockedDropout", "InputDropout", "OutputDropout", "EmbeddingDropout", "WeightDrop" })
            Assert.DoesNotContain(name, json);
    }

    [Fact]
    public void ResumeWithThemOnEqualsAnUninterruptedRun()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        var a = TinyTraining.AssertCommandLineResumeIsExact(corpus, dir.Path,
            [.. AllOn, "--eval-every", "7", "--sample-every", "9", "--sample-length", "10"]);

        // The masks matter: without them the same run ends elsewhere.
        var plain = TinyTraining.Train(corpus, Path.Combine(dir.Path, "plain"), "--layers", "2", "--steps", "24", "--sample-every", "0", "--eval-every", "7");
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        var c = ModelFile.Read(Path.Combine(dir.Path, "plain", RunDirectory.LastFile));
        Assert.NotEqual(a.Parameters[0].Data, c.Parameters[0].Data);
    }

    [Theory]
    [InlineData("--dropout-input", "1.5")]
    [InlineData("--dropout-output", "-0.1")]
    [InlineData("--dropout-embedding", "1.5")]
    [InlineData("--weight-drop", "-0.1")]
    [InlineData("--weight-drop", "1")]
    public void AValueOutsideZeroToOneIsRefusedNamingTheFlag(string flag, string value)
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        var r = TinyTraining.Train(corpus, Path.Combine(dir.Path, "run"), flag, value, "--steps", "2");
        Assert.True(r.ExitCode == 2, r.Stdout + r.Stderr);
        Assert.StartsWith($"rnn: {flag} must be in [0, 1), got {value}", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(dir.Path, "run", RunDirectory.LastFile)));
    }

    [Theory]
    [InlineData(new[] { "--dropout-embedding", "0.1", "--embedding", "0" }, "rnn: --dropout-embedding drops rows of the embedding table, but --embedding 0 gives one-hot inputs")]
    [InlineData(new[] { "--dropout-masks", "columns" }, "rnn: --dropout-masks must be locked or element, got 'columns'.")]
    public void ImpossibleCombinationsAreRefusedWithOneLine(string[] args, string expected)
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        var r = TinyTraining.Train(corpus, Path.Combine(dir.Path, "run"), [.. args, "--steps", "2"]);
        Assert.True(r.ExitCode == 2, r.Stdout + r.Stderr);
        Assert.StartsWith(expected, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }
}
