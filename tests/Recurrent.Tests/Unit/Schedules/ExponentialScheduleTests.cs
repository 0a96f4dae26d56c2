// ExponentialScheduleTests.cs — ExponentialSchedule: baseLr·gamma^step, independent of the epoch.
using Recurrent.Schedules;

namespace Recurrent.Tests.Schedules;

public class ExponentialScheduleTests
{
    [Fact]
    public void DecaysByGammaEveryStep()
    {
        var schedule = new ExponentialSchedule(0.1, 0.99);
        Assert.Equal(0.1, schedule.At(0, 0));
        Assert.Equal(0.1 * 0.99, schedule.At(1, 0), 1e-17);
        Assert.Equal(0.1 * Math.Pow(0.99, 1000), schedule.At(1000, 0), 1e-17);
        Assert.Equal(schedule.At(1000, 0), schedule.At(1000, 7));

        double previous = schedule.At(0, 0);
        for (long step = 1; step < 50; step++)
        {
            double current = schedule.At(step, 0);
            Assert.Equal(previous * 0.99, current, 1e-15);
            previous = current;
        }
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Equal("baseLr", Assert.ThrowsAny<ArgumentException>(() => new ExponentialSchedule(double.NaN, 0.9)).ParamName);
        Assert.Equal("gamma", Assert.ThrowsAny<ArgumentException>(() => new ExponentialSchedule(0.1, 0)).ParamName);
        Assert.Equal("gamma", Assert.ThrowsAny<ArgumentException>(() => new ExponentialSchedule(0.1, double.PositiveInfinity)).ParamName);
        Assert.Equal("step", Assert.ThrowsAny<ArgumentException>(() => new ExponentialSchedule(0.1, 0.9).At(-5, 0)).ParamName);
    }
}
