// Averaged weights in real runs with run directories: a language model (EMA) and a forecaster (Polyak from update 5)
// stopped half-way and resumed from last.safetensors end bit-identical to uninterrupted runs — per-update losses,
// raw weights, optimizer moments and the average (an optimizer buffer); last.safetensors holds the raw weights
// and the average, best.safetensors the average it was evaluated with; a run without averaging writes no such buffer.
using System.Globalization;
using Recurrent.Data;
using Recurrent.Forecasting;
using Recurrent.LanguageModels;
using Recurrent.Serialization;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;
using Recurrent.Tests.Support;
using Recurrent.Training;

namespace Recurrent.Tests.Training;

public sealed class AveragedWeightsRunTests
{
    private const int LmSteps = 28; // evaluations every 7 updates; the last at the end

    private static LanguageModelOptions LmOptions(long steps)
    {
        var o = LanguageModelTestSupport.TinyOptions(steps);
        return o with { Optimization = o.Optimization with { AverageWeights = WeightAveraging.Ema(0.9) } };
    }

    private static float[] Tensor(ModelFileContent content, string name) =>
        content.OptimizerState.Single(t => t.Name == name).Data;

    [Theory]
    [InlineData(10)] // between evaluations
    [InlineData(14)] // right after an evaluation
    public void LanguageModelResumesExactlyWithTheAverage(int stopAt)
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(600))] };
        using var data = spec.Load();

        var full = LanguageModelRun.Start(LmOptions(LmSteps), data, Path.Combine(dir.Path, "full"), spec);
        var fullSteps = ResumeAssert.Record(full.Loop);
        full.Run();

        string splitDir = Path.Combine(dir.Path, "split");
        var first = LanguageModelRun.Start(LmOptions(stopAt), data, splitDir, spec);
        var firstSteps = ResumeAssert.Record(first.Loop);
        first.Run();
        var checkpoint = LanguageModelFile.LoadCheckpoint(Path.Combine(splitDir, RunDirectory.LastFile));
        using var reloaded = checkpoint.RunSpec!.Data!.Load(checkpoint.Tokenizer);
        var second = LanguageModelRun.Resume(checkpoint, reloaded, splitDir, LmOptions(LmSteps));
        Assert.Equal(WeightAveraging.Ema(0.9), second.Options.Optimization.AverageWeights); // from the run spec
        var secondSteps = ResumeAssert.Record(second.Loop);
        second.Run();

        ResumeAssert.SameSteps(fullSteps, firstSteps.Concat(secondSteps).ToList(), LmSteps);
        var a = ModelFile.Read(Path.Combine(dir.Path, "full", RunDirectory.LastFile));
        var b = ModelFile.Read(Path.Combine(splitDir, RunDirectory.LastFile));
        ResumeAssert.SameTensors(a.Parameters, b.Parameters);
        ResumeAssert.SameTensors(a.OptimizerState, b.OptimizerState);
        Assert.Contains(b.OptimizerState, t => t.Name == AveragingOptimizer.AverageStateName);
        Assert.Equal(LmSteps, b.OptimizerSteps);

        // last.safetensors: the raw weights (not the average); the model in memory after Run: the average.
        float[] average = Tensor(b, AveragingOptimizer.AverageStateName);
        Assert.NotEqual(average, b.Parameters.SelectMany(t => t.Data));
        Assert.Equal(average, second.Model.Parameters.Values);
    }

    [Fact]
    public void BestCheckpointHoldsTheEvaluatedAverage()
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(600))] };
        using var data = spec.Load();
        string runDir = Path.Combine(dir.Path, "run");
        var run = LanguageModelRun.Start(LmOptions(14), data, runDir, spec);
        var outcome = run.Run();
        Assert.Equal(14, outcome.BestStep); // the loss still falls: the last evaluation is the best

        // Both written at step 14: best.safetensors' weights are the average that last.safetensors keeps as a buffer.
        var last = ModelFile.Read(Path.Combine(runDir, RunDirectory.LastFile));
        var best = ModelFile.Read(Path.Combine(runDir, RunDirectory.BestFile));
        float[] average = Tensor(last, AveragingOptimizer.AverageStateName);
        Assert.Equal(average, best.Parameters.SelectMany(t => t.Data));
        Assert.NotEqual(average, last.Parameters.SelectMany(t => t.Data));

        // And that is what the evaluation scored: the best model file's validation loss is the best score.
        var model = LanguageModelFile.Load(Path.Combine(runDir, RunDirectory.BestFile)).Model;
        double loss = LanguageModelEvaluator.Evaluate(model, data.Validation, run.Options.BatchSize, run.Options.SequenceLength).MeanLoss;
        Assert.Equal(outcome.BestScore!.Value, loss, 5);
    }

    [Fact]
    public void WithoutAveragingNoBufferIsWritten()
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(600))] };
        using var data = spec.Load();
        string runDir = Path.Combine(dir.Path, "run");
        LanguageModelRun.Start(LanguageModelTestSupport.TinyOptions(3), data, runDir, spec).Run();
        var last = ModelFile.Read(Path.Combine(runDir, RunDirectory.LastFile));
        Assert.DoesNotContain(last.OptimizerState, t => t.Name == AveragingOptimizer.AverageStateName);
        Assert.DoesNotContain("average_weights", last.Training!);
        Assert.DoesNotContain("\"averaging\"", last.Training!);
    }

    private const int ForecastSteps = 32;

    private static ForecastRunSpec ForecastSpec(string csv, long steps) => new()
    {
        Model = new ForecastModelSettings { HiddenSize = 12 },
        Training = new ForecastOptions
        {
            Window = 12, Horizon = 2, BatchSize = 16, ValidationFraction = 0.2, Seed = 5,
            Optimization = new OptimizationOptions { LearningRate = 0.01, AverageWeights = WeightAveraging.Polyak(5) },
            Fit = new FitOptions { Steps = steps, EvalEvery = 4, LogEvery = 3 },
        },
        Data = new ForecastDataSpec { Path = csv, Inputs = ["a", "b"], Targets = ["a"] },
    };

    [Theory]
    [InlineData(3)]  // before the average starts (update 5)
    [InlineData(13)] // mid-average, between evaluations
    public void ForecasterResumesExactlyWithTheAverage(int stopAt)
    {
        using var dir = new TempDirectory();
        string csv = dir.File("series.csv", "t,a,b\n" + string.Concat(Enumerable.Range(0, 200).Select(t =>
            string.Create(CultureInfo.InvariantCulture, $"{t},{Math.Sin(0.2 * t):R},{Math.Cos(0.05 * t) * 3 + 7:R}\n"))));

        var full = ForecastRun.Start(ForecastSpec(csv, ForecastSteps), Path.Combine(dir.Path, "full"));
        var fullSteps = ResumeAssert.Record(full.Loop);
        full.Run();

        string splitDir = Path.Combine(dir.Path, "split");
        var first = ForecastRun.Start(ForecastSpec(csv, stopAt), splitDir);
        var firstSteps = ResumeAssert.Record(first.Loop);
        first.Run();
        var second = ForecastRun.Resume(Path.Combine(splitDir, RunDirectory.LastFile), ForecastSpec(csv, ForecastSteps).Training.Fit);
        var secondSteps = ResumeAssert.Record(second.Loop);
        second.Run();

        ResumeAssert.SameSteps(fullSteps, firstSteps.Concat(secondSteps).ToList(), ForecastSteps);
        var a = ModelFile.Read(Path.Combine(dir.Path, "full", RunDirectory.LastFile));
        var b = ModelFile.Read(Path.Combine(splitDir, RunDirectory.LastFile));
        ResumeAssert.SameTensors(a.Parameters, b.Parameters);
        ResumeAssert.SameTensors(a.OptimizerState, b.OptimizerState);
        Assert.Equal(ForecastSteps - 5 + 1, second.Loop.Averaging!.Count);
        Assert.Equal(Tensor(b, AveragingOptimizer.AverageStateName), second.Loop.Averaging.Average.ToArray());

        // Evaluations from update 5 on were of the average; the metrics lines say so.
        var evaluations = MetricsLog.Read(Path.Combine(splitDir, RunDirectory.MetricsFile)).Where(r => r.ValidationLoss is not null).ToList();
        Assert.All(evaluations, r => Assert.Equal(r.Step >= 5 ? 5L : null, r.AveragedFrom));
        Assert.Contains(evaluations, r => r.AveragedFrom == 5);
    }
}
