// ExponentialRangeScheduleTests.cs — the range test's sweep: start at the first update, end at the last and after,
// a constant ratio between updates (a straight line on a log axis), independent of the epoch.
using Recurrent.Schedules;

namespace Recurrent.Tests.Schedules;

public class ExponentialRangeScheduleTests
{
    [Fact]
    public void GrowsGeometricallyFromStartToEnd()
    {
        var schedule = new ExponentialRangeSchedule(1e-7, 10, 101);
        Assert.Equal(1e-7, schedule.At(0, 0), 1e-20);
        Assert.Equal(10, schedule.At(100, 0), 1e-12);
        Assert.Equal(10, schedule.At(500, 3)); // after the sweep: the end rate
        Assert.Equal(1e-7 * Math.Pow(1e8, 0.5), schedule.At(50, 0), 1e-12); // halfway in log space: 1e-3
        Assert.Equal(1e-3, schedule.At(50, 0), 1e-12);
        Assert.Equal(schedule.At(37, 0), schedule.At(37, 9));
        double ratio = Math.Pow(1e8, 1.0 / 100);
        for (long step = 1; step <= 100; step++)
            Assert.Equal(ratio, schedule.At(step, 0) / schedule.At(step - 1, 0), 1e-9);
    }

    [Fact]
    public void TwoStepsAreStartThenEnd()
    {
        var schedule = new ExponentialRangeSchedule(0.01, 1, 2);
        Assert.Equal(0.01, schedule.At(0, 0));
        Assert.Equal(1, schedule.At(1, 0));
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Equal("start", Assert.ThrowsAny<ArgumentException>(() => new ExponentialRangeSchedule(0, 1, 10)).ParamName);
        Assert.Equal("end", Assert.ThrowsAny<ArgumentException>(() => new ExponentialRangeSchedule(1, 0.5, 10)).ParamName);
        Assert.Equal("end", Assert.ThrowsAny<ArgumentException>(() => new ExponentialRangeSchedule(1, double.PositiveInfinity, 10)).ParamName);
        Assert.Equal("steps", Assert.ThrowsAny<ArgumentException>(() => new ExponentialRangeSchedule(1e-3, 1, 1)).ParamName);
        Assert.Equal("step", Assert.ThrowsAny<ArgumentException>(() => new ExponentialRangeSchedule(1e-3, 1, 5).At(-1, 0)).ParamName);
    }
}
