// ConfusionMatrix against values worked out by hand for ten items over three classes (and a fourth class
// that never occurs, which macro-F1 must leave out).
using Recurrent.Supervised;

namespace Recurrent.Tests.Supervised;

public sealed class ConfusionMatrixTests
{
    // actual:    0 0 0 1 1 2 2 2 2 0
    // predicted: 0 1 0 1 2 2 2 0 2 0
    // Counts: (0,0)=3, (0,1)=1, (1,1)=1, (1,2)=1, (2,2)=3, (2,0)=1; 7 of 10 right.
    // Class 0: predicted 4 times (items 0,2,7,9), 3 right → P = 3/4; 4 actual → R = 3/4; F1 = 3/4.
    // Class 1: predicted 2 (items 1,3), 1 right → P = 1/2; 2 actual → R = 1/2; F1 = 1/2.
    // Class 2: predicted 4 (items 4,5,6,8), 3 right → P = 3/4; 4 actual → R = 3/4; F1 = 3/4.
    // Macro-F1 = (3/4 + 1/2 + 3/4) / 3 = 2/3.
    private static readonly int[] Actual = [0, 0, 0, 1, 1, 2, 2, 2, 2, 0];
    private static readonly int[] Predicted = [0, 1, 0, 1, 2, 2, 2, 0, 2, 0];

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void MatchesHandComputedValues(int classes)
    {
        var m = new ConfusionMatrix(classes);
        for (int i = 0; i < Actual.Length; i++) m.Add(Actual[i], Predicted[i]);
        Assert.Equal(10, m.Total);
        Assert.Equal(3, m.Count(0, 0));
        Assert.Equal(1, m.Count(0, 1));
        Assert.Equal(0, m.Count(0, 2));
        Assert.Equal(1, m.Count(1, 2));
        Assert.Equal(1, m.Count(2, 0));
        Assert.Equal(3, m.Count(2, 2));
        Assert.Equal(0.7, m.Accuracy, 12);
        Assert.Equal(0.75, m.Precision(0), 12);
        Assert.Equal(0.75, m.Recall(0), 12);
        Assert.Equal(0.5, m.Precision(1), 12);
        Assert.Equal(0.5, m.F1(1), 12);
        Assert.Equal(0.75, m.F1(2), 12);
        Assert.Equal(2.0 / 3.0, m.MacroF1, 12);
    }

    // Class 1 predicted once but never true: P = R = F1 = 0, and it counts in the macro mean.
    // Class 0: 2 actual, 1 right, predicted once → P = 1, R = 1/2, F1 = 2/3. Macro = (2/3 + 0) / 2 = 1/3.
    [Fact]
    public void APredictedButAbsentClassCountsAsZero()
    {
        var m = new ConfusionMatrix(2);
        m.Add(0, 0);
        m.Add(0, 1);
        Assert.Equal(0, m.F1(1));
        Assert.Equal(2.0 / 3.0, m.F1(0), 12);
        Assert.Equal(1.0 / 3.0, m.MacroF1, 12);
        Assert.Equal(0.5, m.Accuracy, 12);
    }

    [Fact]
    public void RejectsClassesOutsideTheMatrix()
    {
        var m = new ConfusionMatrix(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Add(2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Add(0, -1));
    }
}
