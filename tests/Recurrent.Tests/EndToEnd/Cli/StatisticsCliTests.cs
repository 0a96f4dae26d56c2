// `rnn train --stats-every`: a classify run writes stats.jsonl every N updates (each line naming every parameter and the
// probe's activations), --stats-every 0 writes none, and a resumed run takes the flag and continues the file with no
// step twice.
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

public sealed class StatisticsCliTests
{
    [Fact]
    public void TrainWritesStatsEveryNUpdatesAndAResumeContinuesIt()
    {
        using var dir = new Recurrent.Tests.Data.TempDirectory();
        string tsv = dir.File("train.tsv", Recurrent.Tests.Supervised.TaskSynthetic.Tsv(40, 21));
        string run = Path.Combine(dir.Path, "run"), off = Path.Combine(dir.Path, "off");
        string[] common = ["train", "--task", "classify", "--data", tsv, "--hidden", "8", "--embedding", "4", "--batch", "8", "--quiet"];
        var r = CliRunner.Run([.. common, "--run-dir", run, "--steps", "6", "--stats-every", "2"]);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        var records = TrainingStatistics.Read(Path.Combine(run, RunDirectory.StatsFile));
        Assert.Equal([2L, 4L, 6L], records.Select(x => x.Step));
        Assert.Contains(records[0].Tensors, t => t.Name == "rnn.weight_hh_l0");
        Assert.Contains(records[0].Activations!, a => a.Name == "layer0.gate_f");

        var resumed = CliRunner.Run("train", "--resume", run, "--steps", "9", "--stats-every", "3", "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        Assert.Equal([2L, 4L, 6L, 9L], TrainingStatistics.Read(Path.Combine(run, RunDirectory.StatsFile)).Select(x => x.Step));

        var none = CliRunner.Run([.. common, "--run-dir", off, "--steps", "4", "--stats-every", "0"]);
        Assert.True(none.ExitCode == 0, none.Stdout + none.Stderr);
        Assert.False(File.Exists(Path.Combine(off, RunDirectory.StatsFile)));
        Assert.True(File.Exists(Path.Combine(off, RunDirectory.MetricsFile)));
    }
}
