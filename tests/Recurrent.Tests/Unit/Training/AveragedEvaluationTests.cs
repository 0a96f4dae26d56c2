// Averaged weights in the fit loop, on a fake model (two parameters pulled towards a moving target by plain SGD):
// evaluations see the average while every update starts from the raw weights (the raw trajectory is the same as
// without averaging, bit for bit); callbacks told of an evaluation see what was evaluated; the model holds the average
// when Run returns and the raw weights again when the next Run trains; NT-ASGD triggers at the scripted evaluation,
// metrics lines say from which update the evaluated average runs; and a loop stopped half-way, restored from its
// state and optimizer buffers, ends with bit-identical raw weights, average and trigger.
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Schedules;
using Recurrent.Tensors;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Tests.Training;

public sealed class AveragedEvaluationTests
{
    private sealed class FakeModel : ITrainableModel<float>
    {
        public FakeModel()
        {
            Parameters.Add("w", ParameterRole.Weight, 2);
            Parameters.Seal();
            Parameters.Values[0] = 1;
            Parameters.Values[1] = -2;
        }

        public ParameterStore<float> Parameters { get; } = new();
        public Rng DropoutRng { get; } = new(1);
    }

    /// <summary>Loss ½|w − target_t|², target moving with the step; records the weights each update starts from.</summary>
    private sealed class FakeBatches(FakeModel model, StepEngine<float> engine) : IBatchSource
    {
        public List<float[]> StartWeights { get; } = [];
        public long BatchesPerEpoch => 5;
        public long Position { get; private set; }
        public long ItemsPerBatch => 1;
        public void Seek(int epoch, long position) => Position = position;
        public void AfterStep(bool applied) => Position++;
        public byte[] SaveState() => [];
        public void LoadState(byte[] state, string source) { }

        public StepResult TrainNext()
        {
            var w = model.Parameters.Values;
            StartWeights.Add((float[])w.Clone());
            float[] target = [MathF.Sin(0.4f * engine.Step), 0.5f * MathF.Cos(0.3f * engine.Step)];
            double loss = 0;
            for (int i = 0; i < 2; i++)
            {
                float d = w[i] - target[i];
                model.Parameters.Gradients[i] = d;
                loss += 0.5 * d * d;
            }
            return engine.Update(loss, 1);
        }
    }

    /// <summary>Records the weights it evaluates; its scores come from a script (then 1.0).</summary>
    private sealed class FakeEvaluator(FakeModel model, double[] scores) : IEvaluator
    {
        public List<float[]> Seen { get; } = [];

        public Evaluation Evaluate()
        {
            Seen.Add((float[])model.Parameters.Values.Clone());
            return Evaluation.OfLoss(Seen.Count <= scores.Length ? scores[Seen.Count - 1] : 1.0);
        }
    }

    private sealed record Setup(FakeModel Model, StepEngine<float> Engine, FakeBatches Batches, FakeEvaluator Evaluator, FitLoop Loop)
    {
        public AveragingOptimizer? Averaging => Loop.Averaging;
    }

    private static Setup Make(WeightAveraging? averaging, long steps, double[]? scores = null, int evalEvery = 3)
    {
        var model = new FakeModel();
        var options = new OptimizationOptions { Optimizer = OptimizerKind.Sgd, LearningRate = 0.3, ClipNorm = null, AverageWeights = averaging };
        var engine = new StepEngine<float>(model.Parameters, options.CreateOptimizer(2), new ConstantSchedule(0.3), options.TrainerOptions());
        var batches = new FakeBatches(model, engine);
        var evaluator = new FakeEvaluator(model, scores ?? [5, 4, 3, 2, 1, 0.5, 0.25]);
        var loop = new FitLoop(model, engine, batches, new FitOptions { Steps = steps, EvalEvery = evalEvery, LogEvery = 1000 }, evaluator);
        return new Setup(model, engine, batches, evaluator, loop);
    }

    [Fact]
    public void EvaluationSeesTheAverageWhileTrainingGoesOnFromTheRawWeights()
    {
        var plain = Make(null, 12);
        plain.Loop.Run();
        var averaged = Make(WeightAveraging.Polyak(), 12);
        var evaluatedByCallbacks = new List<float[]>();
        var logged = new List<MetricsRecord>();
        averaged.Loop.Add(new LambdaCallback
        {
            Evaluated = _ => evaluatedByCallbacks.Add((float[])averaged.Model.Parameters.Values.Clone()),
            Logged = logged.Add,
        });
        var best = new BestWeights();
        averaged.Loop.Add(best);
        averaged.Loop.Run();

        // Every update started from the raw weights: the trajectory is the plain run's, bit for bit.
        Assert.Equal(12, averaged.Batches.StartWeights.Count);
        for (int t = 0; t < 12; t++) Assert.Equal(plain.Batches.StartWeights[t], averaged.Batches.StartWeights[t]);

        // The raw weights after update t are what update t+1 started from (and, for t = 12, the plain run's end).
        var raw = averaged.Batches.StartWeights.Skip(1).Append(plain.Model.Parameters.Values).ToList();
        Assert.Equal(4, averaged.Evaluator.Seen.Count);
        for (int k = 0; k < 4; k++)
        {
            int step = 3 * (k + 1);
            for (int i = 0; i < 2; i++)
            {
                double mean = raw.Take(step).Average(w => (double)w[i]);
                Assert.True(Math.Abs(mean - averaged.Evaluator.Seen[k][i]) < 1e-5, $"evaluation at step {step}, element {i}: {averaged.Evaluator.Seen[k][i]} vs mean {mean}");
            }
            Assert.NotEqual(raw[step - 1], averaged.Evaluator.Seen[k]);
            Assert.Equal(averaged.Evaluator.Seen[k], evaluatedByCallbacks[k]); // callbacks (best checkpoint, BestWeights) see it too
        }
        Assert.All(logged.Where(r => r.ValidationLoss is not null), r => Assert.Equal(1, r.AveragedFrom));

        // Run returns with the average in the model (the final model is what was evaluated; the last evaluation was the best).
        Assert.False(best.Restored);
        Assert.Equal(averaged.Evaluator.Seen[^1], averaged.Model.Parameters.Values);
        Assert.True(averaged.Averaging!.IsSwappedIn);

        // The raw weights are kept aside: swapped back, they are the plain run's.
        averaged.Averaging.SwapOut(averaged.Model.Parameters.Values);
        Assert.Equal(plain.Model.Parameters.Values, averaged.Model.Parameters.Values);
    }

