// The adding problem: every generated sequence follows Hochreiter & Schmidhuber's recipe and its target is
// 0.5 + (X1 + X2)/4 of the two values marked 1 (found again here from the features), and an LSTM learns a
// short version (T = 20) to the paper's tolerance.
using Recurrent.Randomness;
using Recurrent.Demos;

namespace Recurrent.Tests.Demos;

public sealed class AddingProblemTests
{
    [Theory]
    [InlineData(20)]
    [InlineData(100)]
    public void TargetIsTheScaledSumOfTheTwoMarkedValues(int length)
    {
        const int batch = 64;
        var rng = new Rng(9);
        var x = new float[length * batch * 2];
        var y = new float[batch];
        for (int round = 0; round < 20; round++)
        {
            AddingProblem.MakeBatch(rng, length, batch, x, y);
            for (int b = 0; b < batch; b++)
            {
                float Value(int t) => x[(t * batch + b) * 2];
                float Marker(int t) => x[(t * batch + b) * 2 + 1];
                var marked = Enumerable.Range(0, length).Where(t => Marker(t) == 1).ToArray();
                Assert.Equal(2, marked.Length);
                Assert.True(marked[0] < 10, $"first marked pair at {marked[0]}");
                Assert.True(marked[1] < 10 || marked[1] < length / 2 - 1, $"second marked pair at {marked[1]}");
                for (int t = 0; t < length; t++)
                {
                    Assert.InRange(Value(t), -1f, 1f);
                    float expected = marked.Contains(t) ? 1 : t == 0 || t == length - 1 ? -1 : 0;
                    Assert.Equal(expected, Marker(t));
                }
                if (marked[0] == 0) Assert.Equal(0f, Value(0));
                Assert.Equal(0.5 + (Value(marked[0]) + Value(marked[1])) / 4.0, (double)y[b], 1e-6);
            }
        }
    }

    [Fact]
    public void LstmLearnsTheShortVersionWithinTheTolerance()
    {
        var result = AddingProblem.Run(new AddingProblemOptions { Length = 20, TestSequences = 512, Seed = 2 });
        Assert.True(result.Passed, $"{result.MetricText} after {result.Steps} steps");
        Assert.True(result.MeanAbsoluteError < 0.02, $"mean absolute error {result.MeanAbsoluteError}");
        // the criterion is not met by answering the mean
        Assert.True(result.ConstantGuessFraction < 0.3, $"constant guess within tolerance on {result.ConstantGuessFraction}");
    }

    [Fact]
    public void ShortTrainingFailsTheCriterion()
    {
        var result = AddingProblem.Run(new AddingProblemOptions { Length = 30, TestSequences = 256, MaxSteps = 20, EvaluateEvery = 20 });
        Assert.False(result.Passed);
        Assert.True(result.Metric < 0.5, $"{result.MetricText}");
    }
}
