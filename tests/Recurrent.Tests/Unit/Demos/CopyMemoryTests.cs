// The copy task: inputs are K symbols, blanks, the delimiter at step K+T-1 and blanks; only the recall steps
// have targets and they repeat the symbols in order. An LSTM learns a small version to the criterion.
using Recurrent.Randomness;
using Recurrent.Demos;

namespace Recurrent.Tests.Demos;

public sealed class CopyMemoryTests
{
    [Fact]
    public void RecallTargetsRepeatTheSymbolsAfterTheDelimiter()
    {
        const int k = 4, delay = 7, batch = 16;
        int steps = CopyMemory.SequenceLength(k, delay);
        Assert.Equal(2 * k + delay, steps);
        var inputs = new int[steps * batch];
        var targets = new int[steps * batch];
        CopyMemory.MakeBatch(new Rng(4), k, delay, batch, inputs, targets);
        for (int b = 0; b < batch; b++)
        {
            int[] x = Enumerable.Range(0, steps).Select(t => inputs[t * batch + b]).ToArray();
            int[] y = Enumerable.Range(0, steps).Select(t => targets[t * batch + b]).ToArray();
            Assert.All(x[..k], s => Assert.InRange(s, 1, 8));
            Assert.Equal(CopyMemory.Delimiter, x[k + delay - 1]);
            Assert.Equal(steps - k - 1, x.Count(s => s == CopyMemory.Blank));
            Assert.All(y[..(k + delay)], s => Assert.Equal(-1, s));
            Assert.Equal(x[..k], y[(k + delay)..]);
        }
    }

    [Fact]
    public void LstmCopiesAfterADelay()
    {
        var result = CopyMemory.Run(new CopyMemoryOptions { Symbols = 3, Delay = 6, HiddenSize = 32, TestSequences = 500, Seed = 3 });
        Assert.True(result.Passed, $"{result.MetricText} after {result.Steps} steps");
        Assert.True(result.SequenceAccuracy > 0.95, $"exact sequences {result.SequenceAccuracy}");
    }

    [Fact]
    public void AnUntrainedModelIsNearChance()
    {
        var result = CopyMemory.Run(new CopyMemoryOptions { Symbols = 3, Delay = 8, MaxSteps = 1, EvaluateEvery = 1, LearningRate = 1e-6 });
        Assert.False(result.Passed);
        Assert.True(result.Metric < 0.3, $"{result.MetricText}");
    }
}
