// `rnn train --tie-weights` through the real tool: a word model trains with its head tied to the embedding (through a
// projection when --embedding ≠ --hidden), says so in its header, writes a model file that holds the matrix once,
// stores the choice in the run spec so `--resume` keeps it (and refuses repeating the flag), samples, evaluates
// (dynamic evaluation included) and exports; one-hot inputs and other tasks are refused with one `rnn:` line.
using System.Text.Json;
using Recurrent.Interop;
using Recurrent.Serialization;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

public sealed class WeightTyingCliTests
{
    private static bool StoredTie(string run)
    {
        var state = FitState.FromJson(ModelFile.Read(Path.Combine(run, RunDirectory.LastFile)).Training!, "last");
        return state.Run!["options"]!["tie_weights"]?.GetValue<bool>() ?? false;
    }

    [Fact]
    public void AWordModelTrainsTiedResumesTiedAndSamplesEvaluatesAndExports()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        string run = Path.Combine(dir.Path, "run");
        var r = TinyTraining.Train(corpus, run, "--tokenizer", "word", "--tie-weights", "--steps", "4", "--eval-every", "2", "--sample-every", "0");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("embedding 8 tied to the output layer through a 16→8 projection", r.Stdout);
        var content = ModelFile.Read(Path.Combine(run, RunDirectory.LastFile));
        Assert.True(content.Config.TieWeights);
        Assert.DoesNotContain(content.Parameters, t => t.Name == "head.weight");
        Assert.Contains(content.Parameters, t => t.Name == "head.proj.weight");
        Assert.True(StoredTie(run));

        var resumed = CliRunner.Run("train", "--resume", run, "--steps", "6", "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        Assert.Contains("stopped at step 6", resumed.Stdout);
        Assert.True(ModelFile.Read(Path.Combine(run, RunDirectory.LastFile)).Config.TieWeights);
        var again = CliRunner.Run("train", "--resume", run, "--tie-weights");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--tie-weights cannot be used with --resume", again.Stderr);

        var sample = CliRunner.Run("sample", run, "--length", "10", "--seed", "1");
        Assert.True(sample.ExitCode == 0, sample.Stderr);
        Assert.NotEmpty(sample.Stdout.Trim());

        string text = dir.File("eval.txt", LanguageModelTestSupport.Corpus(400, seed: 4));
        var eval = CliRunner.Run("eval", run, "--data", text, "--json", "--dynamic");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        using (var json = JsonDocument.Parse(eval.Stdout))
            Assert.True(double.IsFinite(json.RootElement.GetProperty("loss_nats_per_token").GetDouble()));

        string export = Path.Combine(dir.Path, "export");
        var ex = CliRunner.Run("export", run, "--format", "pytorch", "--out", export);
        Assert.True(ex.ExitCode == 0, ex.Stdout + ex.Stderr);
        Assert.NotNull(SafeTensors.Read(Path.Combine(export, PyTorchExport.StateDictFile)).Find("head.weight"));
    }

    [Fact]
    public void WithoutTheFlagNothingIsStoredOrShown()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        string run = Path.Combine(dir.Path, "run");
        var r = TinyTraining.Train(corpus, run, "--steps", "2", "--sample-every", "0");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.DoesNotContain("tied", r.Stdout);
        Assert.False(StoredTie(run));
        var content = ModelFile.Read(Path.Combine(run, RunDirectory.LastFile));
        Assert.DoesNotContain("TieWeights", JsonSerializer.Serialize(content.Config, ModelFile.JsonOptions));
        Assert.Contains(content.Parameters, t => t.Name == "head.weight");
    }

    [Fact]
    public void OneHotInputsAreRefusedWithOneLine()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        var r = TinyTraining.Train(corpus, Path.Combine(dir.Path, "run"), "--embedding", "0", "--tie-weights", "--steps", "2");
        Assert.True(r.ExitCode == 2, r.Stdout + r.Stderr);
        Assert.StartsWith("rnn: --tie-weights needs an embedding table to share with the output layer, but an embedding size of 0 means one-hot inputs", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(dir.Path, "run", RunDirectory.LastFile)));
    }

    [Fact]
    public void OtherTasksRefuseIt()
    {
        using var dir = new TempDirectory();
        string data = dir.File("reviews.tsv", "pos\tgood film\nneg\tbad film\npos\tgreat\nneg\tawful\n");
        var r = CliRunner.Run("train", "--task", "classify", "--data", data, "--tie-weights", "--run-dir", Path.Combine(dir.Path, "run"));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("rnn: --tie-weights does not apply to --task classify", r.Stderr);
    }
}
