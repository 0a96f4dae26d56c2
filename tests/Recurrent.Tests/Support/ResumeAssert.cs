// ResumeAssert: what every exact-resume test checks, written once — the updates of a stopped-and-resumed run are those
// of the uninterrupted run (same step numbers, bit-identical losses, same learning rates and gradient norms), and the
// final tensors (weights, optimizer moments) have the same names, shapes and bits.
using Recurrent.Serialization;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Tests.Support;

internal static class ResumeAssert
{
    /// <summary>Records every update <paramref name="loop"/> makes from now on.</summary>
    public static List<StepReport> Record(FitLoop loop)
    {
        var steps = new List<StepReport>();
        loop.Add(new LambdaCallback { StepEnd = steps.Add });
        return steps;
    }

    /// <summary>The resumed run's updates are the uninterrupted run's, bit for bit in the loss.</summary>
    public static void SameSteps(IReadOnlyList<StepReport> uninterrupted, IReadOnlyList<StepReport> resumed, int total, bool gradientNorms = true)
    {
        Assert.Equal(total, resumed.Count);
        for (int i = 0; i < total; i++)
        {
            Assert.Equal(uninterrupted[i].Step, resumed[i].Step);
            Assert.True(BitConverter.DoubleToInt64Bits(uninterrupted[i].Loss) == BitConverter.DoubleToInt64Bits(resumed[i].Loss),
                $"step {i + 1}: loss {uninterrupted[i].Loss:R} uninterrupted vs {resumed[i].Loss:R} resumed");
            Assert.Equal(uninterrupted[i].LearningRate, resumed[i].LearningRate);
            if (gradientNorms) Assert.Equal(uninterrupted[i].GradientNorm, resumed[i].GradientNorm);
        }
    }

    /// <summary>The same tensors: names, shapes and every float's bits.</summary>
    public static void SameTensors(IReadOnlyList<NamedTensor> expected, IReadOnlyList<NamedTensor> actual)
    {
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(t => t.Name), actual.Select(t => t.Name));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Shape, actual[i].Shape);
            var x = expected[i].Data;
            var y = actual[i].Data;
            for (int j = 0; j < x.Length; j++)
                Assert.True(BitConverter.SingleToInt32Bits(x[j]) == BitConverter.SingleToInt32Bits(y[j]),
                    $"{expected[i].Name}[{j}]: {x[j]:R} vs {y[j]:R}");
        }
    }
}
