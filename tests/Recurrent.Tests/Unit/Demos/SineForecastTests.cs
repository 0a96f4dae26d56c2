// Sine-wave forecasting: without noise the series is a sum of two sines of the task's periods (it satisfies
// their order-4 linear recurrence), targets are the inputs shifted by one step, and an LSTM beats the naive
// forecast by the stated factor without beating the noise floor (it cannot see the future).
using Recurrent.Randomness;
using Recurrent.Demos;

namespace Recurrent.Tests.Demos;

public sealed class SineForecastTests
{
    [Fact]
    public void NoiselessSeriesSatisfiesTheTwoSineRecurrence()
    {
        // A sinusoid of angular step ω obeys x_{t+2} = 2cos(ω) x_{t+1} - x_t; the sum of two obeys the product
        // (z² - c1 z + 1)(z² - c2 z + 1) = z⁴ - (c1+c2) z³ + (2 + c1 c2) z² - (c1+c2) z + 1.
        double c1 = 2 * Math.Cos(2 * Math.PI / SineForecast.Period1), c2 = 2 * Math.Cos(2 * Math.PI / SineForecast.Period2);
        var series = new float[80];
        var rng = new Rng(6);
        for (int n = 0; n < 10; n++)
        {
            SineForecast.Generate(rng, 0, series);
            Assert.All(series, v => Assert.InRange(v, -1.5f, 1.5f));
            for (int t = 0; t + 4 < series.Length; t++)
            {
                double r = series[t + 4] - (c1 + c2) * series[t + 3] + (2 + c1 * c2) * series[t + 2] - (c1 + c2) * series[t + 1] + series[t];
                Assert.True(Math.Abs(r) < 1e-4, $"recurrence residual {r} at {t}");
            }
        }
        // and with noise it does not
        SineForecast.Generate(rng, 0.05, series);
        double worst = 0;
        for (int t = 0; t + 4 < series.Length; t++)
            worst = Math.Max(worst, Math.Abs(series[t + 4] - (c1 + c2) * series[t + 3] + (2 + c1 * c2) * series[t + 2] - (c1 + c2) * series[t + 1] + series[t]));
        Assert.True(worst > 0.05, $"noisy residual {worst}");
    }

    [Fact]
    public void TargetsAreTheNextInputs()
    {
        const int length = 20, batch = 3;
        var x = new float[length * batch];
        var y = new float[length * batch];
        SineForecast.MakeBatch(new Rng(1), 0.05, length, batch, x, y);
        for (int t = 0; t + 1 < length; t++)
            for (int b = 0; b < batch; b++) Assert.Equal(x[(t + 1) * batch + b], y[t * batch + b]);
    }

    [Fact]
    public void LstmBeatsTheNaiveForecastButNotTheNoise()
    {
        var result = SineForecast.Run(new SineForecastOptions { Seed = 3, TestSequences = 256 });
        Assert.True(result.Passed, $"{result.MetricText} after {result.Steps} steps");
        Assert.Equal(result.ModelMse / result.NaiveMse, result.Metric, 12);
        Assert.True(result.ModelMse > 0.8 * result.NoiseFloor, $"MSE {result.ModelMse} below the noise floor {result.NoiseFloor}");
        Assert.InRange(result.NaiveMse, 0.1, 0.3);
    }
}
