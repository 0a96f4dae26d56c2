// --resume continues exactly: a run of N updates and a run stopped after k updates, written to disk, read back
// and continued to N give bit-identical per-update losses, learning rates, final weights and optimizer moments.
// The model has dropout (so the dropout generator must be restored), the corpus spans several epochs (state reset
// and batcher position), the schedule is cosine with warm-up (schedule position), and evaluations and samples
// happen in between (they must not disturb the carried state or the generators).
using Recurrent.Training;
using Recurrent.Training.Callbacks;
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Serialization;
using Recurrent.Tests.Data;
using Recurrent.Tests.Support;

namespace Recurrent.Tests.LanguageModels;

public sealed class ExactResumeTests
{
    private const int TotalSteps = 40;

    [Theory]
    [InlineData(13)] // in the middle of an epoch, between evaluations
    [InlineData(14)] // right after an evaluation
    [InlineData(17)] // at an epoch boundary (17 windows per epoch)
    [InlineData(13, true)] // weight tying (embedding 8, hidden 16: through the projection), kept by the run spec
    public void StopAndResumeGivesBitIdenticalLossesAndWeights(int stopAt, bool tied = false)
    {
        LanguageModelOptions Options(long steps) => LanguageModelTestSupport.TinyOptions(steps) with { TieWeights = tied };
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(600))] };

        // Uninterrupted.
        using var data = spec.Load();
        var full = LanguageModelRun.Start(Options(TotalSteps), data, Path.Combine(dir.Path, "full"), spec);
        Assert.Equal(17, full.Loop.BatchesPerEpoch);
        var fullSteps = ResumeAssert.Record(full.Loop);
        var fullOutcome = full.Run();
        Assert.Equal(TotalSteps, fullOutcome.Step);
        Assert.Equal(TotalSteps, fullSteps.Count);

        // Stopped after k updates, then resumed from the checkpoint on disk with the data loaded anew.
        string splitDir = Path.Combine(dir.Path, "split");
        var first = LanguageModelRun.Start(Options(stopAt), data, splitDir, spec);
        var firstSteps = ResumeAssert.Record(first.Loop);
        first.Run();
        var checkpoint = LanguageModelFile.LoadCheckpoint(Path.Combine(splitDir, RunDirectory.LastFile));
        using var reloaded = checkpoint.RunSpec!.Data!.Load(checkpoint.Tokenizer);
        var second = LanguageModelRun.Resume(checkpoint, reloaded, splitDir, Options(TotalSteps));
        Assert.Equal(stopAt, second.Loop.Step);
        var secondSteps = ResumeAssert.Record(second.Loop);
        second.Run();

        ResumeAssert.SameSteps(fullSteps, firstSteps.Concat(secondSteps).ToList(), TotalSteps);

        var a = ModelFile.Read(Path.Combine(dir.Path, "full", RunDirectory.LastFile));
        var b = ModelFile.Read(Path.Combine(splitDir, RunDirectory.LastFile));
        ResumeAssert.SameTensors(a.Parameters, b.Parameters);
        ResumeAssert.SameTensors(a.OptimizerState, b.OptimizerState);
        Assert.Equal(a.OptimizerSteps, b.OptimizerSteps);
        Assert.Equal(TotalSteps, a.OptimizerSteps);
        Assert.Equal(tied, a.Config.TieWeights);
        Assert.Equal(tied, b.Config.TieWeights);
    }

    [Fact]
    public void ResumeRefusesAChangedCorpus()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(600));
        var spec = new TrainingDataSpec { Data = [corpus] };
        using (var data = spec.Load())
            LanguageModelRun.Start(LanguageModelTestSupport.TinyOptions(3), data, Path.Combine(dir.Path, "run"), spec).Run();
        dir.File("corpus.txt", LanguageModelTestSupport.Corpus(700));
        var checkpoint = LanguageModelFile.LoadCheckpoint(Path.Combine(dir.Path, "run", RunDirectory.LastFile));
        using var changed = spec.Load(checkpoint.Tokenizer);
        var e = Assert.Throws<InvalidDataException>(() => LanguageModelRun.Resume(checkpoint, changed, Path.Combine(dir.Path, "run")));
        Assert.Contains("tokens", e.Message);
    }

    [Fact]
    public void ANewRunNeverOverwritesAnExistingOne()
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(600))] };
        using var data = spec.Load();
        string run = Path.Combine(dir.Path, "run");
        LanguageModelRun.Start(LanguageModelTestSupport.TinyOptions(2), data, run, spec).Run();
        byte[] before = File.ReadAllBytes(Path.Combine(run, RunDirectory.LastFile));
        var e = Assert.Throws<IOException>(() => LanguageModelRun.Start(LanguageModelTestSupport.TinyOptions(2), data, run, spec));
        Assert.Contains("--resume", e.Message);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(run, RunDirectory.LastFile)));
    }


}
