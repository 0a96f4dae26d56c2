// stats.jsonl's file format: histograms (20 bins whose counts add up to the finite values, non-finite values counted
// apart, all-equal values in one bin), a record written and read back field for field, a line cut short by a crash
// skipped by the reader, and a resume cutting the file back to the checkpoint's step.
using Recurrent.Tests.Data;
using Recurrent.Training;

namespace Recurrent.Tests.Training;

public sealed class TrainingStatisticsTests
{
    [Fact]
    public void HistogramBinsEveryFiniteValueOnceAndCountsTheOthersApart()
    {
        float[] values = [-1f, 0f, 0.5f, 1f, 3f, float.NaN, float.PositiveInfinity, 2.9f, -0.99f];
        var h = Histogram.Of(values, out double meanAbs);
        Assert.Equal(Histogram.Bins, h.Counts.Length);
        Assert.Equal(7, h.Finite);
        Assert.Equal(2, h.NonFinite);
        Assert.Equal(-1f, h.Min);
        Assert.Equal(3f, h.Max);
        Assert.Equal(2, h.Counts[0]);  // -1 and -0.99 lie in [-1, -0.8)
        Assert.Equal(2, h.Counts[^1]); // 2.9 and the maximum 3
        Assert.Equal((1 + 0 + 0.5 + 1 + 3 + 2.9 + 0.99) / 7, meanAbs, 6);

        var same = Histogram.Of([0.25f, 0.25f, 0.25f], out _);
        Assert.Equal(3, same.Counts[0]);
        Assert.Equal(3, same.Finite);
    }

    private static StatisticsRecord Record(long step) => new(step, step / 10.0,
        [new TensorStatistics("rnn.weight_hh_l0", [8, 2], 16, 0.5, 0.001, Math.Log10(0.002), Histogram.Of([1f, 2f, float.NaN], out _),
            Histogram.Of([0f], out _), null)],
        [new ActivationStatistics("layer0.gate_i", Histogram.Of([0.01f, 0.5f, 0.99f], out _), 2.0 / 3)]);

    [Fact]
    public void ARecordIsWrittenInTheDashboardsFormatAndReadBack()
    {
        string line = TrainingStatistics.Format(Record(120));
        Assert.StartsWith("{\"step\":120,\"epoch\":12,\"tensors\":[{\"name\":\"rnn.weight_hh_l0\",\"shape\":[8,2],\"count\":16,\"mean_abs\":0.5,", line);
        Assert.Contains("\"weights\":{\"min\":1,\"max\":2,\"counts\":[1,", line);
        Assert.Contains("\"nonfinite\":1", line);
        Assert.Contains("\"updates\":null", line);
        Assert.Contains("\"activations\":[{\"name\":\"layer0.gate_i\",\"min\":0.01,\"max\":0.99,", line);

        Assert.True(TrainingStatistics.TryParse(line, out var back));
        var t = Assert.Single(back.Tensors);
        Assert.Equal([8, 2], t.Shape);
        Assert.Equal(Math.Log10(0.002), t.RatioLog10!.Value, 4);
        Assert.Null(t.Updates);
        Assert.Equal(1, t.Weights.NonFinite);
        Assert.Equal(2.0 / 3, back.Activations![0].Saturated!.Value, 5);
    }

    [Fact]
    public void TheReaderSkipsALineCutShortByACrash()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, RunDirectory.StatsFile);
        TrainingStatistics.Append(path, Record(10));
        TrainingStatistics.Append(path, Record(20));
        string third = TrainingStatistics.Format(Record(30));
        File.AppendAllText(path, third[..(third.Length / 2)]);
        Assert.Equal([10L, 20L], TrainingStatistics.Read(path).Select(r => r.Step));
    }

    [Fact]
    public void AResumeCutsTheStatisticsBackToTheCheckpointsStep()
    {
        using var dir = new TempDirectory();
        var run = new RunDirectory(Path.Combine(dir.Path, "run"));
        Directory.CreateDirectory(run.Path);
        foreach (long step in new long[] { 5, 10, 15, 20 }) TrainingStatistics.Append(run.Stats, Record(step));
        run.PrepareResume(10);
        Assert.Equal([5L, 10L], TrainingStatistics.Read(run.Stats).Select(r => r.Step));
    }
}
