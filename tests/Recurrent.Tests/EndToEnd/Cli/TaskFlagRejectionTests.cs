// `rnn train --task X` with an option that belongs to another task: the tool must refuse it with one `rnn:`
// line naming the option and the task, exit code 2, and write nothing, instead of silently ignoring it.
// Each case has a valid data file for its task, so the only thing wrong is the foreign option.
using Recurrent.Tests.Data;

namespace Recurrent.Tests.Cli;

public sealed class TaskFlagRejectionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string DataFor(string task) => task switch
    {
        "classify" => _dir.File("c.tsv", "yes\tzebra\nno\tcat\nyes\tzoo\nno\tdog\n"),
        "tag" => _dir.File("t.conll", "Ann B-PER\nruns O\n\nBob B-PER\nsits O\n"),
        "forecast" => _dir.File("f.csv", string.Concat(Enumerable.Range(0, 40).Select(i => $"{i % 7}\n"))),
        "seq2seq" => _dir.File("s.tsv", "ab\tba\nabc\tcba\nca\tac\nb\tb\n"),
        _ => throw new ArgumentException(task),
    };

    [Theory]
    [InlineData("classify", "--window", "8")]   // forecast-only flag on the classifier
    [InlineData("tag", "--reverse-source", null)] // seq2seq-only flag on the tagger
    [InlineData("forecast", "--bidirectional", null)] // classify/tag-only flag on the forecaster
    [InlineData("forecast", "--val", "f.csv")]  // classify/tag (and lm) flag on the forecaster
    [InlineData("seq2seq", "--window", "8")]    // forecast-only flag on the encoder–decoder
    [InlineData("seq2seq", "--dropout", "0.2")] // the encoder–decoder has no dropout
    [InlineData("seq2seq", "--sample-every", "5")] // language-model-only flag
    [InlineData("classify", "--dropout-input", "0.1")] // the AWD-LSTM dropouts are language-model options
    [InlineData("tag", "--weight-drop", "0.2")]
    [InlineData("forecast", "--dropout-output", "0.2")]
    [InlineData("seq2seq", "--dropout-embedding", "0.1")]
    [InlineData("classify", "--dropout-masks", "element")]
    [InlineData("tag", "--features-per-step", "2")] // classify-only flag (numeric files) on the tagger
    [InlineData("forecast", "--features-per-step", "3")] // ... and on the forecaster, whose columns are its channels
    public void AnotherTasksOptionIsRefusedWithOneLineAndExitCode2(string task, string option, string? value)
    {
        string data = DataFor(task);
        string runDir = Path.Combine(_dir.Path, "run");
        string[] args = ["train", "--task", task, "--data", data, "--run-dir", runDir, "--epochs", "1", "--quiet", option];
        if (value is not null) args = [.. args, value == "f.csv" ? data : value];
        var r = CliRunner.Run(args);
        Assert.Equal(2, r.ExitCode);
        string[] lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"rnn: {option} does not apply to --task {task}.", Assert.Single(lines).TrimEnd('\r'));
        Assert.False(Directory.Exists(runDir), "a refused run must not create its run directory");
    }

    [Fact]
    public void LanguageModelRefusesAForecastOption()
    {
        string data = _dir.File("text.txt", "hello world\n");
        string runDir = Path.Combine(_dir.Path, "lm");
        var r = CliRunner.Run("train", "--data", data, "--run-dir", runDir, "--steps", "1", "--horizon", "3");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("rnn: --horizon does not apply to a language model", r.Stderr);
        Assert.False(Directory.Exists(runDir));
    }
}
