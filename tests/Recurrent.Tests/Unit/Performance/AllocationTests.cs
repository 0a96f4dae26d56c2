// Steady-state training steps and sampled tokens allocate nothing: buffers are sized on first use and
// reused (GC.GetAllocatedBytesForCurrentThread counts every managed allocation on this thread).
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Randomness;
using Recurrent.Sampling;
using Recurrent.Schedules;
using Recurrent.Training;
using Recurrent.Tests.Support;

namespace Recurrent.Tests.Performance;

public sealed class AllocationTests
{
    public static TheoryData<CellKind, int, bool> Models => new()
    {
        { CellKind.Lstm, 2, false },
        { CellKind.Gru, 2, false },
        { CellKind.RnnTanh, 1, false },
        { CellKind.Lstm, 2, true },
    };

    private static SequenceModel<float> Build(CellKind cell, int layers, double dropout, bool bidirectional = false) =>
        new(new ModelConfig
        {
            Input = InputKind.Embedding, InputSize = 17, EmbeddingSize = 24, Cell = cell, HiddenSize = 40,
            Layers = layers, Dropout = dropout, Bidirectional = bidirectional, OutputSize = 17,
        }, seed: 3);

    [Theory]
    [MemberData(nameof(Models))]
    public void TrainingStepAllocatesNothingAfterWarmUp(CellKind cell, int layers, bool bidirectional)
    {
        var model = Build(cell, layers, dropout: 0.2, bidirectional);
        var trainer = new Trainer<float>(model, new Adam<float>(model.Parameters.Count), new ConstantSchedule(1e-3),
            new TrainerOptions { ClipNorm = 5, ClipValue = 10, L2 = 1e-4, L1 = 1e-5 });
        var rng = new Rng(1);
        int T = 12, B = 5;
        var x = new int[T * B];
        var y = new int[T * B];
        for (int i = 0; i < x.Length; i++) { x[i] = rng.NextInt(17); y[i] = rng.NextInt(17); }
        for (int i = 0; i < 3; i++) { trainer.Train(x, y, T, B); if (!bidirectional) model.CarryState(); }
        long allocated = Allocations.MinimumBytes(() =>
        {
            for (int i = 0; i < 20; i++) { trainer.Train(x, y, T, B); if (!bidirectional) model.CarryState(); }
        });
        Assert.Equal(0, allocated);
    }

    // The AWD-LSTM dropouts (locked masks, input/output/embedding dropout, weight drop) reuse their mask buffers too,
    // on the per-vocabulary token path (embedding dropout alone) and the per-token path input dropout takes.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TrainingStepWithAwdDropoutsAllocatesNothingAfterWarmUp(bool inputDropout)
    {
        var model = new SequenceModel<float>(Build(CellKind.Lstm, 2, dropout: 0.2).Config with
        {
            LockedDropout = true, InputDropout = inputDropout ? 0.2 : 0, OutputDropout = 0.3, EmbeddingDropout = 0.1, WeightDrop = 0.3,
        }, seed: 3);
        var trainer = new Trainer<float>(model, new Adam<float>(model.Parameters.Count), new ConstantSchedule(1e-3));
        var rng = new Rng(2);
        int T = 12, B = 5;
        var x = new int[T * B];
        var y = new int[T * B];
        for (int i = 0; i < x.Length; i++) { x[i] = rng.NextInt(17); y[i] = rng.NextInt(17); }
        for (int i = 0; i < 3; i++) { trainer.Train(x, y, T, B); model.CarryState(); }
        Assert.Equal(0, Allocations.MinimumBytes(() =>
        {
            for (int i = 0; i < 20; i++) { trainer.Train(x, y, T, B); model.CarryState(); }
        }));
    }

    [Fact]
    public void TruncatedBpttAllocatesNothingAfterWarmUp()
    {
        var model = Build(CellKind.Lstm, 2, dropout: 0);
        var trainer = new Trainer<float>(model, new RmsProp<float>(model.Parameters.Count, alpha: 0.95), new ConstantSchedule(1e-3));
        int T = 30, B = 4;
        var x = new int[T * B];
        var y = new int[T * B];
        for (int i = 0; i < x.Length; i++) { x[i] = i % 17; y[i] = (i * 7) % 17; }
        TruncatedBptt.TrainSequence(trainer, x, y, T, B, 10, 5);
        Assert.Equal(0, Allocations.MinimumBytes(() =>
        {
            for (int i = 0; i < 5; i++) TruncatedBptt.TrainSequence(trainer, x, y, T, B, 10, 5);
        }));
    }

    [Theory]
    [InlineData(false, 0, 1.0)]
    [InlineData(false, 5, 0.9)]
    [InlineData(true, 0, 1.0)]
    public void SampledTokenAllocatesNothingAfterWarmUp(bool argMax, int topK, double topP)
    {
        var model = Build(CellKind.Gru, 2, dropout: 0);
        var sampler = new TokenSampler(model, seed: 5);
        var options = new SamplingOptions { ArgMax = argMax, TopK = topK, TopP = topP, Temperature = 0.8 };
        int token = 0;
        for (int i = 0; i < 5; i++) token = sampler.Next(token, options);
        Assert.Equal(0, Allocations.MinimumBytes(() =>
        {
            for (int i = 0; i < 200; i++) token = sampler.Next(token, options);
        }));
    }

    // The two-partition path (two cores, meeting once per layer through the worker pool) allocates nothing either.
    [Theory]
    [InlineData(CellKind.Lstm)]
    [InlineData(CellKind.Gru)]
    public void PartitionedStepAllocatesNothingAfterWarmUp(CellKind cell)
    {
        var model = Build(cell, 2, dropout: 0);
        var inference = new Recurrent.Sampling.StepInference(model, partitions: 2);
        Assert.Equal(2, inference.Partitions);
        for (int i = 0; i < 5; i++) inference.Step(i % 3);
        Assert.Equal(0, Allocations.MinimumBytes(() =>
        {
            for (int i = 0; i < 200; i++) inference.Step(i % 3);
        }));
    }
}
