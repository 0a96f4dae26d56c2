// GradientClippingTests.cs — GradientClipping against clip_grad_value_ / clip_grad_norm_ semantics.
using Recurrent.Optimizers;

namespace Recurrent.Tests.Optimizers;

public class GradientClippingTests
{
    [Fact]
    public void ClipByValueClampsToTheLimit()
    {
        double[] g = [-7.5, -5.0, -4.99, 0.0, 3.0, 5.0, 5.01, 100.0, double.NegativeInfinity];
        GradientClipping.ClipByValue<double>(g, 5.0);
        Assert.Equal([-5.0, -5.0, -4.99, 0.0, 3.0, 5.0, 5.0, 5.0, -5.0], g);

        float[] f = [-6f, 2f, 6f];
        GradientClipping.ClipByValue<float>(f, 5.0);
        Assert.Equal([-5f, 2f, 5f], f);
    }

    [Fact]
    public void ClipByValueKeepsNaN()
    {
        double[] g = [double.NaN, 9.0];
        GradientClipping.ClipByValue<double>(g, 1.0);
        Assert.True(double.IsNaN(g[0]));
        Assert.Equal(1.0, g[1]);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void ClipByValueRejectsBadLimit(double limit)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => GradientClipping.ClipByValue<double>(new double[3], limit));
        Assert.Equal("limit", ex.ParamName);
    }

    [Fact]
    public void GlobalNormIsTheL2Norm()
    {
        Assert.Equal(13.0, GradientClipping.GlobalNorm<double>([3.0, -4.0, 12.0]));
        Assert.Equal(13.0, GradientClipping.GlobalNorm<float>([3f, -4f, 12f]));
        Assert.Equal(0.0, GradientClipping.GlobalNorm<double>([]));

        // Accumulated in double: 1e20² overflows float but not double.
        Assert.Equal(Math.Sqrt(2) * 1e20, GradientClipping.GlobalNorm<float>([1e20f, 1e20f]), 1e-6 * 1e20);
    }

    [Fact]
    public void ClipByGlobalNormLeavesGradientsBelowTheMaximum()
    {
        double[] g = [3.0, -4.0, 12.0]; // norm 13
        double norm = GradientClipping.ClipByGlobalNorm<double>(g, 13.0); // 13 / (13 + 1e-6) < 1: clipped, barely
        Assert.Equal(13.0, norm);
        Assert.NotEqual([3.0, -4.0, 12.0], g);

        g = [3.0, -4.0, 12.0];
        norm = GradientClipping.ClipByGlobalNorm<double>(g, 13.0 + 1e-6); // coefficient exactly 1: untouched
        Assert.Equal(13.0, norm);
        Assert.Equal([3.0, -4.0, 12.0], g);

        g = [3.0, -4.0, 12.0];
        GradientClipping.ClipByGlobalNorm<double>(g, 20.0);
        Assert.Equal([3.0, -4.0, 12.0], g);
    }

    [Fact]
    public void ClipByGlobalNormScalesByMaxNormOverNormPlusEpsilon()
    {
        double[] original = [3.0, -4.0, 12.0, 0.5, -0.25];
        double expectedNorm = Math.Sqrt(9 + 16 + 144 + 0.25 + 0.0625);
        double[] g = (double[])original.Clone();

        double norm = GradientClipping.ClipByGlobalNorm<double>(g, 5.0);

        Assert.Equal(expectedNorm, norm, 1e-12);
        double coefficient = 5.0 / (norm + 1e-6);
        for (int i = 0; i < g.Length; i++)
        {
            Assert.Equal(original[i] * coefficient, g[i]);
        }

        Assert.Equal(5.0 * expectedNorm / (expectedNorm + 1e-6), GradientClipping.GlobalNorm<double>(g), 1e-12);
    }

    [Fact]
    public void ClipByGlobalNormWorksForFloat()
    {
        float[] g = [30f, -40f]; // norm 50
        double norm = GradientClipping.ClipByGlobalNorm<float>(g, 5.0);
        Assert.Equal(50.0, norm);
        float coefficient = (float)(5.0 / (50.0 + 1e-6));
        Assert.Equal([30f * coefficient, -40f * coefficient], g);
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void ClipByGlobalNormRejectsBadMaxNorm(double maxNorm)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => GradientClipping.ClipByGlobalNorm<double>(new double[3], maxNorm));
        Assert.Equal("maxNorm", ex.ParamName);
        Assert.Contains(maxNorm.ToString(), ex.Message);
    }
}
