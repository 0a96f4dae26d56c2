// `rnn eval MODEL --data FILE --dynamic` through the real tool: the JSON names the hyperparameters and carries the
// static loss of the same layout beside the dynamic one (equal to `rnn eval` without --dynamic), a repeated text gets
// cheaper, η = 0 reproduces the static loss exactly, the model file is left byte for byte, and the flag errors
// (task models refused).
using System.Text.Json;
using Recurrent.Tests.LanguageModels;

namespace Recurrent.Tests.Cli;

public sealed class DynamicEvalCliTests(TrainedCharModel trained) : IClassFixture<TrainedCharModel>
{
    private string RepetitiveFile()
    {
        string file = Path.Combine(trained.Scratch, "dynamic-repeated.txt");
        File.WriteAllText(file, string.Concat(Enumerable.Repeat("a red cat sat on the mat. ", 25)));
        return file;
    }

    [Fact]
    public void TheJsonHasTheDynamicLossTheStaticLossAndTheSettings()
    {
        string file = RepetitiveFile();
        byte[] modelBytes = File.ReadAllBytes(trained.Model);
        var r = CliRunner.Run("eval", trained.Model, "--data", file, "--json", "--dynamic", "--dynamic-lr", "0.2",
            "--dynamic-decay", "0.01", "--dynamic-seq-length", "25");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var o = json.RootElement;
        Assert.True(o.GetProperty("dynamic").GetBoolean());
        Assert.Equal(0.2, o.GetProperty("dynamic_lr").GetDouble());
        Assert.Equal(0.01, o.GetProperty("dynamic_decay").GetDouble());
        Assert.Equal(25, o.GetProperty("dynamic_seq_length").GetInt32());
        Assert.Equal(1, o.GetProperty("batch").GetInt32());           // one stream unless --batch says otherwise
        double dynamicLoss = o.GetProperty("loss_nats_per_token").GetDouble();
        double staticLoss = o.GetProperty("static_loss_nats_per_token").GetDouble();
        Assert.True(dynamicLoss < staticLoss - 0.05, $"dynamic {dynamicLoss} vs static {staticLoss}");
        Assert.Equal(Math.Exp(dynamicLoss), o.GetProperty("perplexity").GetDouble(), 1e-6);

        // The static number beside it is what plain `rnn eval` reports for one stream.
        var plain = CliRunner.Run("eval", trained.Model, "--data", file, "--json", "--batch", "1");
        using var plainJson = JsonDocument.Parse(plain.Stdout);
        Assert.Equal(plainJson.RootElement.GetProperty("loss_nats_per_token").GetDouble(), staticLoss, 1e-9);
        Assert.Equal(modelBytes, File.ReadAllBytes(trained.Model));
    }

    [Fact]
    public void AZeroStepIsTheStaticLossExactly()
    {
        var r = CliRunner.Run("eval", trained.Model, "--data", RepetitiveFile(), "--json", "--dynamic", "--dynamic-lr", "0", "--batch", "3");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var o = json.RootElement;
        Assert.Equal(o.GetProperty("static_loss_nats_per_token").GetDouble(), o.GetProperty("loss_nats_per_token").GetDouble());
        Assert.Equal(3, o.GetProperty("batch").GetInt32());
    }

    [Fact]
    public void PlainOutputPrintsTheStaticLossBeside()
    {
        var r = CliRunner.Run("eval", trained.Model, "--data", RepetitiveFile(), "--dynamic");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("dynamic evaluation: η 0.1, decay λ 0.001, segments of 50 tokens, 1 stream(s)", r.Stdout);
        Assert.Matches(@"loss: \d+\.\d{4} nats/token \(static \d+\.\d{4}\)", r.Stdout);
        Assert.Matches(@"bits per character: \d+\.\d{4} \(static \d+\.\d{4}\)", r.Stdout);
    }

    [Fact]
    public void ATaskModelIsRefused()
    {
        using var dir = new Recurrent.Tests.Data.TempDirectory();
        string tsv = dir.File("train.tsv", Recurrent.Tests.Supervised.TaskSynthetic.Tsv(40, 21));
        string run = Path.Combine(dir.Path, "classify");
        var t = CliRunner.Run("train", "--task", "classify", "--data", tsv, "--run-dir", run, "--epochs", "1", "--hidden", "8", "--embedding", "4");
        Assert.True(t.ExitCode == 0, t.Stdout + t.Stderr);
        var r = CliRunner.Run("eval", run, "--data", tsv, "--dynamic");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--dynamic applies to language models only;", r.Stderr);
        Assert.Contains("is a classify model", r.Stderr);
    }

    [Theory]
    [InlineData("--dynamic-lr must be a finite number ≥ 0, got -1.", "--dynamic", "--dynamic-lr", "-1")]
    [InlineData("--dynamic-decay must be in [0, 1], got 2.", "--dynamic", "--dynamic-decay", "2")]
    [InlineData("--dynamic-seq-length must be positive, got 0.", "--dynamic", "--dynamic-seq-length", "0")]
    [InlineData("--dynamic-lr applies with --dynamic only.", "--dynamic-lr", "0.1")]
    [InlineData("--dynamic-seq-length applies with --dynamic only.", "--dynamic-seq-length", "10")]
    [InlineData("--seq-length does not apply with --dynamic; the segment length is --dynamic-seq-length.", "--dynamic", "--seq-length", "10")]
    public void BadFlagsAreNamed(string message, params string[] flags)
    {
        var r = CliRunner.Run(["eval", trained.Model, "--data", trained.Corpus, .. flags]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
    }
}
