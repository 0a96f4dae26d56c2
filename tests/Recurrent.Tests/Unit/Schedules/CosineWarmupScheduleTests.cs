// CosineWarmupScheduleTests.cs — CosineWarmupSchedule: warm-up endpoints, cosine midpoint, floor after totalSteps.
using Recurrent.Schedules;

namespace Recurrent.Tests.Schedules;

public class CosineWarmupScheduleTests
{
    private const double BaseLr = 1e-3;
    private const double MinLr = 1e-5;

    [Fact]
    public void WarmsUpLinearly()
    {
        var schedule = new CosineWarmupSchedule(BaseLr, warmupSteps: 10, totalSteps: 110, minLr: MinLr);
        Assert.Equal(BaseLr / 10, schedule.At(0, 0), 1e-18);
        Assert.Equal(BaseLr * 5 / 10, schedule.At(4, 0), 1e-18);
        Assert.Equal(BaseLr, schedule.At(9, 0), 1e-18);
    }

    [Fact]
    public void CosineRunsFromBaseToMinAndStaysThere()
    {
        var schedule = new CosineWarmupSchedule(BaseLr, warmupSteps: 10, totalSteps: 110, minLr: MinLr);
        Assert.Equal(BaseLr, schedule.At(10, 0), 1e-18);
        Assert.Equal((BaseLr + MinLr) / 2, schedule.At(60, 0), 1e-18);
        Assert.Equal(MinLr + (BaseLr - MinLr) * 0.5 * (1 + Math.Cos(Math.PI * 0.25)), schedule.At(35, 0), 1e-18);
        Assert.Equal(MinLr + (BaseLr - MinLr) * 0.5 * (1 + Math.Cos(Math.PI * 0.99)), schedule.At(109, 0), 1e-18);
        Assert.True(schedule.At(109, 0) > MinLr);
        Assert.Equal(MinLr, schedule.At(110, 0));
        Assert.Equal(MinLr, schedule.At(1_000_000, 3));

        for (long step = 10; step < 110; step++)
        {
            Assert.True(schedule.At(step + 1, 0) < schedule.At(step, 0), $"not decreasing at step {step}");
        }
    }

    [Fact]
    public void WithoutWarmupStartsAtBaseAndDefaultFloorIsZero()
    {
        var schedule = new CosineWarmupSchedule(0.5, warmupSteps: 0, totalSteps: 4);
        Assert.Equal(0.5, schedule.At(0, 0));
        Assert.Equal(0.25, schedule.At(2, 0), 1e-15);
        Assert.Equal(0.0, schedule.At(4, 0));
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Equal("baseLr", Assert.ThrowsAny<ArgumentException>(() => new CosineWarmupSchedule(-1, 0, 10)).ParamName);
        Assert.Equal("warmupSteps", Assert.ThrowsAny<ArgumentException>(() => new CosineWarmupSchedule(1, -1, 10)).ParamName);
        var ex = Assert.ThrowsAny<ArgumentException>(() => new CosineWarmupSchedule(1, 20, 10));
        Assert.Equal("totalSteps", ex.ParamName);
        Assert.Contains("10", ex.Message);
        Assert.Equal("minLr", Assert.ThrowsAny<ArgumentException>(() => new CosineWarmupSchedule(1, 0, 10, minLr: 2)).ParamName);
        Assert.Equal("minLr", Assert.ThrowsAny<ArgumentException>(() => new CosineWarmupSchedule(1, 0, 10, minLr: -0.1)).ParamName);
        Assert.Equal("step", Assert.ThrowsAny<ArgumentException>(() => new CosineWarmupSchedule(1, 0, 10).At(-1, 0)).ParamName);
    }
}