    [Fact]
    public void TheNextRunStartsFromTheRawWeights()
    {
        var plain = Make(null, 8);
        plain.Loop.Run();
        var averaged = Make(WeightAveraging.Ema(0.8), 4);
        averaged.Loop.Run();
        Assert.True(averaged.Averaging!.IsSwappedIn);
        var more = new FitLoop(averaged.Model, averaged.Engine, averaged.Batches, new FitOptions { Steps = 8, EvalEvery = 3, LogEvery = 1000 }, averaged.Evaluator);
        more.Run();
        Assert.Equal(plain.Batches.StartWeights, averaged.Batches.StartWeights);
        averaged.Averaging.SwapOut(averaged.Model.Parameters.Values);
        Assert.Equal(plain.Model.Parameters.Values, averaged.Model.Parameters.Values);
    }

    [Fact]
    public void NonMonotoneTriggerStartsTheMeanAfterTheScriptedEvaluation()
    {
        // Interval 2, evaluations every 3 updates with scores 5, 4, 3, 3.5, 3.2, 3.4: the 6th (step 18) is worse than
        // the best before the last two (3), so the mean starts with update 19.
        var run = Make(WeightAveraging.NonMonotone(2), 27, [5, 4, 3, 3.5, 3.2, 3.4, 3.3, 3.3, 3.3]);
        var reports = new List<EvaluationReport>();
        var logged = new List<MetricsRecord>();
        run.Loop.Add(new LambdaCallback { Evaluated = reports.Add, Logged = logged.Add });
        run.Loop.Run();

        Assert.Equal([null, null, null, null, null, 19L, null, null, null], reports.Select(r => r.AveragingStartsAt));
        Assert.Equal(19, run.Averaging!.Start);
        Assert.Equal(9, run.Averaging.Count);
        // Evaluations up to step 18 saw the raw weights; those after, the mean from update 19.
        Assert.Equal([null, null, null, null, null, null, 19L, 19L, 19L], reports.Select(r => r.AveragedFrom));
        Assert.Equal([null, null, null, null, null, null, 19L, 19L, 19L], logged.Where(r => r.ValidationLoss is not null).Select(r => r.AveragedFrom));
        for (int k = 0; k < 6; k++) Assert.Equal(run.Batches.StartWeights[3 * (k + 1)], run.Evaluator.Seen[k]);
        var raw = run.Batches.StartWeights.Skip(1).ToList(); // raw weights after updates 1..26
        for (int i = 0; i < 2; i++)
        {
            double mean = raw.Skip(18).Take(6).Average(w => (double)w[i]); // updates 19..24
            Assert.True(Math.Abs(mean - run.Evaluator.Seen[7][i]) < 1e-5, $"element {i}");
        }
    }

    [Theory]
    [InlineData(10)] // before the trigger (at step 18)
    [InlineData(18)] // right at the evaluation that triggers
    [InlineData(22)] // after it, mid-average
    public void StopAndRestoreGivesBitIdenticalWeightsAverageAndTrigger(int stopAt)
    {
        double[] scores = [5, 4, 3, 3.5, 3.2, 3.4, 3.3, 3.3, 3.3];
        var full = Make(WeightAveraging.NonMonotone(2), 30, scores);
        full.Loop.Run();
        full.Averaging!.SwapOut(full.Model.Parameters.Values);

        var first = Make(WeightAveraging.NonMonotone(2), stopAt, scores);
        first.Loop.Run();
        first.Averaging!.SwapOut(first.Model.Parameters.Values);
        FitState state = FitState.FromJson(first.Loop.CaptureState().ToJson(), "state");
        var buffers = first.Averaging.State.ToDictionary(s => s.Key, s => (float[])s.Value.Clone());
        float[] weights = (float[])first.Model.Parameters.Values.Clone();

        // A fresh loop (new model, optimizer, evaluator primed with the scores already used) restored from what a checkpoint holds.
        // (A run stopped between evaluations made a final one, which NT-ASGD ignores; the periodic ones used stopAt / 3 scores.)
        var second = Make(WeightAveraging.NonMonotone(2), 30, scores.Skip(stopAt / 3).ToArray());
        weights.CopyTo(second.Model.Parameters.Values, 0);
        foreach (var (name, buffer) in second.Averaging!.State) buffers[name].CopyTo(buffer, 0);
        second.Averaging.RestoreStepCount(first.Averaging.StepCount);
        second.Loop.Restore(state, "state");
        second.Loop.Run();
        second.Averaging.SwapOut(second.Model.Parameters.Values);

        Assert.Equal(full.Model.Parameters.Values, second.Model.Parameters.Values);
        Assert.Equal(full.Averaging.Average.ToArray(), second.Averaging.Average.ToArray());
        Assert.Equal(full.Averaging.Start, second.Averaging.Start);
        Assert.Equal(19, second.Averaging.Start);
        Assert.Equal(full.Averaging.Count, second.Averaging.Count);
    }
}
