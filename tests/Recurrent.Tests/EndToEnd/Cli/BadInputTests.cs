// Bad input to `rnn train`, `rnn sample` and `rnn eval` through the real tool, one case per kind of mistake the
// issue lists (the ones TrainCommandTests/SampleCommandTests/EvalCommandTests do not already cover): a directory
// or glob without files, bytes a legacy code page decodes silently (GBK 0xFF), a batch larger than the data, a
// vocabulary too large for the char tokenizer, non-finite or non-positive hyperparameters, truncated, newer and
// shape-mismatched model files, a training state from a newer version, an unwritable run directory, and a run
// whose loss stops being finite. Each gives exit code 2 and one line naming the file, offset or value, with no
// stack trace unless --verbose.
using System.Text;
using Recurrent.Training;
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Serialization;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;

namespace Recurrent.Tests.Cli;

public sealed class BadInputTests(TrainedCharModel trained) : IClassFixture<TrainedCharModel>
{
    public static TheoryData<string, string[], string[]> TrainErrors => new()
    {
        { "directory without files", ["--data", "{dir}/only-hidden"], ["only-hidden", "contains no files"] },
        { "glob without matches", ["--data", "{dir}/*.md"], ["No files match", "*.md"] },
        { "GBK 0xFF", ["--data", "{dir}/gbk-ff.txt", "--encoding", "gbk"], ["gbk-ff.txt", "not valid gbk", "byte 0xFF at byte offset 12"] },
        { "Shift-JIS 0xA0", ["--data", "{dir}/sjis-a0.txt", "--encoding", "shift_jis"], ["sjis-a0.txt", "byte 0xA0 at byte offset 6"] },
        { "bad UTF-16", ["--data", "{dir}/bad-utf16.txt", "--encoding", "utf-16"], ["bad-utf16.txt", "not valid utf-16", "byte offset 4"] },
        { "batch larger than the data", ["--data", "{dir}/ok.txt", "--batch", "500"], ["ok.txt", "fewer than one window", "--batch 500"] },
        { "too many characters", ["--data", "{dir}/cjk.txt"], ["more than 10,000 distinct characters", "--tokenizer word", "--tokenizer bpe"] },
        { "learning rate NaN", ["--data", "{dir}/ok.txt", "--lr", "NaN"], ["--lr must be positive and finite, got NaN"] },
        { "learning rate infinite", ["--data", "{dir}/ok.txt", "--lr", "Infinity"], ["--lr must be positive and finite, got "] },
        { "negative window", ["--data", "{dir}/ok.txt", "--seq-length", "-4"], ["--seq-length must be positive, got -4"] },
        { "zero layers", ["--data", "{dir}/ok.txt", "--layers", "0"], ["--layers must be positive, got 0"] },
        { "negative embedding", ["--data", "{dir}/ok.txt", "--embedding", "-1"], ["--embedding must be 0 (one-hot) or positive, got -1"] },
        { "zero bad steps", ["--data", "{dir}/ok.txt", "--max-bad-steps", "0"], ["--max-bad-steps must be positive, got 0"] },
        { "negative checkpoint interval", ["--data", "{dir}/ok.txt", "--checkpoint-every", "-2"], ["--checkpoint-every must be >= 0, got -2"] },
        { "run directory not writable", ["--data", "{dir}/ok.txt", "--run-dir", "/proc/rnn-run"], ["Cannot write to the run directory", "/proc/rnn-run"] },
        { "truncated init model", ["--data", "{dir}/ok.txt", "--init-from", "{dir}/truncated.safetensors"], ["truncated.safetensors", "not a valid model file"] },
        { "shape mismatch on import", ["--data", "{model-corpus}", "--init-from", "{model}", "--hidden", "24"],
            ["rnn.weight_ih_l0", "has shape (64, 8)", "the model needs (96, 8)"] },
        { "newer model format", ["--data", "{model-corpus}", "--init-from", "{dir}/newer.safetensors"], ["newer.safetensors", "format version 3, newer than this build's 2", "update Recurrent"] },
        { "newer training state", ["--resume", "{dir}/newer-state"], ["training-state version 9", "newer than this build's 1"] },
        { "loss not finite", ["--data", "{dir}/ok.txt", "--optimizer", "sgd", "--lr", "1e38", "--clip", "0", "--max-bad-steps", "3", "--eval-every", "0"],
            ["3 steps in a row whose loss or gradient was not finite", "last.safetensors", "--max-bad-steps"] },
    };

    [Theory]
    [MemberData(nameof(TrainErrors))]
    public void TrainErrorsGiveOneLineNamingTheProblemAndExitCode2(string what, string[] args, string[] expected)
    {
        using var dir = Inputs();
        var command = new List<string> { "train" };
        string[] expanded = args.Select(a => Expand(a, dir)).ToArray();
        command.AddRange(args.Contains("--resume") ? expanded : TinyTraining.WithDefaults([.. expanded, "--steps", "30"]));
        if (!args.Contains("--run-dir") && !args.Contains("--resume")) command.AddRange(["--run-dir", Path.Combine(dir.Path, "runs", "r")]);
        var r = CliRunner.Run([.. command]);
        AssertUserError(what, r, expected.Select(e => Expand(e, dir)));
    }

