// `mpirun -np 2 rnn train` (issue #17): the real tool under Open MPI's launcher, two processes on this machine.
// Two ranks end with the weights and Adam moments of one process trained with the same global batch — every tensor
// of the two last.safetensors compared, the largest difference printed and held under 1e-5; only rank 0 prints and
// writes; a run stopped and resumed on two processes equals the uninterrupted one bit for bit; a --batch that does not divide over the processes is one message and a non-zero exit on every rank; and
// without an MPI library, --distributed says what to install. mpirun must be installed (.ci/run installs Open MPI):
// when it is missing these tests fail and say so, they never pass without running.
using System.Diagnostics;
using Recurrent.Serialization;
using Recurrent.Tests.Data;
using Recurrent.Tests.Supervised;
using Recurrent.Training;
using Xunit.Abstractions;

namespace Recurrent.Tests.Cli;

public sealed class DistributedCliTests(ITestOutputHelper output)
{
    private static readonly string[] Tiny =
    [
        "train", "--hidden", "32", "--layers", "1", "--embedding", "16", "--batch", "8", "--seq-length", "16", "--lr", "0.01",
        "--dropout", "0", "--steps", "20", "--seed", "3", "--eval-every", "10", "--sample-every", "0",
    ];

    [Fact]
    public void Two_processes_under_mpirun_end_with_the_weights_of_one_process()
    {
        using var dir = new TempDirectory();
        string corpus = Corpus(dir);
        string single = Path.Combine(dir.Path, "single"), parallel = Path.Combine(dir.Path, "parallel");

        var one = CliRunner.Run([.. Tiny, "--data", corpus, "--run-dir", single]);
        var two = Mpirun(2, [.. Tiny, "--data", corpus, "--run-dir", parallel]);

        Assert.True(one.ExitCode == 0, one.Stderr);
        Assert.True(two.ExitCode == 0, two.Stdout + two.Stderr);
        // Rank 0 alone reports: one header, one closing line; rank 1 prints nothing.
        Assert.Single(Lines(two.Stdout, "run directory: "));
        Assert.Single(Lines(two.Stdout, "stopped at step 20"));
        Assert.Contains("data-parallel: 2 processes", two.Stdout);
        Assert.Equal("", two.Stderr.Trim());

        var a = ModelFile.Read(Path.Combine(single, RunDirectory.LastFile));
        var b = ModelFile.Read(Path.Combine(parallel, RunDirectory.LastFile));
        Assert.Equal(20, b.OptimizerSteps);
        double largest = LargestDifference(a, b, out string where);
        output.WriteLine($"largest |difference| over every tensor, 2 ranks vs 1 process, 20 updates: {largest:E2} (in {where})");
        Assert.True(largest < 1e-5, $"largest difference {largest:E2} in {where}");

        // The same metrics lines; the validation loss (split over the ranks and summed) agrees.
        var ma = MetricsLog.Read(Path.Combine(single, RunDirectory.MetricsFile));
        var mb = MetricsLog.Read(Path.Combine(parallel, RunDirectory.MetricsFile));
        Assert.Equal(ma.Select(m => m.Step), mb.Select(m => m.Step));
        Assert.Equal(ma[^1].ValidationLoss!.Value, mb[^1].ValidationLoss!.Value, 1e-5);
    }

    [Fact]
    public void A_two_process_run_stopped_and_resumed_under_mpirun_equals_the_uninterrupted_one()
    {
        using var dir = new TempDirectory();
        string corpus = Corpus(dir);
        string straight = Path.Combine(dir.Path, "straight"), stopped = Path.Combine(dir.Path, "stopped");
        string[] first = [.. Tiny.Select(a => a == "20" ? "10" : a), "--data", corpus, "--run-dir", stopped];
        Assert.Contains("10", first);

        var a = Mpirun(2, [.. Tiny, "--data", corpus, "--run-dir", straight]);
        var b = Mpirun(2, first);
        var c = Mpirun(2, ["train", "--resume", stopped, "--steps", "20"]);

        Assert.True(a.ExitCode == 0, a.Stdout + a.Stderr);
        Assert.True(b.ExitCode == 0, b.Stdout + b.Stderr);
        Assert.True(c.ExitCode == 0, c.Stdout + c.Stderr);
        Assert.Contains("resuming at step 10", c.Stdout);
        Assert.Contains("data-parallel: 2 processes", c.Stdout);
        double largest = LargestDifference(ModelFile.Read(Path.Combine(straight, RunDirectory.LastFile)),
            ModelFile.Read(Path.Combine(stopped, RunDirectory.LastFile)), out string where);
        Assert.True(largest == 0, $"the resumed run differs from the uninterrupted one by {largest:E2} in {where}");
        Assert.Equal(MetricsLog.Read(Path.Combine(straight, RunDirectory.MetricsFile)).Select(m => (m.Step, m.TrainLoss, m.ValidationLoss)),
            MetricsLog.Read(Path.Combine(stopped, RunDirectory.MetricsFile)).Select(m => (m.Step, m.TrainLoss, m.ValidationLoss)));
    }

