// SequenceTrainer (the fit loop under the library API): callbacks run in order (begin, every step, epoch ends,
// end) with the values of a hand-written loop over the same step engine and batcher; cancellation stops after the
// current update; early stopping stops after `patience` evaluations without improvement and puts the best weights
// back; the checkpoint writer makes a loadable model file; bad data is named.
using Recurrent.Api;
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Schedules;
using Recurrent.Serialization;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Tests.Api;

public sealed class SequenceTrainerTests
{
    // A small periodic "language" with a little noise: 0 1 2 3 4 5 0 1 2 ... over 6 tokens.
    private static int[] Cycle(int n, int offset = 0) => Enumerable.Range(offset, n).Select(i => i % 6).ToArray();

    private static SequenceModel<float> NewModel() => Model.Sequence().Embedding(6, 5).Lstm(8).Dense(6).Build(seed: 21);

    private sealed class Recorder : FitCallback
    {
        public List<string> Events { get; } = [];
        public List<StepReport> Steps { get; } = [];
        public List<MetricsRecord> Logged { get; } = [];
        public override void OnTrainBegin(FitLoop loop) => Events.Add($"begin@{loop.Step}");
        public override void OnStepEnd(FitLoop loop, StepReport step)
        {
            Events.Add($"step{step.Step}");
            Steps.Add(step);
        }
        public override void OnEpochEnd(FitLoop loop, int epochs) => Events.Add($"epoch{epochs}@{loop.Step}");
        public override void OnLogged(FitLoop loop, MetricsRecord record) => Logged.Add(record);
        public override void OnTrainEnd(FitLoop loop, FitOutcome outcome) => Events.Add($"end:{outcome.Reason}@{outcome.Step}");
    }