    [Fact]
    public void ARunWhoseLossStopsBeingFiniteKeepsItsLastGoodCheckpoint()
    {
        using var dir = Inputs();
        string run = Path.Combine(dir.Path, "run");
        var r = TinyTraining.Train(Path.Combine(dir.Path, "ok.txt"), run, "--optimizer", "sgd", "--lr", "1e38", "--clip", "0",
            "--max-bad-steps", "3", "--checkpoint-every", "1", "--eval-every", "0", "--steps", "30");
        AssertUserError("diverged", r, ["3 steps in a row"]);
        Assert.Contains("rnn: warning: skipped a batch", r.Stderr);
        var checkpoint = LanguageModelFile.LoadCheckpoint(Path.Combine(run, RunDirectory.LastFile));
        Assert.True(checkpoint.TrainingState!.Step < 30);
        Assert.All(checkpoint.Content.Parameters.Concat(checkpoint.Content.OptimizerState), t => Assert.True(t.Data.All(float.IsFinite), t.Name));
    }

    [Fact]
    public void VerboseAddsTheStackTrace()
    {
        using var dir = Inputs();
        var quiet = CliRunner.Run("sample", Path.Combine(dir.Path, "truncated.safetensors"));
        var verbose = CliRunner.Run("sample", Path.Combine(dir.Path, "truncated.safetensors"), "--verbose");
        AssertUserError("truncated", quiet, ["truncated.safetensors", "not a valid model file"]);
        Assert.Equal(2, verbose.ExitCode);
        Assert.Contains("   at ", verbose.Stderr);
    }

    [Fact]
    public void SampleAndEvalRefuseNewerAndTruncatedModelsAndUnusableData()
    {
        using var dir = Inputs();
        AssertUserError("sample newer", CliRunner.Run("sample", Path.Combine(dir.Path, "newer.safetensors")),
            [Path.Combine(dir.Path, "newer.safetensors"), "format version 3"]);
        AssertUserError("eval truncated", CliRunner.Run("eval", Path.Combine(dir.Path, "truncated.safetensors"), "--data", trained.Corpus),
            [Path.Combine(dir.Path, "truncated.safetensors"), "not a valid model file"]);
        AssertUserError("eval empty", CliRunner.Run("eval", trained.Model, "--data", Path.Combine(dir.Path, "empty.txt")),
            [Path.Combine(dir.Path, "empty.txt"), "is empty"]);
        AssertUserError("eval directory", CliRunner.Run("eval", trained.Model, "--data", Path.Combine(dir.Path, "only-hidden")),
            ["only-hidden", "contains no files"]);
        AssertUserError("eval bad bytes", CliRunner.Run("eval", trained.Model, "--data", Path.Combine(dir.Path, "gbk-ff.txt"), "--encoding", "gbk"),
            ["gbk-ff.txt", "byte 0xFF at byte offset 12"]);
    }

    private static void AssertUserError(string what, CliRunner.Result r, IEnumerable<string> expected)
    {
        Assert.True(r.ExitCode == 2, $"{what}: exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        string error = r.Stderr.Split('\n').Last(l => l.StartsWith("rnn: ", StringComparison.Ordinal) && !l.StartsWith("rnn: warning", StringComparison.Ordinal));
        foreach (string e in expected) Assert.True(error.Contains(e, StringComparison.Ordinal), $"{what}: '{e}' not in: {error}");
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    private string Expand(string s, TempDirectory dir) =>
        s.Replace("{dir}", dir.Path).Replace("{model-corpus}", trained.Corpus).Replace("{model}", trained.Model);

    /// <summary>The bad inputs, generated: each is a valid input with one thing wrong.</summary>
    private TempDirectory Inputs()
    {
        var dir = new TempDirectory();
        TextEncodings.EnsureCodePages();
        dir.File("ok.txt", LanguageModelTestSupport.Corpus(3000));
        dir.File("empty.txt", "");
        dir.File("only-hidden/.notes", "hidden files are not corpus files");
        var gbk = TextEncodings.Get("gbk");
        dir.Bytes("gbk-ff.txt", [.. gbk.GetBytes("你好，世界。"), 0xFF, .. gbk.GetBytes("很好")]); // 6 characters × 2 bytes, then 0xFF
        var sjis = TextEncodings.Get("shift_jis");
        dir.Bytes("sjis-a0.txt", [.. sjis.GetBytes("こんにちは")[..6], 0xA0, (byte)'a']);
        dir.Bytes("bad-utf16.txt", [.. Encoding.Unicode.GetBytes("ab"), 0x00, 0xDC, .. Encoding.Unicode.GetBytes("cd")]); // a lone low surrogate
        var cjk = new StringBuilder();
        for (int cp = 0x4E00; cp < 0x4E00 + 10_050; cp++) cjk.Append((char)cp);
        dir.File("cjk.txt", cjk.ToString());

        byte[] model = File.ReadAllBytes(trained.Model);
        dir.Bytes("truncated.safetensors", model[..(model.Length * 2 / 3)]);
        dir.Bytes("newer.safetensors", Resigned(model, meta => meta["format_version"] = "3"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "newer-state"));
        dir.Bytes("newer-state/last.safetensors", Resigned(model, meta =>
            meta["training"] = meta["training"].Replace("\"version\":1", "\"version\":9", StringComparison.Ordinal)));
        return dir;
    }

    /// <summary>A model file with edited metadata and a checksum made to match, as a newer build would write it.</summary>
    internal static byte[] Resigned(byte[] file, Action<Dictionary<string, string>> edit)
    {
        var content = SafeTensors.Parse(file, "model");
        var meta = new Dictionary<string, string>(content.Metadata);
        edit(meta);
        meta["sha256"] = ModelFile.Checksum(content.Tensors, meta);
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, content.Tensors, meta);
        return stream.ToArray();
    }
}
