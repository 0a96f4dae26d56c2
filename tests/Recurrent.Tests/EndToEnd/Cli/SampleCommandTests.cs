// `rnn sample` through the real tool: the same seed gives the same text, temperature 0 (or ≤ 1e-6) gives exactly
// the --argmax text, the prime is printed first, and prime text with characters outside the vocabulary, a
// corrupted model file or impossible options give one line and exit code 2.
using Recurrent.Training;
using Recurrent.LanguageModels;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;

namespace Recurrent.Tests.Cli;

/// <summary>One tiny char model trained once for the sampling and evaluation tests.</summary>
public sealed class TrainedCharModel : IDisposable
{
    private readonly TempDirectory _dir = new();

    public TrainedCharModel()
    {
        Text = LanguageModelTestSupport.Corpus(4000);
        Corpus = _dir.File("corpus.txt", Text);
        RunDirectory = Path.Combine(_dir.Path, "run");
        var r = TinyTraining.Train(Corpus, RunDirectory, "--steps", "60", "--eval-every", "30");
        if (r.ExitCode != 0) throw new InvalidOperationException(r.Stdout + r.Stderr);
        Model = Path.Combine(RunDirectory, Recurrent.Training.RunDirectory.LastFile);
    }

    public string Text { get; }
    public string Corpus { get; }
    public string RunDirectory { get; }
    public string Model { get; }
    public string Scratch => _dir.Path;

    public void Dispose() => _dir.Dispose();
}

public sealed class SampleCommandTests(TrainedCharModel trained) : IClassFixture<TrainedCharModel>
{
    [Fact]
    public void TheSameSeedGivesTheSameText()
    {
        var a = CliRunner.Run("sample", trained.Model, "--length", "200", "--seed", "5");
        var b = CliRunner.Run("sample", trained.Model, "--length", "200", "--seed", "5");
        var c = CliRunner.Run("sample", trained.Model, "--length", "200", "--seed", "6");
        Assert.True(a.ExitCode == 0, a.Stderr);
        Assert.Equal(a.Stdout, b.Stdout);
        Assert.NotEqual(a.Stdout, c.Stdout);
        Assert.Equal(200 + 1, a.Stdout.Length); // 200 characters of an ASCII vocabulary and the final newline
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1e-7")]
    public void TemperatureZeroEqualsArgmax(string temperature)
    {
        var greedy = CliRunner.Run("sample", trained.Model, "--length", "120", "--argmax", "--prime", "the ");
        var cold = CliRunner.Run("sample", trained.Model, "--length", "120", "--temperature", temperature, "--prime", "the ", "--seed", "77");
        Assert.True(greedy.ExitCode == 0, greedy.Stderr);
        Assert.Equal(greedy.Stdout, cold.Stdout);
        Assert.StartsWith("the ", greedy.Stdout);
    }

    [Fact]
    public void ARunDirectoryMeansItsBestCheckpoint()
    {
        var dir = CliRunner.Run("sample", trained.RunDirectory, "--length", "50", "--seed", "2");
        var best = CliRunner.Run("sample", Path.Combine(trained.RunDirectory, RunDirectory.BestFile), "--length", "50", "--seed", "2");
        Assert.Equal(0, dir.ExitCode);
        Assert.Equal(best.Stdout, dir.Stdout);
    }

    [Fact]
    public void PrimeWithUnknownCharactersNamesThem()
    {
        var r = CliRunner.Run("sample", trained.Model, "--prime", "the café 😀");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--prime", r.Stderr);
        Assert.Contains("'é' (U+00E9)", r.Stderr);
        Assert.Contains("U+1F600", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void ACorruptedModelFileIsRefusedAndLeftAsItWas()
    {
        string copy = Path.Combine(trained.Scratch, $"corrupt-{Guid.NewGuid():N}.safetensors");
        byte[] bytes = File.ReadAllBytes(trained.Model);
        bytes[^5] ^= 0x40; // one bit in the weights: the checksum no longer matches
        File.WriteAllBytes(copy, bytes);
        var r = CliRunner.Run("sample", copy);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(copy, r.Stderr);
        Assert.Contains("checksum", r.Stderr);
        Assert.Equal(bytes, File.ReadAllBytes(copy));

        File.WriteAllBytes(copy, bytes[..(bytes.Length / 2)]);
        var truncated = CliRunner.Run("sample", copy);
        Assert.Equal(2, truncated.ExitCode);
        Assert.Contains(copy, truncated.Stderr);
        Assert.DoesNotContain("   at ", truncated.Stderr);
    }

    [Theory]
    [InlineData("--top-p", "0", "--top-p must be in (0, 1], got 0")]
    [InlineData("--top-k", "-1", "--top-k must be >= 0, got -1")]
    [InlineData("--temperature", "-0.5", "--temperature must be a finite number >= 0, got -0.5")]
    [InlineData("--length", "-3", "--length must be >= 0, got -3")]
    public void ImpossibleOptionsGiveExitCode2(string option, string value, string message)
    {
        var r = CliRunner.Run("sample", trained.Model, option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
    }

    [Fact]
    public void AMissingModelIsNamed()
    {
        string missing = Path.Combine(trained.Scratch, "no-such-model.safetensors");
        var r = CliRunner.Run("sample", missing);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(missing, r.Stderr);
    }
}
