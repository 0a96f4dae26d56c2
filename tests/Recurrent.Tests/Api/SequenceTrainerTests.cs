// SequenceTrainer: callbacks run in order (begin, every step, epoch ends, end) with the values of a hand-written
// loop over the same step engine and batcher; cancellation stops after the current update; early stopping
// stops after `patience` evaluations without improvement and puts the best weights back; the checkpoint
// callback writes a model file that loads to the same weights; bad data is named.
using Recurrent.Api;
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Schedules;
using Recurrent.Serialization;
using Recurrent.Training;

namespace Recurrent.Tests.Api;

public sealed class SequenceTrainerTests
{
    // A small periodic "language" with a little noise: 0 1 2 3 4 5 0 1 2 ... over 6 tokens.
    private static int[] Cycle(int n, int offset = 0) => Enumerable.Range(offset, n).Select(i => i % 6).ToArray();

    private static SequenceModel<float> NewModel() => Model.Sequence().Embedding(6, 5).Lstm(8).Dense(6).Build(seed: 21);

    private sealed class Recorder : TrainingCallback
    {
        public List<string> Events { get; } = [];
        public List<StepMetrics> Steps { get; } = [];
        public override void OnTrainBegin(TrainingContext context) => Events.Add($"begin@{context.Step}");
        public override void OnStepEnd(TrainingContext context, StepMetrics metrics)
        {
            Events.Add($"step{metrics.Step}");
            Steps.Add(metrics);
        }
        public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics) => Events.Add($"epoch{metrics.Epoch}@{metrics.Step}");
        public override void OnTrainEnd(TrainingContext context, FitResult result) => Events.Add($"end:{result.Reason}@{result.Step}");
    }

    [Fact]
    public void CallbacksRunInOrderWithTheValuesOfAHandWrittenLoop()
    {
        int[] data = Cycle(4 * 61);   // B = 4 streams of 61 tokens, T = 20 → 3 windows per epoch
        var options = new SequenceTrainerOptions { BatchSize = 4, SequenceLength = 20, Epochs = 2, LearningRate = 0.01 };
        var recorder = new Recorder();
        var epochs = new List<EpochMetrics>();
        var trainer = new SequenceTrainer(NewModel(), options).Add(recorder).Add(new MetricsCallback(onEpoch: epochs.Add));
        FitResult result = trainer.Fit(data);

        Assert.Equal(["begin@0", "step1", "step2", "step3", "epoch1@3", "step4", "step5", "step6", "epoch2@6", "end:Epochs@6"], recorder.Events);
        Assert.Equal(StopReason.Epochs, result.Reason);
        Assert.Equal(6, result.StepsThisCall);

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
        Assert.All(recorder.Steps, s => Assert.True(s.GradientNorm > 0 && s.TokensPerSecond > 0));
        Assert.Equal([1.0 / 3, 2.0 / 3, 1.0, 4.0 / 3, 5.0 / 3, 2.0], recorder.Steps.Select(s => s.Epoch), new ToleranceComparer(1e-12));
        Assert.Equal(2, epochs.Count);
        Assert.Equal((expected[0] + expected[1] + expected[2]) / 3, epochs[0].MeanLoss, 12);
        Assert.True(epochs[1].MeanLoss < epochs[0].MeanLoss, "the loss of a learnable cycle goes down");
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
            .Add(new MetricsCallback(onStep: m => { if (m.Step == 3) cts.Cancel(); }))
            .Add(recorder);
        FitResult result = trainer.Fit(Cycle(400), cts.Token);
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
        int[] train = Cycle(2 * 401);
        int[] validation = Enumerable.Range(0, 120).Select(i => 5 - i % 6).ToArray();
        var stopping = new EarlyStopping(validation, patience: 3, everySteps: 1);
        var losses = new List<ValidationMetrics>();
        stopping.Evaluated += losses.Add;
        var model = NewModel();
        float[]? weightsAtBest = null;
        var trainer = new SequenceTrainer(model, new SequenceTrainerOptions { BatchSize = 2, SequenceLength = 10, Steps = 200, LearningRate = 0.02 })
            .Add(stopping)
            .Add(new MetricsCallback(onStep: m => { if (m.Step == stopping.BestStep) weightsAtBest = model.Parameters.Values.ToArray(); }));
        FitResult result = trainer.Fit(train);

        Assert.Equal(StopReason.EarlyStopping, result.Reason);
        Assert.True(stopping.Stopped);
        Assert.True(result.Step < 200);
        Assert.Equal(result.Step, stopping.BestStep + 3);   // three evaluations without improvement
        Assert.Equal(losses.Count, result.Step);
        Assert.Equal(losses.Min(l => l.Loss), stopping.BestLoss);
        Assert.All(losses.TakeLast(3), l => Assert.False(l.Improved));
        Assert.True(stopping.Restored);
        Assert.Equal(weightsAtBest, model.Parameters.Values);
        Assert.Equal(stopping.BestLoss!.Value, trainer.Evaluate(TokenStream.FromArray(validation)), 9);
        Assert.True(losses[^1].Loss > stopping.BestLoss, "the last weights were worse than the restored ones");
    }

    // When the last evaluation is the best one, nothing is put back and Restored says so.
    [Fact]
    public void EarlyStoppingReportsNoRestoreWhenTheFinalWeightsAreTheBest()
    {
        int[] text = Cycle(2 * 401);
        var stopping = new EarlyStopping(Cycle(120, offset: 1), patience: 3, everySteps: 3);
        var model = NewModel();
        var trainer = new SequenceTrainer(model, new SequenceTrainerOptions { BatchSize = 2, SequenceLength = 10, Steps = 3, LearningRate = 0.02 })
            .Add(stopping);
        FitResult result = trainer.Fit(text);
        Assert.Equal(3, result.Step);
        Assert.Equal(3, stopping.BestStep); // the only evaluation, after the last step
        Assert.False(stopping.Restored);
    }

    [Fact]
    public void CheckpointCallbackWritesALoadableModel()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"rnn-ckpt-{Guid.NewGuid():N}");
        try
        {
            string path = Path.Combine(dir, "model.safetensors");
            var tokenizer = new CharTokenizer("abcdef".Select(c => (int)c));
            var checkpoint = new CheckpointCallback(path, everySteps: 2, atEpochEnd: false, tokenizer: tokenizer);
            var saves = new List<long>();
            checkpoint.Saved += r => saves.Add(r.Step);
            var trainer = new SequenceTrainer(NewModel(), new SequenceTrainerOptions { BatchSize = 2, SequenceLength = 10, Steps = 5 }).Add(checkpoint);
            trainer.Fit(Cycle(200));
            Assert.Equal([2L, 4L, 5L], saves);
            var content = ModelFile.Read(path);
            var loaded = ModelFile.CreateModel(content, path);
            Assert.Equal(trainer.Model.Parameters.Values, loaded.Parameters.Values);
            Assert.Equal(tokenizer.ToJson(), content.Tokenizer);
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
        Assert.Contains("patience must be positive, got 0", Assert.Throws<ArgumentException>(() => new EarlyStopping([1, 2, 3], patience: 0)).Message);
    }
}
