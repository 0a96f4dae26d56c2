// `rnn train --help` shows each kind of model's own defaults, read from the library's option records (not restated
// in the CLI); a language model too large for this machine is refused before anything is allocated or written.
using Recurrent.Classification;
using Recurrent.Forecasting;
using Recurrent.LanguageModels;
using Recurrent.Seq2Seq;
using Recurrent.Supervised;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

public sealed class TrainHelpAndSizeTests
{
    [Fact]
    public void TheHelpShowsEachKindsDefaultsFromTheLibrary()
    {
        var r = CliRunner.Run("train", "--help");
        Assert.Equal(0, r.ExitCode);
        string help = string.Join(" ", r.Stdout.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"lm sized for the corpus and budget with --data (built-in corpus {new LanguageModelOptions().HiddenSize}), classify/tag {new ClassifierSettings().HiddenSize}, " +
            $"forecast {new ForecastModelSettings().HiddenSize}, seq2seq {new Seq2SeqTrainingOptions().Model.HiddenSize}", help);
        Assert.Contains($"classify/tag {new SupervisedOptions().Optimization.LearningRate}", help);
        Assert.Contains($"forecast {new ForecastOptions().Fit.Epochs}", help);
        Assert.Contains($"seq2seq {new Seq2SeqTrainingOptions().BatchSize}", help);
    }

    [Fact]
    public void ALanguageModelTooLargeForThisMachineIsRefusedBeforeAllocating()
    {
        using var dir = new TempDirectory();
        string text = dir.File("text.txt", LanguageModelTestSupport.Corpus(3000));
        foreach (string hidden in new[] { "100000", "20000" })
        {
            string run = Path.Combine(dir.Path, "run" + hidden);
            var r = CliRunner.Run("train", "--data", text, "--hidden", hidden, "--run-dir", run);
            Assert.Equal(2, r.ExitCode);
            Assert.StartsWith("rnn: Training this model needs about", r.Stderr);
            Assert.Contains("GB of memory available", r.Stderr);
            Assert.DoesNotContain("Exception", r.Stderr);
            Assert.False(File.Exists(Path.Combine(run, RunDirectory.LastFile)));
        }
    }
}
