// `rnn train --layer-norm` / `--mogrifier R` through the real tool, then `rnn sample`: a few updates of a tiny char
// model with the cell structure stored in its model file, samples printed during and after training, and a
// sample of the requested length from the run directory (both go through StepInference's stack path).
using Recurrent.Serialization;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

public sealed class StructuredCellSamplingCliTests
{
    [Theory]
    [InlineData("--layer-norm")]
    [InlineData("--model", "gru", "--layer-norm")]
    [InlineData("--mogrifier", "2")]
    public void TrainsAFewStepsAndSamples(params string[] structure)
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        string run = Path.Combine(dir.Path, "run");
        var r = TinyTraining.Train(corpus, run, [.. structure, "--layers", "2", "--steps", "6", "--eval-every", "3",
            "--sample-every", "3", "--sample-length", "20"]);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("---- sample at step 3 ----", r.Stdout);
        Assert.Contains("sample (step 6", r.Stdout);
        var config = ModelFile.Read(Path.Combine(run, RunDirectory.LastFile)).Config;
        Assert.Equal(structure.Contains("--layer-norm"), config.LayerNorm);
        Assert.Equal(structure.Contains("--mogrifier") ? 2 : 0, config.MogrifierRounds);

        var sample = CliRunner.Run("sample", run, "--length", "30", "--seed", "1");
        Assert.True(sample.ExitCode == 0, sample.Stderr);
        Assert.Equal(30 + 1, sample.Stdout.Length); // 30 characters of an ASCII vocabulary and the final newline
        Assert.False(string.IsNullOrWhiteSpace(sample.Stdout));
    }
}
