// A fixed seed gives bit-identical losses and parameters across two runs (initialisation, dropout masks
// and data order all come from seeded Rngs); a different seed gives different ones.
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Randomness;
using Recurrent.Schedules;
using Recurrent.Training;

namespace Recurrent.Tests.Training;

public sealed class DeterminismTests
{
    private static (double[] Losses, float[] Parameters) Train(ulong seed, CellKind cell)
    {
        var model = new SequenceModel<float>(new ModelConfig
        {
            Input = InputKind.Embedding, InputSize = 13, EmbeddingSize = 8, Cell = cell, HiddenSize = 16, Layers = 2,
            Dropout = 0.3, OutputSize = 13,
        }, seed);
        var trainer = new Trainer<float>(model, new Adam<float>(model.Parameters.Count), new ConstantSchedule(0.01),
            new TrainerOptions { ClipNorm = 1.0 });
        var data = new Rng(seed + 100);
        int T = 40, B = 4;
        var tokens = new int[T * B];
        var targets = new int[T * B];
        var losses = new List<double>();
        for (int step = 0; step < 5; step++)
        {
            for (int i = 0; i < tokens.Length; i++) { tokens[i] = data.NextInt(13); targets[i] = (tokens[i] * 3 + 1) % 13; }
            losses.Add(TruncatedBptt.TrainSequence(trainer, tokens, targets, T, B, forwardLength: 10, backwardLength: 10));
        }
        return (losses.ToArray(), model.Parameters.Values.ToArray());
    }

    [Theory]
    [InlineData(CellKind.Lstm)]
    [InlineData(CellKind.Gru)]
    [InlineData(CellKind.RnnTanh)]
    public void SameSeedGivesBitIdenticalLossesAndWeights(CellKind cell)
    {
        var a = Train(42, cell);
        var b = Train(42, cell);
        Assert.Equal(a.Losses.Select(BitConverter.DoubleToInt64Bits), b.Losses.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(a.Parameters.Select(BitConverter.SingleToInt32Bits), b.Parameters.Select(BitConverter.SingleToInt32Bits));
        var c = Train(43, cell);
        Assert.NotEqual(a.Losses, c.Losses);
    }

    [Fact]
    public void TruncatedBpttLearnsALongRangeCopyWithinTheBackwardLength()
    {
        // Target at step t is the input at step t-2: needs memory over 2 steps, within backward length 5.
        var model = new SequenceModel<float>(new ModelConfig
        {
            Input = InputKind.Embedding, InputSize = 5, EmbeddingSize = 8, Cell = CellKind.Lstm, HiddenSize = 32, OutputSize = 5,
        }, 5);
        var trainer = new Trainer<float>(model, new Adam<float>(model.Parameters.Count), new ConstantSchedule(0.02));
        var rng = new Rng(9);
        int T = 60, B = 8;
        var tokens = new int[T * B];
        var targets = new int[T * B];
        double first = 0, last = 0;
        for (int epoch = 0; epoch < 60; epoch++)
        {
            for (int i = 0; i < tokens.Length; i++) tokens[i] = rng.NextInt(5);
            for (int i = 0; i < tokens.Length; i++) targets[i] = i >= 2 * B ? tokens[i - 2 * B] : -1;
            model.ResetState();
            double loss = TruncatedBptt.TrainSequence(trainer, tokens, targets, T, B, forwardLength: 10, backwardLength: 5);
            if (epoch == 0) first = loss;
            last = loss;
        }
        Assert.True(first > 1.4, $"initial loss {first} should be near ln 5 = 1.61");
        Assert.True(last < 0.2, $"loss after training {last} should be near 0");
    }
}