    [Fact]
    public void Two_processes_under_mpirun_train_a_classifier_as_one_process_does()
    {
        // 201 examples in batches of 8: the last batch of 1 leaves rank 1 with nothing, and padded batches give the
        // ranks different token counts; the weights still match one process's.
        using var dir = new TempDirectory();
        string data = dir.File("train.tsv", TaskSynthetic.Tsv(201, 21));
        string single = Path.Combine(dir.Path, "single"), parallel = Path.Combine(dir.Path, "parallel");
        string[] args = ["train", "--task", "classify", "--data", data, "--epochs", "2", "--batch", "8", "--hidden", "16", "--embedding", "8",
            "--dropout", "0", "--seed", "4"];

        var one = CliRunner.Run([.. args, "--run-dir", single]);
        var two = Mpirun(2, [.. args, "--run-dir", parallel]);

        Assert.True(one.ExitCode == 0, one.Stderr);
        Assert.True(two.ExitCode == 0, two.Stdout + two.Stderr);
        Assert.Contains("data-parallel: 2 processes", two.Stdout);
        var a = ModelFile.Read(Path.Combine(single, RunDirectory.LastFile));
        var b = ModelFile.Read(Path.Combine(parallel, RunDirectory.LastFile));
        double largest = LargestDifference(a, b, out string where);
        output.WriteLine($"classify: largest |difference| over every tensor, 2 ranks vs 1 process: {largest:E2} (in {where})");
        Assert.True(largest < 1e-5, $"largest difference {largest:E2} in {where}");
    }

    [Fact]
    public void Distributed_a_batch_that_does_not_divide_over_the_processes_is_refused()
    {
        using var dir = new TempDirectory();
        string[] args = [.. Tiny.Select(a => a == "8" ? "7" : a), "--data", Corpus(dir), "--run-dir", Path.Combine(dir.Path, "run")];
        Assert.Contains("7", args);
        var r = Mpirun(2, args);
        output.WriteLine(r.Stderr);

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("rnn: --batch 7 cannot be split evenly over 2 processes", r.Stderr);
        Assert.False(File.Exists(Path.Combine(dir.Path, "run", RunDirectory.MetricsFile)));
    }

    [Fact]
    public void Distributed_without_an_MPI_library_says_what_to_install()
    {
        using var dir = new TempDirectory();
        var r = CliRunner.RunWith(new Dictionary<string, string> { ["RECURRENT_MPI_LIBRARY"] = "/nonexistent/libmpi.so.40" },
            [.. Tiny, "--distributed", "--data", Corpus(dir), "--run-dir", Path.Combine(dir.Path, "run")]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("install Open MPI: apt-get install openmpi-bin libopenmpi-dev", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "run")));
    }

    // The largest absolute difference over every parameter and optimizer tensor of two model files, and where.
    private static double LargestDifference(ModelFileContent a, ModelFileContent b, out string where)
    {
        Assert.Equal(a.OptimizerSteps, b.OptimizerSteps);
        Assert.Equal(a.Parameters.Count + a.OptimizerState.Count, b.Parameters.Count + b.OptimizerState.Count);
        double largest = 0;
        where = "";
        foreach (var (x, y) in a.Parameters.Concat(a.OptimizerState).Zip(b.Parameters.Concat(b.OptimizerState)))
        {
            Assert.Equal(x.Name, y.Name);
            Assert.Equal(x.Data.Length, y.Data.Length);
            for (int i = 0; i < x.Data.Length; i++)
            {
                double d = Math.Abs((double)x.Data[i] - y.Data[i]);
                if (d > largest) (largest, where) = (d, x.Name);
            }
        }
        return largest;
    }

    private static string Corpus(TempDirectory dir)
    {
        const string tiny = "/work/shared/data/tinyshakespeare.txt";
        string text = File.Exists(tiny) ? File.ReadAllText(tiny)[..20_000] : Recurrent.Tests.LanguageModels.LanguageModelTestSupport.Corpus(20_000);
        return dir.File("corpus.txt", text);
    }

    private static IEnumerable<string> Lines(string text, string containing) =>
        text.Split('\n').Where(l => l.Contains(containing, StringComparison.Ordinal));

    private static CliRunner.Result Mpirun(int processes, string[] args)
    {
        string mpirun = new[] { "/usr/bin/mpirun", "/usr/local/bin/mpirun" }.FirstOrDefault(File.Exists)
            ?? throw new Xunit.Sdk.XunitException("mpirun is not installed, so the data-parallel tests cannot run: install Open MPI " +
                "(apt-get install openmpi-bin libopenmpi-dev; .ci/run does it).");
        var psi = new ProcessStartInfo(mpirun) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["--allow-run-as-root", "--oversubscribe", "-np", processes.ToString(), "dotnet", Path.Combine(AppContext.BaseDirectory, "rnn.dll"), .. args])
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000)) { p.Kill(true); throw new TimeoutException($"mpirun -np {processes} rnn {string.Join(' ', args)} did not finish in 180 s"); }
        return new CliRunner.Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
