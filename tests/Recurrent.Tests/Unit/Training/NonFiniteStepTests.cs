// Trainer checks the loss and the gradient before the update: a step whose gradient holds a NaN or an infinity
// (injected after backward) or whose loss is not finite (a NaN input feature) is skipped — parameters, optimizer
// moments, the optimizer's step count and the schedule position stay exactly as they were — and reported as
// Skipped; the next finite step updates as usual.
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Schedules;
using Recurrent.Training;

namespace Recurrent.Tests.Training;

public sealed class NonFiniteStepTests
{
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void ANonFiniteGradientSkipsTheUpdate(float poison)
    {
        var (model, adam, trainer) = Setup();
        int[] tokens = [1, 2, 3, 4, 5, 6], targets = [2, 3, 4, 5, 6, 0];
        trainer.Train(tokens, targets, 3, 2); // one normal step, so the moments are not zero
        float[] weights = model.Parameters.Values.ToArray();
        float[][] moments = adam.State.Select(s => (float[])s.Value.Clone()).ToArray();

        trainer.GradientHook = g => g[g.Length / 2] = poison;
        var skipped = trainer.Train(tokens, targets, 3, 2);

        Assert.True(skipped.Skipped);
        Assert.False(double.IsFinite(skipped.GradientNorm));
        Assert.Equal(weights, model.Parameters.Values.ToArray());
        for (int k = 0; k < moments.Length; k++) Assert.Equal(moments[k], adam.State[k].Value);
        Assert.Equal(1, adam.StepCount);
        Assert.Equal(1, trainer.Step);

        trainer.GradientHook = null;
        var next = trainer.Train(tokens, targets, 3, 2);
        Assert.False(next.Skipped);
        Assert.Equal(2, trainer.Step);
        Assert.NotEqual(weights, model.Parameters.Values.ToArray());
    }

    [Fact]
    public void ANonFiniteLossSkipsTheUpdate()
    {
        var model = new SequenceModel<float>(new ModelConfig { Input = InputKind.Dense, InputSize = 2, Cell = CellKind.Gru, HiddenSize = 3, OutputSize = 4 }, 5);
        var trainer = new Trainer<float>(model, new Sgd<float>(model.Parameters.Count), new ConstantSchedule(0.1));
        float[] weights = model.Parameters.Values.ToArray();
        var result = trainer.Train([1f, float.NaN, 0.5f, 0.25f], [1, 2], 1, 2);
        Assert.True(result.Skipped);
        Assert.True(double.IsNaN(result.Loss));
        Assert.Equal(weights, model.Parameters.Values.ToArray());
        Assert.Equal(0, trainer.Step);
    }

    private static (SequenceModel<float>, Adam<float>, Trainer<float>) Setup()
    {
        var model = new SequenceModel<float>(new ModelConfig
        {
            Input = InputKind.Embedding, InputSize = 7, EmbeddingSize = 4, Cell = CellKind.Lstm, HiddenSize = 5, OutputSize = 7,
        }, 3);
        var adam = new Adam<float>(model.Parameters.Count);
        return (model, adam, new Trainer<float>(model, adam, new ConstantSchedule(0.01), new TrainerOptions { ClipNorm = 1 }));
    }
}
