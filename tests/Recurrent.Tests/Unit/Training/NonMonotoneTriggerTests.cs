// NT-ASGD's trigger on scripted sequences of validation scores: it fires at the first evaluation whose score is worse
// than the best of those more than n evaluations before it — checked against the AWD-LSTM code's own formulation
// (`len(logs) > n and val_loss > min(logs[:-n])`, then `logs.append(val_loss)`) over many random sequences, in both
// directions — and a trigger restored from its saved state decides exactly as the one that was never saved.
using Recurrent.Training;

namespace Recurrent.Tests.Training;

public sealed class NonMonotoneTriggerTests
{
    [Fact]
    public void FiresWhenWorseThanTheBestBeforeTheLastN()
    {
        // n = 2. At 3.5: logs [5, 4, 3], best before the last 2 = 5 → no. At 3.2: best of [5, 4] = 4 → no.
        // At 3.4: best of [5, 4, 3] = 3 → 3.4 is worse → fires.
        var trigger = new NonMonotoneTrigger(2);
        bool[] fired = [.. new[] { 5, 4, 3, 3.5, 3.2, 3.4 }.Select(s => trigger.Observe(s, higherIsBetter: false))];
        Assert.Equal([false, false, false, false, false, true], fired);
    }

    [Fact]
    public void NeverFiresWhileImproving()
    {
        var trigger = new NonMonotoneTrigger(0);
        for (int i = 0; i < 20; i++) Assert.False(trigger.Observe(10 - i * 0.1, higherIsBetter: false));
        Assert.True(trigger.Observe(9, higherIsBetter: false)); // n = 0: worse than the best of all before
    }

    [Fact]
    public void HigherIsBetterFiresOnALowerScore()
    {
        var trigger = new NonMonotoneTrigger(1);
        Assert.Equal([false, false, false, true], new[] { 0.5, 0.6, 0.55, 0.52 }.Select(s => trigger.Observe(s, higherIsBetter: true)));
    }

    [Fact]
    public void ANaNScoreNeverFiresNorBecomesTheBest()
    {
        var trigger = new NonMonotoneTrigger(1);
        Assert.False(trigger.Observe(double.NaN, false));
        Assert.False(trigger.Observe(3, false));
        Assert.False(trigger.Observe(double.NaN, false)); // the NaN left the window without becoming the best
        Assert.False(trigger.Observe(2.5, false));        // best before the last 1: 3
        Assert.True(trigger.Observe(3.1, false));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(5, false)]
    [InlineData(5, true)]
    [InlineData(9, true)]
    public void MatchesTheAwdLstmFormulation(int n, bool higherIsBetter)
    {
        var rng = new Random(11 + n);
        for (int run = 0; run < 200; run++)
        {
            var trigger = new NonMonotoneTrigger(n);
            var logs = new List<double>();
            for (int k = 0; k < 30; k++)
            {
                double score = Math.Round(rng.NextDouble() * 10, 1); // ties happen
                var older = logs.Take(logs.Count - n).ToList();
                bool expected = logs.Count > n && (higherIsBetter ? score < older.Max() : score > older.Min());
                Assert.Equal(expected, trigger.Observe(score, higherIsBetter));
                logs.Add(score);
            }
        }
    }

    [Fact]
    public void ARestoredTriggerDecidesAsTheOriginal()
    {
        var rng = new Random(3);
        double[] scores = [.. Enumerable.Range(0, 40).Select(_ => rng.NextDouble())];
        var original = new NonMonotoneTrigger(4);
        for (int k = 0; k < 17; k++) original.Observe(scores[k], false);
        var restored = new NonMonotoneTrigger(4);
        restored.LoadState(original.SaveState());
        for (int k = 17; k < 40; k++) Assert.Equal(original.Observe(scores[k], false), restored.Observe(scores[k], false));
        Assert.Throws<InvalidDataException>(() => new NonMonotoneTrigger(2).LoadState(new NonMonotoneTriggerState { Recent = [1, 2, 3] }));
    }
}
