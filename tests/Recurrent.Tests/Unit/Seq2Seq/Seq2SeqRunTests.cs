// Seq2SeqRun on the fit loop: a run stopped after k updates and resumed from its checkpoint on disk (data read
// anew) gives bit-identical per-update losses, learning rates, final weights and optimizer moments to a run of N
// updates that was never stopped — at an epoch boundary, right after an evaluation and in between, with a per-epoch
// learning-rate decay (the schedule reads the epoch) — and its metrics.jsonl has no step twice. The checkpoints are
// ordinary seq2seq model files. A StopAtTarget callback ends an in-memory run at its first evaluation that meets it.
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Seq2Seq;
using Recurrent.Serialization;
using Recurrent.Supervised;
using Recurrent.Training;
using Recurrent.Training.Callbacks;
using Recurrent.Tests.Data;
using Recurrent.Tests.Support;

namespace Recurrent.Tests.Seq2Seq;

public sealed class Seq2SeqRunTests
{
    private const int TotalSteps = 24;

    internal static List<Seq2SeqPair> ReversedWords(ulong seed, int count)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            string w = new(Enumerable.Range(0, 1 + rng.NextInt(5)).Select(_ => "abcd"[rng.NextInt(4)]).ToArray());
            return new Seq2SeqPair(w, new string(w.Reverse().ToArray()));
        }).ToList();
    }

    private static Seq2SeqRunSpec Spec(string data, long steps, AttentionKind attention = AttentionKind.None) => new()
    {
        Training = new Seq2SeqTrainingOptions
        {
            Model = new Seq2SeqSettings { HiddenSize = 16, EmbeddingSize = 8, Attention = attention },
            BatchSize = 16,
            Optimization = new OptimizationOptions
            {
                LearningRate = 0.01, Schedule = LearningRateScheduleKind.StepDecay, LrDecay = 0.8, LrDecayAfter = 1,
            },
            Fit = new FitOptions { Steps = steps, EvalEvery = 5, LogEvery = 3 },
            ReverseSource = true,
            Seed = 5,
        },
        Data = new SupervisedDataSpec { Path = data },
    };

    [Theory]
    [InlineData(7, AttentionKind.None)]  // at an epoch boundary (108 training pairs, batches of 16: 7 per epoch)
    [InlineData(10, AttentionKind.None)] // right after an evaluation
    [InlineData(12, AttentionKind.None)] // in between
    [InlineData(12, AttentionKind.Bahdanau)] // the attention kind travels in the run spec and the model file
    [InlineData(10, AttentionKind.Luong)]
    public void StopAndResumeGivesBitIdenticalLossesWeightsAndMomentsAndNoRepeatedMetrics(int stopAt, AttentionKind attention)
    {
        using var dir = new TempDirectory();
        string data = dir.File("pairs.tsv", string.Concat(ReversedWords(3, 120).Select(p => $"{p.Source}\t{p.Target}\n")));

        string fullDir = Path.Combine(dir.Path, "full");
        var full = Seq2SeqRun.Start(Spec(data, TotalSteps, attention), fullDir);
        Assert.Equal(7, full.Loop.BatchesPerEpoch);
        var fullSteps = ResumeAssert.Record(full.Loop);
        Assert.Equal(TotalSteps, full.Run().Step);

        string splitDir = Path.Combine(dir.Path, "split");
        var first = Seq2SeqRun.Start(Spec(data, stopAt, attention), splitDir);
        var firstSteps = ResumeAssert.Record(first.Loop);
        first.Run();
        var second = Seq2SeqRun.Resume(Path.Combine(splitDir, RunDirectory.LastFile), Spec(data, TotalSteps, attention).Training.Fit);
        Assert.Equal(stopAt, second.Loop.Step);
        var secondSteps = ResumeAssert.Record(second.Loop);
        Assert.Equal(TotalSteps, second.Run().Step);

        ResumeAssert.SameSteps(fullSteps, firstSteps.Concat(secondSteps).ToList(), TotalSteps, gradientNorms: false);
        Assert.True(fullSteps[^1].LearningRate < fullSteps[0].LearningRate, "the per-epoch decay did not act");

        var a = ModelFile.Read(Path.Combine(fullDir, RunDirectory.LastFile));
        var b = ModelFile.Read(Path.Combine(splitDir, RunDirectory.LastFile));
        ResumeAssert.SameTensors(a.Parameters, b.Parameters);
        ResumeAssert.SameTensors(a.OptimizerState, b.OptimizerState);
        Assert.Equal(TotalSteps, b.OptimizerSteps);

        // The checkpoint is an ordinary seq2seq model file holding the trained weights.
        var loaded = Seq2SeqFile.Load(Path.Combine(splitDir, RunDirectory.LastFile));
        Assert.Equal(attention, loaded.Model.Config.Attention);
        Assert.Equal(full.Model.Parameters.Values, loaded.Model.Parameters.Values);
        Assert.Equal(full.Vocabulary.ToJson(), loaded.Vocabulary.ToJson());

        long[] logged = MetricsLog.Read(Path.Combine(splitDir, RunDirectory.MetricsFile)).Select(r => r.Step).ToArray();
        Assert.True(logged.Distinct().Count() == logged.Length, File.ReadAllText(Path.Combine(splitDir, RunDirectory.MetricsFile)));
        Assert.Equal(logged.Order(), logged);
        Assert.Subset(logged.ToHashSet(), MetricsLog.Read(Path.Combine(fullDir, RunDirectory.MetricsFile)).Select(r => r.Step).ToHashSet());
    }

    [Fact]
    public void StopAtTargetEndsTheRunAtTheFirstEvaluationThatMeetsIt()
    {
        var pairs = ReversedWords(4, 80);
        var options = new Seq2SeqTrainingOptions
        {
            Model = new Seq2SeqSettings { HiddenSize = 8, EmbeddingSize = 4 },
            BatchSize = 8,
            Fit = new FitOptions { Epochs = 5, EvalEvery = 3 },
        };
        var target = new StopAtTarget(0.0);
        var result = Seq2SeqTraining.Train(pairs.Take(70).ToList(), pairs.Skip(70).ToList(), options, [target]);
        Assert.Equal(StopReason.TargetReached, result.Outcome.Reason);
        Assert.Equal(3, result.Outcome.Step);
        Assert.Equal(3, target.ReachedAt);
        Assert.NotNull(result.Validation);
    }

    [Fact]
    public void APairTheModelCannotReadIsNamed()
    {
        var pairs = ReversedWords(6, 30);
        var options = new Seq2SeqTrainingOptions { Model = new Seq2SeqSettings { HiddenSize = 8, EmbeddingSize = 4 }, SourceLength = 3 };
        var e = Assert.Throws<ArgumentException>(() => Seq2SeqTraining.Train(pairs, [], options));
        Assert.Contains("training pair", e.Message);
        Assert.Contains("at most 3", e.Message);
    }


}
