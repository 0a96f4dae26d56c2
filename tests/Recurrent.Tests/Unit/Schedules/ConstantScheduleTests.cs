// ConstantScheduleTests.cs — ConstantSchedule returns its rate everywhere and validates its arguments.
using Recurrent.Schedules;

namespace Recurrent.Tests.Schedules;

public class ConstantScheduleTests
{
    [Fact]
    public void ReturnsTheSameRateEverywhere()
    {
        var schedule = new ConstantSchedule(0.1);
        Assert.Equal(0.1, schedule.At(0, 0));
        Assert.Equal(0.1, schedule.At(123_456_789_012, 999));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void RejectsBadRate(double lr)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new ConstantSchedule(lr));
        Assert.Equal("lr", ex.ParamName);
        Assert.Contains(lr.ToString(), ex.Message);
    }

    [Fact]
    public void RejectsNegativeProgress()
    {
        var schedule = new ConstantSchedule(0.1);
        Assert.Equal("step", Assert.ThrowsAny<ArgumentException>(() => schedule.At(-1, 0)).ParamName);
        Assert.Equal("epoch", Assert.ThrowsAny<ArgumentException>(() => schedule.At(0, -1)).ParamName);
    }
}
