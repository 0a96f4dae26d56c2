// `rnn train` through the real tool: char, word and BPE models on a small generated corpus produce a complete run
// directory (checkpoints, metrics, samples, plots) and end with a sample; a GBK file trains exactly as its UTF-8
// twin; --resume through the command line equals an uninterrupted run; the built-in corpus trains; and every
// user error gives one line naming the file or value, exit code 2 and no stack trace.
using System.Text;
using System.Text.Json;
using Recurrent.Training;
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Serialization;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;

namespace Recurrent.Tests.Cli;

public sealed class TrainCommandTests
{
    [Theory]
    [InlineData("char")]
    [InlineData("word")]
    [InlineData("bpe")]
    public void TrainsAndWritesCheckpointsMetricsSamplesAndPlots(string tokenizer)
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(6000));
        string run = Path.Combine(dir.Path, "run");
        var r = TinyTraining.Train(corpus, run, "--tokenizer", tokenizer, "--steps", "30", "--eval-every", "10", "--log-every", "5",
            "--sample-every", "15", "--sample-length", "20");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains($"{tokenizer} (", r.Stdout);
        Assert.Contains("stopped at step 30", r.Stdout);
        Assert.Contains("---- sample at step 15 ----", r.Stdout);
        Assert.Contains("sample (step 30", r.Stdout);

        foreach (string file in new[] { RunDirectory.LastFile, RunDirectory.BestFile, RunDirectory.MetricsFile, RunDirectory.SamplesFile, "loss.png", "loss.svg" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} is missing");
        var last = LanguageModelFile.LoadCheckpoint(Path.Combine(run, RunDirectory.LastFile));
        Assert.Equal(tokenizer, last.Tokenizer.Kind);
        Assert.Equal(30, last.TrainingState!.Step);
        Assert.Equal(30, last.Content.OptimizerSteps);
        Assert.NotNull(LanguageModelFile.Load(Path.Combine(run, RunDirectory.BestFile)).TrainingState!.BestScore);

        Assert.Equal((byte)'{', File.ReadAllBytes(Path.Combine(run, RunDirectory.MetricsFile))[0]); // no byte-order mark
        string[] lines = File.ReadAllLines(Path.Combine(run, RunDirectory.MetricsFile));
        Assert.Equal(6, lines.Length); // steps 5, 10, ..., 30
        using (var first = JsonDocument.Parse(lines[1]))
        {
            var o = first.RootElement;
            foreach (string key in new[] { "step", "epoch", "train_loss", "val_loss", "lr", "grad_norm", "tokens_per_s", "elapsed_s" })
                Assert.True(o.TryGetProperty(key, out _), $"metrics line lacks {key}: {lines[1]}");
            Assert.Equal(10, o.GetProperty("step").GetInt64());
            Assert.True(o.GetProperty("val_loss").GetDouble() > 0);
        }
        var metrics = MetricsLog.Read(Path.Combine(run, RunDirectory.MetricsFile));
        Assert.True(metrics[^1].TrainLoss < metrics[0].TrainLoss, "the training loss should fall over 30 steps");

        byte[] png = File.ReadAllBytes(Path.Combine(run, "loss.png"));
        Assert.Equal(TinyTraining.PngSignature, png.Take(8).ToArray());
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(run, "loss.svg")));
        Assert.Contains("---- step 15 ----", File.ReadAllText(Path.Combine(run, RunDirectory.SamplesFile)));

        var sample = CliRunner.Run("sample", run, "--length", "25", "--seed", "1");
        Assert.True(sample.ExitCode == 0, sample.Stderr);
        Assert.False(string.IsNullOrWhiteSpace(sample.Stdout));
    }

    [Fact]
    public void AGbkFileTrainsAndSamplesExactlyAsItsUtf8Twin()
    {
        using var dir = new TempDirectory();
        string text = string.Concat(Enumerable.Repeat(Samples.Chinese, 6));
        string utf8 = dir.File("novel-utf8.txt", text);
        string gbk = dir.Bytes("novel-gbk.txt", TextEncodings.Get("gbk").GetBytes(text));
        Assert.NotEqual(File.ReadAllBytes(utf8), File.ReadAllBytes(gbk));

        var a = TinyTraining.Train(utf8, Path.Combine(dir.Path, "utf8"), "--steps", "12", "--eval-every", "6");
        var b = TinyTraining.Train(gbk, Path.Combine(dir.Path, "gbk"), "--encoding", "gbk", "--steps", "12", "--eval-every", "6");
        Assert.True(a.ExitCode == 0, a.Stdout + a.Stderr);
        Assert.True(b.ExitCode == 0, b.Stdout + b.Stderr);

        var ma = ModelFile.Read(Path.Combine(dir.Path, "utf8", RunDirectory.LastFile));
        var mb = ModelFile.Read(Path.Combine(dir.Path, "gbk", RunDirectory.LastFile));
        Assert.Equal(ma.Tokenizer, mb.Tokenizer);
        Assert.Equal(ma.Parameters.Select(t => t.Name), mb.Parameters.Select(t => t.Name));
        for (int i = 0; i < ma.Parameters.Count; i++)
            Assert.Equal(ma.Parameters[i].Data, mb.Parameters[i].Data);

        var sa = CliRunner.Run("sample", Path.Combine(dir.Path, "utf8"), "--prime", "话说", "--length", "40", "--seed", "9");
        var sb = CliRunner.Run("sample", Path.Combine(dir.Path, "gbk"), "--prime", "话说", "--length", "40", "--seed", "9");
        Assert.Equal(0, sa.ExitCode);
        Assert.Equal(sa.Stdout, sb.Stdout);
        Assert.StartsWith("话说", sa.Stdout);
        Assert.All(sa.Stdout.Trim().EnumerateRunes(), r => Assert.Contains(r.ToString(), text));
    }

    [Fact]
    public void ResumeFromTheCommandLineEqualsAnUninterruptedRun()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        // Evaluations after the resume point (steps 14, 21, and the end) see the same model; the last line covers the same updates.
        TinyTraining.AssertCommandLineResumeIsExact(corpus, dir.Path,
            ["--layers", "2", "--dropout", "0.25", "--eval-every", "7", "--sample-every", "9", "--sample-length", "10"]);
    }

    [Fact]
    public void WithoutDataItTrainsOnTheBuiltInCorpusAndEndsWithASample()
    {
        using var dir = new TempDirectory();
        var r = CliRunner.Run(["train", "--run-dir", Path.Combine(dir.Path, "run"), .. TinyTraining.WithDefaults("--steps", "3", "--seq-length", "8")]);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("built-in corpus", r.Stdout);
        Assert.Contains("sample (step 3", r.Stdout);
        var state = LanguageModelFile.LoadCheckpoint(Path.Combine(dir.Path, "run", RunDirectory.LastFile)).RunSpec!;
        Assert.NotNull(state.Data!.BuiltIn);
        Assert.True(state.TrainTokens > 100_000, $"the built-in corpus has only {state.TrainTokens} training tokens");
    }

    [Fact]
    public void ValidationFromSeparateFilesAndEarlyStopping()
    {
        using var dir = new TempDirectory();
        string train = dir.File("train.txt", LanguageModelTestSupport.Corpus(3000, seed: 1));
        string val = dir.File("val.txt", LanguageModelTestSupport.Corpus(400, seed: 2));
        var r = TinyTraining.Train(train, Path.Combine(dir.Path, "run"), "--val", val, "--steps", "400", "--eval-every", "1",
            "--patience", "2", "--lr", "0.5", "--optimizer", "sgd");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("early stopping", r.Stdout);
    }

    public static TheoryData<string, string[], string[]> UserErrors => new()
    {
        { "missing file", ["--data", "{dir}/nope.txt"], ["nope.txt", "does not exist"] },
        { "empty file", ["--data", "{dir}/empty.txt"], ["empty.txt", "is empty"] },
        { "bad UTF-8", ["--data", "{dir}/bad.txt"], ["bad.txt", "byte offset 3", "--encoding"] },
        { "unknown encoding", ["--data", "{dir}/ok.txt", "--encoding", "klingon"], ["klingon"] },
        { "shorter than a window", ["--data", "{dir}/short.txt"], ["short.txt", "fewer than one window", "--batch"] },
        { "zero hidden", ["--data", "{dir}/ok.txt", "--hidden", "0"], ["--hidden must be positive, got 0"] },
        { "dropout", ["--data", "{dir}/ok.txt", "--dropout", "1.5"], ["--dropout", "1.5"] },
        { "lr", ["--data", "{dir}/ok.txt", "--lr", "-1"], ["--lr", "-1"] },
        { "batch", ["--data", "{dir}/ok.txt", "--batch", "0"], ["--batch must be positive, got 0"] },
        { "not a number", ["--data", "{dir}/ok.txt", "--layers", "two"], ["'two'", "--layers"] },
        { "time", ["--data", "{dir}/ok.txt", "--time", "soon"], ["--time 'soon'"] },
        { "optimizer", ["--data", "{dir}/ok.txt", "--optimizer", "lbfgs"], ["unknown optimizer 'lbfgs'"] },
        { "unwritable run dir", ["--data", "{dir}/ok.txt", "--run-dir", "{dir}/ok.txt/run"], ["Cannot write to the run directory", "ok.txt/run"] },
        { "resume without run", ["--resume", "{dir}"], ["has no last.safetensors"] },
        { "resume with architecture", ["--resume", "{dir}", "--hidden", "8"], ["--hidden cannot be used with --resume"] },
        { "corrupt init model", ["--data", "{dir}/ok.txt", "--init-from", "{dir}/corrupt.safetensors"], ["corrupt.safetensors", "not a valid model file"] },
        { "prime outside vocabulary", ["--data", "{dir}/ok.txt", "--sample-prime", "§"], ["--sample-prime", "'§' (U+00A7)"] },
    };

    [Theory]
    [MemberData(nameof(UserErrors))]
    public void UserErrorsGiveOneLineNamingTheProblemAndExitCode2(string what, string[] args, string[] expected)
    {
        using var dir = new TempDirectory();
        dir.File("empty.txt", "");
        dir.Bytes("bad.txt", [(byte)'a', (byte)'b', (byte)'c', 0xC3, 0x28, (byte)'d']);
        dir.File("short.txt", "hello world");
        dir.File("ok.txt", LanguageModelTestSupport.Corpus(3000));
        dir.Bytes("corrupt.safetensors", Encoding.ASCII.GetBytes("definitely not a model"));
        var command = new List<string> { "train" };
        command.AddRange(args.Select(a => a.Replace("{dir}", dir.Path)));
        command.AddRange(["--steps", "2"]);
        if (!args.Contains("--run-dir") && !args.Contains("--resume")) command.AddRange(["--run-dir", Path.Combine(dir.Path, "runs", "r")]);
        var r = CliRunner.Run([.. command]);
        Assert.True(r.ExitCode == 2, $"{what}: exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        Assert.StartsWith("rnn: ", r.Stderr);
        foreach (string e in expected) Assert.Contains(e.Replace("{dir}", dir.Path), r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void AnExistingRunIsNeverOverwritten()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        string run = Path.Combine(dir.Path, "run");
        Assert.Equal(0, TinyTraining.Train(corpus, run, "--steps", "3").ExitCode);
        byte[] last = File.ReadAllBytes(Path.Combine(run, RunDirectory.LastFile));
        string metrics = File.ReadAllText(Path.Combine(run, RunDirectory.MetricsFile));
        var again = TinyTraining.Train(corpus, run, "--steps", "3");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already holds a run", again.Stderr);
        Assert.Equal(last, File.ReadAllBytes(Path.Combine(run, RunDirectory.LastFile)));
        Assert.Equal(metrics, File.ReadAllText(Path.Combine(run, RunDirectory.MetricsFile)));
    }

    [Fact]
    public void FineTuningStartsFromTheModelsWeights()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        Assert.Equal(0, TinyTraining.Train(corpus, Path.Combine(dir.Path, "base"), "--steps", "40").ExitCode);
        string other = dir.File("other.txt", LanguageModelTestSupport.Corpus(2000, seed: 99));
        var r = CliRunner.Run("train", "--data", other, "--init-from", Path.Combine(dir.Path, "base"), "--run-dir", Path.Combine(dir.Path, "tuned"),
            "--batch", "4", "--seq-length", "16", "--steps", "2", "--eval-every", "0");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("fine-tuning from", r.Stdout);
        // The same two updates from a fresh initialisation start near ln(V); the fine-tuned model starts where the base model ended.
        var fresh = TinyTraining.Train(other, Path.Combine(dir.Path, "fresh"), "--steps", "2", "--eval-every", "0");
        Assert.Equal(0, fresh.ExitCode);
        double baseLoss = MetricsLog.Read(Path.Combine(dir.Path, "base", RunDirectory.MetricsFile))[^1].TrainLoss!.Value;
        double tuned = MetricsLog.Read(Path.Combine(dir.Path, "tuned", RunDirectory.MetricsFile))[0].TrainLoss!.Value;
        double scratch = MetricsLog.Read(Path.Combine(dir.Path, "fresh", RunDirectory.MetricsFile))[0].TrainLoss!.Value;
        Assert.True(tuned < scratch - 0.3, $"fine-tuned loss {tuned}, from scratch {scratch}, base model {baseLoss}");
        Assert.Equal(LanguageModelFile.Load(Path.Combine(dir.Path, "base", RunDirectory.LastFile)).Tokenizer.ToJson(),
            LanguageModelFile.Load(Path.Combine(dir.Path, "tuned", RunDirectory.LastFile)).Tokenizer.ToJson());
    }
}
