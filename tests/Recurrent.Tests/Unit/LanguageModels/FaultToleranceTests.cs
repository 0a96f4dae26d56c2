// Faults during a language-model run, injected at real points: a NaN or infinite gradient (Trainer's gradient
// hook, after backward) is skipped before the update and counted, and the run goes on; MaxBadSteps of them in a
// row stop it with a message and the checkpoint on disk stays the last good, finite one; weights that overflow
// are never written; a disk that fills up part-way through writing a checkpoint (the checkpoint's own file
// stream throws "No space left on device") leaves the previous checkpoint loadable and the run resumable.
using Recurrent.Training;
using Recurrent.Training.Callbacks;
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Serialization;
using Recurrent.Tests.Data;

namespace Recurrent.Tests.LanguageModels;

public sealed class FaultToleranceTests
{
    [Fact]
    public void ANonFiniteGradientIsSkippedCountedAndTheRunContinues()
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(600))] };
        using var data = spec.Load();
        var trainer = LanguageModelRun.Start(LanguageModelTestSupport.TinyOptions(30), data, Path.Combine(dir.Path, "run"), spec);
        float[]? before = null;
        trainer.GradientFault = (window, g) =>
        {
            if (window == 5) { g[3] = float.NaN; before = trainer.Model.Parameters.Values.ToArray(); }
            if (window == 12) g[^1] = float.PositiveInfinity;
        };
        var skipped = new List<SkippedStepReport>();
        float[]? after = null;
        trainer.Loop.Add(new LambdaCallback { StepSkipped = s => { skipped.Add(s); after ??= trainer.Model.Parameters.Values.ToArray(); } });

        var outcome = trainer.Run();

        Assert.Equal(30, outcome.Step);                // the budget counts updates; the two skipped windows are not updates
        Assert.Equal(2, outcome.SkippedSteps);
        Assert.Equal([4L, 10L], skipped.Select(s => s.Step)); // window 5 after 4 updates, window 12 after 10
        Assert.True(double.IsNaN(skipped[0].GradientNorm));
        Assert.True(double.IsPositiveInfinity(skipped[1].GradientNorm));
        Assert.All(skipped, s => Assert.Equal(1, s.InARow));
        Assert.Equal(before, after);                   // the skipped window changed no weight
        var metrics = MetricsLog.Read(Path.Combine(dir.Path, "run", RunDirectory.MetricsFile));
        Assert.Equal(2, metrics[^1].SkippedSteps);
        Assert.Contains("\"skipped_steps\":2", File.ReadAllLines(Path.Combine(dir.Path, "run", RunDirectory.MetricsFile))[^1]);
        var checkpoint = LanguageModelFile.LoadCheckpoint(Path.Combine(dir.Path, "run", RunDirectory.LastFile));
        Assert.Equal(2, checkpoint.TrainingState!.SkippedSteps);
        Assert.Equal(30, checkpoint.Content.OptimizerSteps);
        AssertFinite(checkpoint.Content);
    }

    [Fact]
    public void MaxBadStepsInARowStopTheRunAndTheCheckpointStaysTheLastGoodOne()
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(600))] };
        using var data = spec.Load();
        string run = Path.Combine(dir.Path, "run");
        var tiny = LanguageModelTestSupport.TinyOptions(30);
        var options = tiny with { Fit = tiny.Fit with { MaxBadSteps = 4, CheckpointEvery = 5, EvalEvery = 0 }, SampleEvery = 0 };
        var trainer = LanguageModelRun.Start(options, data, run, spec);
        trainer.GradientFault = (window, g) => { if (window == 3 || window >= 8) g[0] = float.NaN; };
        var skipped = new List<SkippedStepReport>();
        trainer.Loop.Add(new LambdaCallback { StepSkipped = skipped.Add });

        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Run());

        // Window 3 alone is skipped and training goes on; windows 8, 9, 10, 11 are four in a row.
        Assert.Equal([1, 1, 2, 3, 4], skipped.Select(s => s.InARow));
        Assert.Contains("4 steps in a row", e.Message);
        Assert.Contains("5 skipped in all", e.Message);
        Assert.Contains(Path.Combine(run, RunDirectory.LastFile), e.Message);
        Assert.Contains("--max-bad-steps", e.Message);
        Assert.Equal(6, trainer.Loop.Step); // updates from windows 1, 2, 4, 5, 6, 7
        var checkpoint = LanguageModelFile.LoadCheckpoint(Path.Combine(run, RunDirectory.LastFile));
        Assert.Equal(5, checkpoint.TrainingState!.Step); // the periodic checkpoint; nothing was written when the run stopped
        AssertFinite(checkpoint.Content);
    }

    [Fact]
    public void WeightsThatOverflowAreNeverWrittenOverAGoodCheckpoint()
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(600))] };
        using var data = spec.Load();
        string run = Path.Combine(dir.Path, "run");
        // A finite but enormous gradient with SGD at a finite learning rate: the update itself overflows to ±∞.
        var tiny = LanguageModelTestSupport.TinyOptions(30);
        var options = tiny with
        {
            Optimization = new OptimizationOptions { Optimizer = OptimizerKind.Sgd, LearningRate = 1e30, ClipNorm = null },
            Fit = tiny.Fit with { CheckpointEvery = 2, EvalEvery = 0 }, SampleEvery = 0,
        };
        var trainer = LanguageModelRun.Start(options, data, run, spec);
        trainer.GradientFault = (window, g) => { if (window <= 3) g.Clear(); if (window == 4) g.Fill(1e30f); };
        byte[]? good = null;
        trainer.Checkpoints!.Saved += c => good = File.ReadAllBytes(c.Path);

        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Run());

        Assert.Contains("no longer finite at update 4", e.Message);
        Assert.Equal(good, File.ReadAllBytes(Path.Combine(run, RunDirectory.LastFile)));
        var checkpoint = LanguageModelFile.LoadCheckpoint(Path.Combine(run, RunDirectory.LastFile));
        Assert.Equal(2, checkpoint.TrainingState!.Step);
        AssertFinite(checkpoint.Content);
    }

    [Fact]
    public void AFullDiskDuringACheckpointLeavesThePreviousOneLoadableAndTheRunResumable()
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(600))] };
        using var data = spec.Load();
        var tiny = LanguageModelTestSupport.TinyOptions(20);
        var options = tiny with { Fit = tiny.Fit with { CheckpointEvery = 5, EvalEvery = 0 } };
        string run = Path.Combine(dir.Path, "run"), last = Path.Combine(run, RunDirectory.LastFile);
        LanguageModelRun.Start(options with { Fit = options.Fit with { Steps = 10 } }, data, run, spec).Run();
        byte[] good = File.ReadAllBytes(last);

        // The disk fills up 3000 bytes into the next checkpoint (written at update 15).
        var resumed = LanguageModelRun.Resume(LanguageModelFile.LoadCheckpoint(last), data, run, options);
        ModelFile.WriteStreamWrapper.Value = s => new DiskFullStream(s, 3000);
        IOException e;
        try { e = Assert.ThrowsAny<IOException>(() => resumed.Run()); }
        finally { ModelFile.WriteStreamWrapper.Value = null; }

        Assert.Contains("No space left on device", e.Message);
        Assert.Contains(last, e.Message);
        Assert.Equal(15, resumed.Loop.Step);
        Assert.Equal(good, File.ReadAllBytes(last));                                 // untouched
        Assert.Equal(10, LanguageModelFile.LoadCheckpoint(last).TrainingState!.Step); // and loadable
        Assert.DoesNotContain(Directory.GetFiles(run), f => f.Contains(".tmp-"));     // no half-written file left

        // With space again, the run resumes from update 10 and ends exactly as an uninterrupted run.
        LanguageModelRun.Resume(LanguageModelFile.LoadCheckpoint(last), data, run, options).Run();
        string full = Path.Combine(dir.Path, "full");
        LanguageModelRun.Start(options, data, full, spec).Run();
        var a = ModelFile.Read(last);
        var b = ModelFile.Read(Path.Combine(full, RunDirectory.LastFile));
        for (int i = 0; i < a.Parameters.Count; i++) Assert.Equal(b.Parameters[i].Data, a.Parameters[i].Data);
    }

    [Fact]
    public void ARunIsResumableFromBeforeItsFirstUpdate()
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(600))] };
        using var data = spec.Load();
        string run = Path.Combine(dir.Path, "run");
        var trainer = LanguageModelRun.Start(LanguageModelTestSupport.TinyOptions(30), data, run, spec);
        var steps = new List<long>();
        trainer.Checkpoints!.Saved += c => { if (c.Path == trainer.RunDirectory.Last) steps.Add(c.Step); };
        using var cancelled = new CancellationTokenSource();
        trainer.Loop.Add(new LambdaCallback { StepEnd = s => { if (s.Step == 3) cancelled.Cancel(); } });
        var outcome = trainer.Run(cancelled.Token);
        Assert.Equal(StopReason.Cancelled, outcome.Reason);
        Assert.Equal([0L, 3L], steps); // the step-0 checkpoint, then the one written on cancellation
    }

    private static void AssertFinite(ModelFileContent content)
    {
        foreach (var t in content.Parameters.Concat(content.OptimizerState))
            Assert.True(t.Data.All(float.IsFinite), $"{t.Name} has non-finite values");
    }

    /// <summary>A file stream on a disk with <paramref name="room"/> bytes left: writing past them fails as a full disk does.</summary>
    private sealed class DiskFullStream(Stream inner, long room) : Stream
    {
        private long _written;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _written;
        public override long Position { get => _written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            long fits = Math.Max(0, Math.Min(buffer.Length, room - _written));
            inner.Write(buffer[..(int)fits]);
            _written += fits;
            if (fits < buffer.Length) throw new IOException("No space left on device");
        }
    }
}
