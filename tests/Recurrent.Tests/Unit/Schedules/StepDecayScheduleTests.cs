// StepDecayScheduleTests.cs — StepDecaySchedule against char-rnn's decay rule, replayed from its train.lua loop.
using Recurrent.Schedules;

namespace Recurrent.Tests.Schedules;

public class StepDecayScheduleTests
{
    [Fact]
    public void CharRnnDefaultsKeepTheBaseRateForTenEpochs()
    {
        // char-rnn: -learning_rate 2e-3 -learning_rate_decay 0.97 -learning_rate_decay_after 10.
        var schedule = new StepDecaySchedule(2e-3, decayAfterEpoch: 10, factor: 0.97);
        Assert.Equal(2e-3, schedule.At(0, 0));
        Assert.Equal(2e-3, schedule.At(12_345, 9));
        Assert.Equal(2e-3 * 0.97, schedule.At(12_346, 10), 1e-18);
        Assert.Equal(2e-3 * 0.97 * 0.97, schedule.At(0, 11), 1e-18);
        Assert.Equal(2e-3 * 0.97 * 0.97 * 0.97, schedule.At(0, 12), 1e-18);
    }

    /// <summary>
    /// The rate used by each update of char-rnn's train.lua loop:
    /// <c>for i = 1, iterations: epoch = i / ntrain; rmsprop(lr); if i % ntrain == 0 and epoch &gt;= decay_after: lr *= decay</c>.
    /// </summary>
    private static List<double> CharRnnRates(double lr, int decayAfter, double decay, int ntrain, int epochs)
    {
        var used = new List<double>();
        for (int i = 1; i <= ntrain * epochs; i++)
        {
            double epoch = (double)i / ntrain;
            used.Add(lr);
            if (i % ntrain == 0 && epoch >= decayAfter)
            {
                lr *= decay;
            }
        }

        return used;
    }

    [Theory]
    [InlineData(10, 3)]
    [InlineData(1, 4)]
    [InlineData(0, 2)]
    [InlineData(3, 1)]
    public void MatchesCharRnnTrainingLoopUpdateByUpdate(int decayAfter, int ntrain)
    {
        const int epochs = 16;
        List<double> expected = CharRnnRates(2e-3, decayAfter, 0.97, ntrain, epochs);
        var schedule = new StepDecaySchedule(2e-3, decayAfter, 0.97);
        for (int step = 0; step < expected.Count; step++)
        {
            double actual = schedule.At(step, step / ntrain);
            Assert.True(
                Math.Abs(actual - expected[step]) <= 1e-14 * expected[step],
                $"step {step} (epoch {step / ntrain}): expected {expected[step]:R}, got {actual:R}");
        }
    }

    [Fact]
    public void EveryEpochsSpacesTheDecayPoints()
    {
        // Decay after 4, 7, 10, ... completed epochs.
        var schedule = new StepDecaySchedule(1.0, decayAfterEpoch: 4, factor: 0.5, everyEpochs: 3);
        int[] expectedDecays = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3];
        for (int epoch = 0; epoch < expectedDecays.Length; epoch++)
        {
            Assert.Equal(expectedDecays[epoch], schedule.DecaysBefore(epoch));
            Assert.Equal(Math.Pow(0.5, expectedDecays[epoch]), schedule.At(0, epoch));
        }

        // decayAfterEpoch 0: the first decay point is after everyEpochs epochs.
        var fromStart = new StepDecaySchedule(1.0, decayAfterEpoch: 0, factor: 0.5, everyEpochs: 2);
        Assert.Equal([0, 0, 1, 1, 2], Enumerable.Range(0, 5).Select(fromStart.DecaysBefore).ToArray());
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Equal("baseLr", Assert.ThrowsAny<ArgumentException>(() => new StepDecaySchedule(-1, 10, 0.97)).ParamName);
        Assert.Equal("decayAfterEpoch", Assert.ThrowsAny<ArgumentException>(() => new StepDecaySchedule(1, -1, 0.97)).ParamName);
        Assert.Equal("factor", Assert.ThrowsAny<ArgumentException>(() => new StepDecaySchedule(1, 10, 0)).ParamName);
        Assert.Equal("factor", Assert.ThrowsAny<ArgumentException>(() => new StepDecaySchedule(1, 10, double.NaN)).ParamName);
        var ex = Assert.ThrowsAny<ArgumentException>(() => new StepDecaySchedule(1, 10, 0.97, everyEpochs: 0));
        Assert.Equal("everyEpochs", ex.ParamName);
        Assert.Contains("0", ex.Message);
        Assert.Equal("epoch", Assert.ThrowsAny<ArgumentException>(() => new StepDecaySchedule(1, 10, 0.97).At(0, -1)).ParamName);
    }
}
