// The temporal-order task: sequences start with E, end with B, hold X or Y at one position in [T/10, T/5] and
// one in [T/2, 3T/5] and distractors a-d elsewhere; the class is the X/Y order. An LSTM learns a short version.
using Recurrent.Randomness;
using Recurrent.Demos;

namespace Recurrent.Tests.Demos;

public sealed class TemporalOrderTests
{
    [Theory]
    [InlineData(30)]
    [InlineData(100)]
    public void ClassIsTheOrderOfTheTwoRelevantSymbols(int length)
    {
        const int batch = 200;
        var ids = new int[length * batch];
        var classes = new int[batch];
        TemporalOrder.MakeBatch(new Rng(8), length, batch, ids, classes);
        var counts = new int[4];
        for (int b = 0; b < batch; b++)
        {
            string s = new(Enumerable.Range(0, length).Select(t => TemporalOrder.Alphabet[ids[t * batch + b]]).ToArray());
            Assert.Equal('E', s[0]);
            Assert.Equal('B', s[^1]);
            int[] relevant = Enumerable.Range(0, length).Where(t => s[t] is 'X' or 'Y').ToArray();
            Assert.Equal(2, relevant.Length);
            Assert.InRange(relevant[0], length / 10, length / 5);
            Assert.InRange(relevant[1], length / 2, length / 2 + length / 10);
            Assert.All(s[1..^1].Where((c, i) => !relevant.Contains(i + 1)), c => Assert.Contains(c, "abcd"));
            string order = $"{s[relevant[0]]}{s[relevant[1]]}";
            char expected = order switch { "XX" => 'Q', "XY" => 'R', "YX" => 'S', _ => 'U' };
            Assert.Equal(expected, TemporalOrder.Classes[classes[b]]);
            counts[classes[b]]++;
        }
        Assert.All(counts, c => Assert.InRange(c, 25, 75));
    }

    [Fact]
    public void LstmClassifiesTheOrder()
    {
        var result = TemporalOrder.Run(new TemporalOrderOptions { Length = 30, HiddenSize = 16, TestSequences = 512, Seed = 4 });
        Assert.True(result.Passed, $"{result.MetricText} after {result.Steps} steps");
        Assert.True(result.ArgMaxAccuracy >= 0.99, $"arg-max accuracy {result.ArgMaxAccuracy}");
    }

    [Fact]
    public void AnUntrainedModelIsNearChance()
    {
        var result = TemporalOrder.Run(new TemporalOrderOptions { Length = 30, TestSequences = 256, MaxSteps = 1, EvaluateEvery = 1, LearningRate = 1e-6 });
        Assert.False(result.Passed);
        Assert.True(result.ArgMaxAccuracy < 0.5, $"arg-max accuracy {result.ArgMaxAccuracy}");
    }
}
