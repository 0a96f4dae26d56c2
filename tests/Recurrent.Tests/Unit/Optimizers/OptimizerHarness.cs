// OptimizerHarness.cs — shared fixtures for the optimizer tests: a 7-parameter problem whose gradients and
// learning rate change every step from fixed formulas, a runner for any Optimizer<T>, and comparisons that
// report the largest difference.
using System.Numerics;
using Recurrent.Optimizers;

namespace Recurrent.Tests.Optimizers;

internal static class OptimizerHarness
{
    public const int Count = 7;
    public const int Steps = 5;

    /// <summary>Starting parameters, both signs, magnitude up to 0.8.</summary>
    public static double InitialParameter(int i) => 0.8 - 0.25 * i;

    /// <summary>Gradient of parameter i at 0-based step s: changes sign and size with both.</summary>
    public static double Gradient(int step, int i) => Math.Sin(1.7 * i + 0.9 * step + 0.3) * (0.5 + 0.3 * i);

    /// <summary>Learning rate at 0-based step s, different every step.</summary>
    public static double LearningRate(int step) => 0.05 * (1 + 0.2 * step);

    public static double[] InitialParameters()
    {
        var p = new double[Count];
        for (int i = 0; i < Count; i++)
        {
            p[i] = InitialParameter(i);
        }

        return p;
    }

    /// <summary>Runs <see cref="Steps"/> steps of <paramref name="optimizer"/> and returns the parameters as doubles.</summary>
    public static double[] Run<T>(Optimizer<T> optimizer, int steps = Steps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var p = new T[Count];
        var g = new T[Count];
        for (int i = 0; i < Count; i++)
        {
            p[i] = T.CreateChecked(InitialParameter(i));
        }

        for (int s = 0; s < steps; s++)
        {
            for (int i = 0; i < Count; i++)
            {
                g[i] = T.CreateChecked(Gradient(s, i));
            }

            optimizer.Step(p, g, LearningRate(s));
        }

        Assert.Equal(steps, optimizer.StepCount);
        var result = new double[Count];
        for (int i = 0; i < Count; i++)
        {
            result[i] = double.CreateChecked(p[i]);
        }

        return result;
    }

    /// <summary>Runs the double-precision reference <paramref name="update"/>(p, g, lr, step) for <see cref="Steps"/> steps.</summary>
    public static double[] Reference(Action<double[], double[], double, int> update, int steps = Steps)
    {
        double[] p = InitialParameters();
        var g = new double[Count];
        for (int s = 0; s < steps; s++)
        {
            for (int i = 0; i < Count; i++)
            {
                g[i] = Gradient(s, i);
            }

            update(p, g, LearningRate(s), s);
        }

        return p;
    }

    /// <summary>T=double: every element within 1e-12 (absolute; the values are of order 1).</summary>
    public static void AssertCloseDouble(double[] expected, double[] actual) => AssertClose(expected, actual, 1e-12, relative: false);

    /// <summary>T=float: every element within 1e-5 relative, measured against max(|expected|, 1).</summary>
    public static void AssertCloseFloat(double[] expected, double[] actual) => AssertClose(expected, actual, 1e-5, relative: true);

    private static void AssertClose(double[] expected, double[] actual, double tolerance, bool relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = relative ? Math.Max(Math.Abs(expected[i]), 1.0) : 1.0;
            double error = Math.Abs(expected[i] - actual[i]) / scale;
            if (!(error <= worst))
            {
                worst = error;
                worstIndex = i;
            }
        }

        Assert.True(
            worst <= tolerance,
            $"largest difference {worst:E3} at index {worstIndex} (expected {expected[Math.Max(worstIndex, 0)]:R}, " +
            $"actual {actual[Math.Max(worstIndex, 0)]:R}), tolerance {tolerance:E1}");
    }

    /// <summary>The optimizers under test by name, so the contract tests can run over all of them.</summary>
    public static readonly TheoryData<string> Names = new() { "sgd", "sgd-momentum", "sgd-nesterov", "adagrad", "rmsprop", "adam", "adamw" };

    public static Optimizer<T> Create<T>(string name, int count = Count) where T : unmanaged, IFloatingPointIeee754<T> => name switch
    {
        "sgd" => new Sgd<T>(count),
        "sgd-momentum" => new Sgd<T>(count, momentum: 0.9),
        "sgd-nesterov" => new Sgd<T>(count, momentum: 0.9, nesterov: true),
        "adagrad" => new Adagrad<T>(count),
        "rmsprop" => new RmsProp<T>(count, alpha: 0.95),
        "adam" => new Adam<T>(count),
        "adamw" => new AdamW<T>(count, weightDecay: 0.1),
        _ => throw new ArgumentException($"unknown optimizer {name}", nameof(name)),
    };

    /// <summary>The state buffer names each optimizer must expose, in order.</summary>
    public static string[] ExpectedStateNames(string name) => name switch
    {
        "sgd" => [],
        "sgd-momentum" or "sgd-nesterov" => ["momentum_buffer"],
        "adagrad" => ["sum"],
        "rmsprop" => ["square_avg"],
        "adam" or "adamw" => ["exp_avg", "exp_avg_sq"],
        _ => throw new ArgumentException($"unknown optimizer {name}", nameof(name)),
    };
}
