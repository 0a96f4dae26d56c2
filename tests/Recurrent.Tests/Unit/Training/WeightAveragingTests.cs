// Averaged weights, the arithmetic: AveragingOptimizer's incremental average θ̄ ← θ̄ + w_n·(θ − θ̄) against the
// textbook definitions computed in double over a known sequence of parameter vectors — the bias-corrected EMA
// m_t/(1 − d^n) with m ← d·m + (1 − d)·θ, and the Polyak mean of θ_START..θ_t — plus the swap in/out, the state
// buffer a checkpoint saves, the step count forwarded to the wrapped optimizer, and the option's text form.
using Recurrent.Optimizers;
using Recurrent.Training;

namespace Recurrent.Tests.Training;

public sealed class WeightAveragingTests
{
    /// <summary>An "optimizer" that sets the parameters to the next vector of a script (the update rule is not under test).</summary>
    private sealed class ScriptedOptimizer(float[][] script) : Optimizer<float>(script[0].Length)
    {
        public override IReadOnlyList<KeyValuePair<string, float[]>> State => [];

        public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients, double learningRate)
        {
            script[StepCount].CopyTo(parameters);
            StepCount++;
        }
    }

    // (steps, 3): a known, non-trivial sequence θ_1..θ_T of parameter vectors.
    private static float[][] Sequence(int steps)
    {
        var rng = new Random(7);
        return Enumerable.Range(0, steps)
            .Select(t => new[] { (float)Math.Sin(0.3 * t), (float)(rng.NextDouble() * 4 - 2), 0.01f * t * t })
            .ToArray();
    }

    private static void AssertClose(double expected, float actual, string what)
    {
        double tolerance = 2e-6 * Math.Max(1, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected:R}, got {actual:R}");
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public void EmaIsTheBiasCorrectedExponentialAverage(double decay)
    {
        const int T = 60;
        var thetas = Sequence(T);
        var optimizer = new AveragingOptimizer(new ScriptedOptimizer(thetas), WeightAveraging.Ema(decay));
        var parameters = new float[3];
        var m = new double[3]; // the uncorrected EMA from zero, in double
        for (int t = 1; t <= T; t++)
        {
            optimizer.Step(parameters, new float[3], 0.1);
            Assert.Equal(thetas[t - 1], parameters); // the raw weights are the inner optimizer's, untouched
            Assert.Equal(t, optimizer.Count);
            for (int i = 0; i < 3; i++)
            {
                m[i] = decay * m[i] + (1 - decay) * thetas[t - 1][i];
                AssertClose(m[i] / (1 - Math.Pow(decay, t)), optimizer.Average[i], $"EMA step {t} element {i}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void PolyakIsTheMeanFromStart(long start)
    {
        const int T = 40;
        var thetas = Sequence(T);
        var optimizer = new AveragingOptimizer(new ScriptedOptimizer(thetas), WeightAveraging.Polyak(start));
        var parameters = new float[3];
        for (int t = 1; t <= T; t++)
        {
            optimizer.Step(parameters, new float[3], 0.1);
            if (t < start)
            {
                Assert.Equal(0, optimizer.Count);
                Assert.False(optimizer.SwapIn(parameters)); // no average yet: evaluation uses the raw weights
                continue;
            }
            Assert.Equal(t - start + 1, optimizer.Count);
            for (int i = 0; i < 3; i++)
            {
                double sum = 0;
                for (long s = start; s <= t; s++) sum += thetas[s - 1][i];
                AssertClose(sum / (t - start + 1), optimizer.Average[i], $"Polyak step {t} element {i}");
            }
        }
    }

    [Fact]
    public void TheWeightsAreOneThenTheKindsOwn()
    {
        Assert.Equal(1, AveragingOptimizer.Weight(WeightAveraging.Ema(0.9), 1));
        Assert.Equal(0.1 / (1 - 0.81), AveragingOptimizer.Weight(WeightAveraging.Ema(0.9), 2), 15);
        Assert.Equal(0.25, AveragingOptimizer.Weight(WeightAveraging.Polyak(), 4));
        Assert.Equal(0.25, AveragingOptimizer.Weight(WeightAveraging.NonMonotone(), 4));
    }

    [Fact]
    public void NonMonotoneAveragesNothingUntilStartedThenTheMean()
    {
        var thetas = Sequence(10);
        var optimizer = new AveragingOptimizer(new ScriptedOptimizer(thetas), WeightAveraging.NonMonotone(3));
        var parameters = new float[3];
        for (int t = 1; t <= 4; t++) optimizer.Step(parameters, new float[3], 0.1);
        Assert.Null(optimizer.Start);
        Assert.Equal(0, optimizer.Count);
        optimizer.StartAt(5);
        Assert.Throws<InvalidOperationException>(() => optimizer.StartAt(6));
        for (int t = 5; t <= 7; t++) optimizer.Step(parameters, new float[3], 0.1);
        Assert.Equal(3, optimizer.Count);
        for (int i = 0; i < 3; i++)
            AssertClose((thetas[4][i] + (double)thetas[5][i] + thetas[6][i]) / 3, optimizer.Average[i], $"element {i}");
        Assert.Equal(5, optimizer.SaveState().Start);
    }

    [Fact]
    public void SwapInPutsTheAverageInAndSwapOutTheRawWeightsBackExactly()
    {
        var thetas = Sequence(5);
        var optimizer = new AveragingOptimizer(new ScriptedOptimizer(thetas), WeightAveraging.Polyak());
        var parameters = new float[3];
        for (int t = 0; t < 4; t++) optimizer.Step(parameters, new float[3], 0.1);
        float[] raw = (float[])parameters.Clone();
        Assert.True(optimizer.SwapIn(parameters));
        Assert.True(optimizer.IsSwappedIn);
        Assert.Equal(optimizer.Average.ToArray(), parameters);
        Assert.NotEqual(raw, parameters);
        Assert.False(optimizer.SwapIn(parameters)); // already in: a second swap would lose the raw weights
        Assert.Throws<InvalidOperationException>(() => optimizer.Step(parameters, new float[3], 0.1));
        optimizer.SwapOut(parameters);
        Assert.Equal(raw, parameters);
        Assert.False(optimizer.IsSwappedIn);
        optimizer.SwapOut(parameters); // not swapped in: nothing
        Assert.Equal(raw, parameters);
    }

    [Fact]
    public void StepsAndSwapsDoNotAllocate()
    {
        var optimizer = new AveragingOptimizer(new Sgd<float>(1000), WeightAveraging.Ema());
        var parameters = new float[1000];
        var gradients = Enumerable.Range(0, 1000).Select(i => 0.001f * i).ToArray();
        optimizer.Step(parameters, gradients, 0.1); // warm up (JIT)
        optimizer.SwapIn(parameters);
        optimizer.SwapOut(parameters);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 50; k++)
        {
            optimizer.Step(parameters, gradients, 0.1);
            Assert.True(optimizer.SwapIn(parameters));
            optimizer.SwapOut(parameters);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void TheAverageIsAStateBufferAndTheStepCountReachesTheWrappedOptimizer()
    {
        var adam = new Adam<float>(4);
        var optimizer = new AveragingOptimizer(adam, WeightAveraging.Ema());
        Assert.Equal(["exp_avg", "exp_avg_sq", AveragingOptimizer.AverageStateName], optimizer.State.Select(s => s.Key));
        optimizer.RestoreStepCount(17);
        Assert.Equal(17, optimizer.StepCount);
        Assert.Equal(17, adam.StepCount); // Adam's bias correction continues where it stopped
        optimizer.Step(new float[4], [1, 2, 3, 4], 0.1);
        Assert.Equal(18, adam.StepCount);
        Assert.Throws<ArgumentException>(() => new AveragingOptimizer(optimizer, WeightAveraging.Ema()));
    }

    [Fact]
    public void OptimizationOptionsWrapTheOptimizerAndCountItsBuffers()
    {
        var plain = new OptimizationOptions { Optimizer = OptimizerKind.Sgd };
        Assert.IsType<Sgd<float>>(plain.CreateOptimizer(3));
        var averaged = plain with { AverageWeights = WeightAveraging.Polyak(10) };
        var optimizer = Assert.IsType<AveragingOptimizer>(averaged.CreateOptimizer(3));
        Assert.IsType<Sgd<float>>(optimizer.Inner);
        Assert.Equal(plain.OptimizerBuffers + 2, averaged.OptimizerBuffers);
        var e = Assert.Throws<ArgumentException>(() => (plain with { AverageWeights = WeightAveraging.Ema(1) }).Validate());
        Assert.Equal(nameof(OptimizationOptions.AverageWeights), e.ParamName);
    }

    [Theory]
    [InlineData("ema", WeightAveragingKind.Ema, 0.999, 1, 5)]
    [InlineData("EMA:0.99", WeightAveragingKind.Ema, 0.99, 1, 5)]
    [InlineData("polyak", WeightAveragingKind.Polyak, 0.999, 1, 5)]
    [InlineData("polyak:1000", WeightAveragingKind.Polyak, 0.999, 1000, 5)]
    [InlineData("nt", WeightAveragingKind.NonMonotone, 0.999, 1, 5)]
    [InlineData("nt:3", WeightAveragingKind.NonMonotone, 0.999, 1, 3)]
    [InlineData("nt:0", WeightAveragingKind.NonMonotone, 0.999, 1, 0)]
    public void ParseReadsEachForm(string text, WeightAveragingKind kind, double decay, long start, int interval)
    {
        var a = WeightAveraging.Parse(text);
        Assert.Equal(new WeightAveraging { Kind = kind, Decay = decay, Start = start, Interval = interval }, a);
        Assert.Equal(a, WeightAveraging.Parse(a.ToString())); // the text form reads back
    }

    [Theory]
    [InlineData("swa")]
    [InlineData("ema:")]
    [InlineData("ema:x")]
    [InlineData("ema:1")]
    [InlineData("ema:0")]
    [InlineData("ema:-0.5")]
    [InlineData("polyak:0")]
    [InlineData("polyak:-3")]
    [InlineData("polyak:1.5")]
    [InlineData("nt:-1")]
    public void ParseRefusesOthersNamingTheOption(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => WeightAveraging.Parse(text));
        Assert.Equal("AverageWeights", e.ParamName);
        Assert.StartsWith("AverageWeights ", e.Message);
    }
}
