// OptimizerContractTests.cs — what every optimizer promises: no allocation per step, named state buffers,
// Reset back to a fresh optimizer, and argument checks that leave the buffers untouched.
using System.Numerics;
using Recurrent.Optimizers;

namespace Recurrent.Tests.Optimizers;

public class OptimizerContractTests
{
    public static TheoryData<string> Names => OptimizerHarness.Names;

    private static long AllocatedBytesOver100Steps<T>(string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int count = 1000;
        Optimizer<T> optimizer = OptimizerHarness.Create<T>(name, count);
        var p = new T[count];
        var g = new T[count];
        for (int i = 0; i < count; i++)
        {
            p[i] = T.CreateChecked(OptimizerHarness.InitialParameter(i % 7));
            g[i] = T.CreateChecked(OptimizerHarness.Gradient(0, i % 7));
        }

        optimizer.Step(p, g, 1e-3); // the first step may JIT; only later steps are measured
        return Recurrent.Tests.Support.Allocations.MinimumBytes(() =>
        {
            for (int s = 0; s < 100; s++)
            {
                optimizer.Step(p, g, 1e-3);
            }
        });
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void StepDoesNotAllocate(string name)
    {
        Assert.Equal(0, AllocatedBytesOver100Steps<double>(name));
        Assert.Equal(0, AllocatedBytesOver100Steps<float>(name));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void StateHasTheTorchNamesAndParameterCountLength(string name)
    {
        Optimizer<float> optimizer = OptimizerHarness.Create<float>(name);
        Assert.Equal(OptimizerHarness.ExpectedStateNames(name), optimizer.State.Select(kv => kv.Key).ToArray());
        Assert.All(optimizer.State, kv => Assert.Equal(OptimizerHarness.Count, kv.Value.Length));
        Assert.Equal(OptimizerHarness.Count, optimizer.ParameterCount);
        Assert.Equal(0, optimizer.StepCount);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ResetZeroesStateAndStepCountAndBehavesAsNew(string name)
    {
        Optimizer<double> used = OptimizerHarness.Create<double>(name);
        OptimizerHarness.Run(used, steps: 3);
        Assert.All(used.State, kv => Assert.Contains(kv.Value, x => x != 0));

        used.Reset();

        Assert.Equal(0, used.StepCount);
        Assert.All(used.State, kv => Assert.All(kv.Value, x => Assert.Equal(0.0, x)));
        Assert.Equal(OptimizerHarness.Run(OptimizerHarness.Create<double>(name)), OptimizerHarness.Run(used));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void StepRejectsBadArgumentsWithoutTouchingAnything(string name)
    {
        Optimizer<double> optimizer = OptimizerHarness.Create<double>(name);
        OptimizerHarness.Run(optimizer, steps: 2);
        double[] p = OptimizerHarness.InitialParameters();
        double[] pBefore = (double[])p.Clone();
        double[][] stateBefore = optimizer.State.Select(kv => (double[])kv.Value.Clone()).ToArray();
        var g = new double[OptimizerHarness.Count];
        Array.Fill(g, 0.5);

        void Expect(string parameter, string badValue, Action step)
        {
            var ex = Assert.ThrowsAny<ArgumentException>(step);
            Assert.Equal(parameter, ex.ParamName);
            Assert.Contains(badValue, ex.Message);
        }

        Expect("parameters", "6", () => optimizer.Step(p.AsSpan(0, 6), g, 0.1));
        Expect("parameters", "8", () => optimizer.Step(new double[8], g, 0.1));
        Expect("gradients", "6", () => optimizer.Step(p, g.AsSpan(0, 6), 0.1));
        Expect("learningRate", "-0.1", () => optimizer.Step(p, g, -0.1));
        Expect("learningRate", double.NaN.ToString(), () => optimizer.Step(p, g, double.NaN));
        Expect("learningRate", double.PositiveInfinity.ToString(), () => optimizer.Step(p, g, double.PositiveInfinity));

        Assert.Equal(pBefore, p);
        Assert.Equal(2, optimizer.StepCount);
        Assert.Equal(stateBefore, optimizer.State.Select(kv => kv.Value).ToArray());
    }

    [Fact]
    public void ConstructorsRejectNegativeParameterCount()
    {
        Assert.Equal("parameterCount", Assert.ThrowsAny<ArgumentException>(() => new Sgd<double>(-1)).ParamName);
        Assert.Equal("parameterCount", Assert.ThrowsAny<ArgumentException>(() => new Adagrad<double>(-1)).ParamName);
        Assert.Equal("parameterCount", Assert.ThrowsAny<ArgumentException>(() => new RmsProp<double>(-1)).ParamName);
        Assert.Equal("parameterCount", Assert.ThrowsAny<ArgumentException>(() => new Adam<double>(-1)).ParamName);
        Assert.Equal("parameterCount", Assert.ThrowsAny<ArgumentException>(() => new AdamW<double>(-1)).ParamName);
    }

    [Fact]
    public void ZeroLearningRateLeavesParametersButAdvancesState()
    {
        var adam = new Adam<double>(2);
        double[] p = [0.25, -0.5];
        adam.Step(p, [1.0, 2.0], 0.0);
        Assert.Equal([0.25, -0.5], p);
        Assert.Equal(1, adam.StepCount);
    }
}
