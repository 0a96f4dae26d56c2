// The cyclic-digit demo from the library: every cell reaches 100% next-step accuracy and continues the
// sequence correctly from every start digit, checked against the rule computed here.
using Recurrent.Layers;
using Recurrent.Demos;

namespace Recurrent.Tests.Demos;

public sealed class CyclicDigitsTests
{
    [Theory]
    [InlineData(CellKind.RnnTanh)]
    [InlineData(CellKind.Lstm)]
    [InlineData(CellKind.Gru)]
    public void ReachesFullAccuracyAndContinuesEverySequence(CellKind cell)
    {
        var result = CyclicDigits.Run(new CyclicDigitsOptions { Cell = cell, Seed = 7 });
        Assert.Equal(1.0, result.Accuracy);
        for (int start = 0; start < 9; start++)
        {
            int[] expected = Enumerable.Range(1, 9).Select(t => (start + t) % 9).ToArray();
            Assert.Equal(expected, result.Continuations[start]);
        }
    }

    [Fact]
    public void BatchFollowsTheRuleWithWrapAround()
    {
        var inputs = new int[9 * 2];
        var targets = new int[9 * 2];
        CyclicDigits.MakeBatch([7, 0], inputs, targets);
        // time-major (T, B): column 0 starts at 7, column 1 at 0
        Assert.Equal([7, 8, 0, 1, 2, 3, 4, 5, 6], Enumerable.Range(0, 9).Select(t => inputs[t * 2]).ToArray());
        Assert.Equal([8, 0, 1, 2, 3, 4, 5, 6, 7], Enumerable.Range(0, 9).Select(t => targets[t * 2]).ToArray());
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 0], Enumerable.Range(0, 9).Select(t => targets[t * 2 + 1]).ToArray());
    }

    [Fact]
    public void AnUntrainedModelIsNotAlreadyPerfect()
    {
        var result = CyclicDigits.Run(new CyclicDigitsOptions { MaxSteps = 1, EvaluateEvery = 1, LearningRate = 1e-6 });
        Assert.True(result.Accuracy < 0.5, $"accuracy after one tiny step was {result.Accuracy}");
    }
}