    [Fact]
    public void CallbacksRunInOrderWithTheValuesOfAHandWrittenLoop()
    {
        int[] data = Cycle(4 * 61);   // B = 4 streams of 61 tokens, T = 20 → 3 windows per epoch
        var options = new SequenceTrainerOptions { BatchSize = 4, SequenceLength = 20, Epochs = 2, LearningRate = 0.01 };
        var recorder = new Recorder();
        var epochs = new List<int>();
        var trainer = new SequenceTrainer(NewModel(), options).Add(recorder).Add(new LambdaCallback { EpochEnd = epochs.Add });
        FitOutcome result = trainer.Fit(data);

        Assert.Equal(["begin@0", "step1", "step2", "step3", "epoch1@3", "step4", "step5", "step6", "epoch2@6", "end:Epochs@6"], recorder.Events);
        Assert.Equal(StopReason.Epochs, result.Reason);
        Assert.Equal(6, result.StepsThisSession);

        // The same updates by hand: Trainer + ContiguousBatcher, state carried, reset each epoch.
        var model = NewModel();
        var engine = new Trainer<float>(model, new Adam<float>(model.Parameters.Count), new ConstantSchedule(0.01), new TrainerOptions { ClipNorm = 5 });
        var batcher = new ContiguousBatcher(TokenStream.FromArray(data), 4, 20);
        int[] x = new int[80], y = new int[80];
        var expected = new List<double>();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            model.ResetState();
            batcher.Reset();
            while (!batcher.EpochComplete)
            {
                batcher.Next(x, y);
                expected.Add(engine.Train(x, y, 20, 4).Loss);
                model.CarryState();
            }
        }
        Assert.Equal(expected, recorder.Steps.Select(s => s.Loss));
        Assert.Equal(model.Parameters.Values, trainer.Model.Parameters.Values);
        Assert.All(recorder.Steps, s => Assert.Equal(0.01, s.LearningRate));
        Assert.All(recorder.Steps, s => Assert.True(s.GradientNorm > 0));
        Assert.All(recorder.Logged, r => Assert.True(r.TokensPerSecond > 0));
        Assert.Equal([1.0 / 3, 2.0 / 3, 1.0, 4.0 / 3, 5.0 / 3, 2.0], recorder.Steps.Select(s => s.Epoch), new ToleranceComparer(1e-12));
        Assert.Equal([1, 2], epochs);
        Assert.Equal(expected.Average(), recorder.Logged.Single().TrainLoss!.Value, 12); // one line at the end: the mean of its updates
        Assert.True(expected.Skip(3).Average() < expected.Take(3).Average(), "the loss of a learnable cycle goes down");
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(double value) => 0;
    }

    [Fact]
    public void CancellationStopsAfterTheCurrentUpdate()
    {
        using var cts = new CancellationTokenSource();
        var recorder = new Recorder();
        var trainer = new SequenceTrainer(NewModel(), new SequenceTrainerOptions { BatchSize = 2, SequenceLength = 10, Steps = 1000 })
            .Add(new LambdaCallback { StepEnd = m => { if (m.Step == 3) cts.Cancel(); } })
            .Add(recorder);
        FitOutcome result = trainer.Fit(Cycle(400), cts.Token);
        Assert.Equal(StopReason.Cancelled, result.Reason);
        Assert.Equal(3, result.Step);
        Assert.Equal(["begin@0", "step1", "step2", "step3", "end:Cancelled@3"], recorder.Events);

        // A token cancelled before the start: no update at all, the end callback still runs.
        var again = new SequenceTrainer(NewModel(), new SequenceTrainerOptions { BatchSize = 2, SequenceLength = 10, Steps = 5 }).Add(new Recorder());
        Assert.Equal(0, again.Fit(Cycle(400), new CancellationToken(canceled: true)).Step);
    }

    [Fact]
    public void EarlyStoppingStopsOnPatienceAndRestoresTheBestWeights()
    {
        // Training text is the cycle; held-out text runs backwards (5 4 3 ...), so after the model first learns
        // the token frequencies its validation loss rises as it learns the forward order.
        var train = TokenStream.FromArray(Cycle(2 * 401));
        var validation = TokenStream.FromArray(Enumerable.Range(0, 120).Select(i => 5 - i % 6).ToArray());
        var losses = new List<EvaluationReport>();
        var model = NewModel();
        var weights = new Dictionary<long, float[]>();
        var trainer = new SequenceTrainer(model, new SequenceTrainerOptions
            {
                BatchSize = 2, SequenceLength = 10, Steps = 200, LearningRate = 0.02, EvalEvery = 1, Patience = 3,
            })
            .Add(new LambdaCallback { Evaluated = losses.Add, StepEnd = s => weights[s.Step] = model.Parameters.Values.ToArray() });
        FitOutcome result = trainer.Fit(train, validation);

        Assert.Equal(StopReason.EarlyStopping, result.Reason);
        Assert.True(result.Step < 200);
        Assert.Equal(result.Step, result.BestStep + 3);   // three evaluations without improvement
        Assert.Equal(losses.Count, result.Step);
        Assert.Equal(losses.Min(l => l.Loss), result.BestScore);
        Assert.All(losses.TakeLast(3), l => Assert.False(l.Improved));
        Assert.Equal(weights[result.BestStep!.Value], model.Parameters.Values);
        Assert.Equal(result.BestScore!.Value, trainer.Evaluate(validation), 9);
        Assert.True(losses[^1].Loss > result.BestScore, "the last weights were worse than the restored ones");
    }

    [Fact]
    public void OnAPlateauTheLearningRateIsHalvedEveryPlateauPatienceEvaluations()
    {
        // The set-up above, whose validation loss rises once the model learns the forward order: after every second
        // evaluation in a row without a lower loss the rate halves, and the next improvement does not undo it.
        var train = TokenStream.FromArray(Cycle(2 * 401));
        var validation = TokenStream.FromArray(Enumerable.Range(0, 120).Select(i => 5 - i % 6).ToArray());
        var evaluations = new List<EvaluationReport>();
        var rates = new Dictionary<long, double>();
        var trainer = new SequenceTrainer(NewModel(), new SequenceTrainerOptions
            {
                BatchSize = 2, SequenceLength = 10, Steps = 60, LearningRate = 0.02, EvalEvery = 1, PlateauPatience = 2, PlateauFactor = 0.5,
            })
            .Add(new LambdaCallback { Evaluated = evaluations.Add, StepEnd = s => rates[s.Step] = s.LearningRate });
        trainer.Fit(train, validation);

        double factor = 1;
        int plateaus = 0;
        foreach (var e in evaluations.Where(e => !e.Final))
        {
            Assert.Equal(0.02 * factor, rates[e.Step], 12);   // the update before this evaluation
            if (!e.Improved && e.EvaluationsWithoutImprovement % 2 == 0) { factor *= 0.5; plateaus++; }
        }
        Assert.True(plateaus >= 2, $"the validation loss should stall more than once; {plateaus} plateaus");
        Assert.Equal(0.02 * factor, rates[evaluations[^1].Step], 12);
        Assert.Throws<ArgumentException>(() => new SequenceTrainerOptions { Steps = 1, PlateauPatience = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new SequenceTrainerOptions { Steps = 1, PlateauPatience = 2, PlateauFactor = 1 }.Validate());
    }

    // When the last evaluation is the best one, nothing is put back.
    [Fact]
    public void EarlyStoppingPutsNothingBackWhenTheFinalWeightsAreTheBest()
    {
        var model = NewModel();
        float[]? last = null;
        var trainer = new SequenceTrainer(model, new SequenceTrainerOptions { BatchSize = 2, SequenceLength = 10, Steps = 3, LearningRate = 0.02, EvalEvery = 3 })
            .Add(new LambdaCallback { StepEnd = s => last = model.Parameters.Values.ToArray() });
        FitOutcome result = trainer.Fit(TokenStream.FromArray(Cycle(2 * 401)), TokenStream.FromArray(Cycle(120, offset: 1)));
        Assert.Equal(3, result.Step);
        Assert.Equal(3, result.BestStep); // the only evaluation, after the last step
        Assert.Equal(last, model.Parameters.Values);
    }

    [Fact]
    public void CheckpointWriterWritesALoadableModelAndRunDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"rnn-ckpt-{Guid.NewGuid():N}");
        try
        {
            var run = new RunDirectory(dir);
            var tokenizer = new CharTokenizer("abcdef".Select(c => (int)c));
            var trainer = new SequenceTrainer(NewModel(), new SequenceTrainerOptions { BatchSize = 2, SequenceLength = 10, Steps = 5 });
            var checkpoint = new CheckpointWriter(run, (path, state) =>
                ModelFile.Save(path, trainer.Model, tokenizer.ToJson(), state.ToJson(), trainer.Engine.Optimizer));
            var saves = new List<long>();
            checkpoint.Saved += r => saves.Add(r.Step);
            trainer.Add(checkpoint).Add(new MetricsLogWriter(run.Metrics));
            trainer.Fit(Cycle(200));
            Assert.Equal([0L, 5L], saves); // before the first update, and at the end
            var content = ModelFile.Read(run.Last);
            var loaded = ModelFile.CreateModel(content, run.Last);
            Assert.Equal(trainer.Model.Parameters.Values, loaded.Parameters.Values);
            Assert.Equal(tokenizer.ToJson(), content.Tokenizer);
            Assert.Equal(5, FitState.FromJson(content.Training!, run.Last).Step);
            Assert.Equal(5, MetricsLog.Read(run.Metrics).Single().Step);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void BadModelsOptionsAndDataAreNamed()
    {
        var dense = Model.Sequence().Input(3).Lstm(4).Dense(3).Build();
        Assert.Contains("next-token models", Assert.Throws<ArgumentException>(() => new SequenceTrainer(dense, new SequenceTrainerOptions { Steps = 1 })).Message);
        Assert.Contains("Give Epochs or Steps", Assert.Throws<ArgumentException>(() => new SequenceTrainer(NewModel(), new SequenceTrainerOptions())).Message);
        Assert.Contains("BatchSize must be positive, got 0",
            Assert.Throws<ArgumentException>(() => new SequenceTrainer(NewModel(), new SequenceTrainerOptions { Steps = 1, BatchSize = 0 })).Message);
        var trainer = new SequenceTrainer(NewModel(), new SequenceTrainerOptions { BatchSize = 2, SequenceLength = 10, Steps = 1 });
        Assert.Contains("Token 9 at position 3 is outside the model's vocabulary [0, 6)",
            Assert.Throws<ArgumentException>(() => trainer.Fit([0, 1, 2, 9, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 0, 1])).Message);
        Assert.Contains("fewer than one window", Assert.Throws<ArgumentException>(() => trainer.Fit([0, 1, 2])).Message);
        Assert.Contains("Patience must be positive, got 0",
            Assert.Throws<ArgumentException>(() => new SequenceTrainer(NewModel(), new SequenceTrainerOptions { Steps = 1, Patience = 0 })).Message);
    }
}
