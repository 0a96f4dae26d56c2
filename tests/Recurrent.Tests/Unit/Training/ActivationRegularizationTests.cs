// AWD-LSTM's AR and TAR (ActivationRegularization): hand-computed penalties and gradients on a tiny known h (with
// and without padded rows); α = β = 0 leaves training bit-identical to a run without the options, while a positive
// α changes it; and impossible strengths are refused.
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Randomness;
using Recurrent.Schedules;
using Recurrent.Training;

namespace Recurrent.Tests.Training;

public sealed class ActivationRegularizationTests
{
    // h (T=3, B=1, W=2): t0 = (1, 2), t1 = (3, 0), t2 = (0, −1).
    private static readonly double[] H = [1, 2, 3, 0, 0, -1];

    [Fact]
    public void ArIsAlphaTimesTheMeanSquareAndTarBetaTimesTheMeanSquaredStepDifference()
    {
        // AR: mean h² = (1 + 4 + 9 + 0 + 0 + 1) / 6 = 2.5; TAR: differences (2, −2), (−3, −1) → (4 + 4 + 9 + 1) / 4 = 4.5.
        Assert.Equal(0.1 * 2.5, ActivationRegularization.PenaltyAndGradient<double>(H, Span<double>.Empty, 3, 1, 2, 0.1, 0), 14);
        Assert.Equal(2 * 4.5, ActivationRegularization.PenaltyAndGradient<double>(H, Span<double>.Empty, 3, 1, 2, 0, 2), 14);
        var dh = new double[6];
        double p = ActivationRegularization.PenaltyAndGradient<double>(H, dh, 3, 1, 2, 0.1, 2);
        Assert.Equal(0.25 + 9, p, 14);
        // dAR/dh = 2α·h/6 = h/30; dTAR/dh_t = (2β/4)·[(h_t − h_{t−1}) − (h_{t+1} − h_t)] = (h_t − h_{t−1}) − (h_{t+1} − h_t).
        double[] expected =
        [
            1 / 30.0 - 2, 2 / 30.0 + 2,
            3 / 30.0 + 2 + 3, 0 - 2 + 1,
            0 - 3, -1 / 30.0 - 1,
        ];
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], dh[i], 12);
        // The gradient is added to what dh held.
        double[] ones = [1, 1, 1, 1, 1, 1];
        ActivationRegularization.PenaltyAndGradient<double>(H, ones, 3, 1, 2, 0.1, 2);
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i] + 1, ones[i], 12);
        // One step: no TAR pair.
        Assert.Equal(0.0, ActivationRegularization.PenaltyAndGradient<double>(H.AsSpan(0, 2), Span<double>.Empty, 1, 1, 2, 0, 5));
    }

    [Fact]
    public void PaddingPositionsAreLeftOut()
    {
        // B = 2 interleaved (t, b): row 0 is H, row 1 has length 1 with (1, 1) at t0 and large padding values after.
        double[] h = [1, 2, 1, 1, 3, 0, 100, -100, 0, -1, 50, 70];
        var dh = new double[h.Length];
        double p = ActivationRegularization.PenaltyAndGradient<double>(h, dh, 3, 2, 2, 0.1, 2, [3, 1]);
        // AR over 4 valid rows × 2: (15 + 2) / 8; TAR over row 0's two pairs × 2: 18 / 4.
        Assert.Equal(0.1 * 17 / 8 + 2 * 18 / 4.0, p, 12);
        foreach (int i in new[] { 6, 7, 10, 11 }) Assert.Equal(0.0, dh[i]);
        Assert.Equal(2 * 0.1 * 1 / 8, dh[2], 14);
    }

    [Fact]
    public void NegativeOrNonFiniteStrengthsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new TrainerOptions { ActivationRegularization = -1 }.Validate());
        Assert.Throws<ArgumentException>(() => new TrainerOptions { TemporalActivationRegularization = double.NaN }.Validate());
        var e = Assert.Throws<ArgumentException>(() => new OptimizationOptions { TemporalActivationRegularization = -0.5 }.Validate());
        Assert.Equal(nameof(OptimizationOptions.TemporalActivationRegularization), e.ParamName);
        Assert.Throws<ArgumentException>(() => new OptimizationOptions { ActivationRegularization = double.PositiveInfinity }.Validate());
        var t = new OptimizationOptions { ActivationRegularization = 2, TemporalActivationRegularization = 1 }.TrainerOptions();
        Assert.Equal(2, t.ActivationRegularization);
        Assert.Equal(1, t.TemporalActivationRegularization);
    }

    private static float[] TrainFewSteps(TrainerOptions? options)
    {
        var config = new ModelConfig
        {
            Input = InputKind.Embedding, InputSize = 11, EmbeddingSize = 6, Cell = CellKind.Lstm, HiddenSize = 9, Layers = 2,
            Dropout = 0.2, Head = HeadKind.PerStep, OutputSize = 11,
        };
        var model = new SequenceModel<float>(config, 42);
        var trainer = new Trainer<float>(model, new Adam<float>(model.Parameters.Count), new ConstantSchedule(0.01), options);
        var rng = new Rng(5);
        const int T = 7, B = 3;
        for (int step = 0; step < 5; step++)
        {
            int[] tokens = Enumerable.Range(0, T * B).Select(_ => rng.NextInt(11)).ToArray();
            int[] targets = Enumerable.Range(0, T * B).Select(_ => rng.NextInt(11)).ToArray();
            trainer.Train(tokens, targets, T, B, backwardSteps: step % 2 == 0 ? 0 : 4);
            model.CarryState();
        }
        return model.Parameters.Values.ToArray();
    }

    [Fact]
    public void ZeroStrengthsLeaveTrainingBitIdentical()
    {
        float[] plain = TrainFewSteps(null);
        float[] zero = TrainFewSteps(new TrainerOptions { ActivationRegularization = 0, TemporalActivationRegularization = 0 });
        Assert.Equal(plain, zero);
        float[] fromOptimization = TrainFewSteps(new OptimizationOptions { ClipNorm = null }.TrainerOptions());
        Assert.Equal(plain, fromOptimization);
        Assert.NotEqual(plain, TrainFewSteps(new TrainerOptions { ActivationRegularization = 1 }));
        Assert.NotEqual(plain, TrainFewSteps(new TrainerOptions { TemporalActivationRegularization = 1 }));
    }
}
