// The padding test of issue #5: the same sequences run alone (B=1, T=length, no lengths), batched and
// padded to their longest length, and batched in another order with extra padding (T = longest + 4,
// garbage in the padding positions) give the same outputs, the same summed loss and the same parameter
// gradients. Double precision for the 1e-6 criterion (the differences left are reduction-order rounding,
// ~1e-15; the test logs the largest); float once more for the outputs, where the batched products may
// round differently. Covers RNN/LSTM/GRU, uni- and bidirectional, two layers, a last-step head on dense
// inputs (classification) and a per-step head on tokens (tagging).
using System.Numerics;
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Tests.Gradients;
using Xunit.Abstractions;

namespace Recurrent.Tests.Models;

public sealed class PaddingInvarianceTests(ITestOutputHelper log)
{
    private const double Tolerance = 1e-6;
    private static readonly int[] SequenceLengths = [5, 2, 7, 1];
    private const int Features = 3, Vocabulary = 9, Classes = 4, Hidden = 6;

    public static TheoryData<CellKind, bool> CellsAndDirections()
    {
        var data = new TheoryData<CellKind, bool>();
        foreach (var cell in new[] { CellKind.RnnTanh, CellKind.Lstm, CellKind.Gru })
            foreach (bool bi in new[] { false, true }) data.Add(cell, bi);
        return data;
    }

    private static ModelConfig Config(InputKind input, CellKind cell, bool bidirectional, HeadKind head) => new()
    {
        Input = input,
        InputSize = input == InputKind.Dense ? Features : Vocabulary,
        EmbeddingSize = 4,
        Cell = cell,
        HiddenSize = Hidden,
        Layers = 2,
        Bidirectional = bidirectional,
        Head = head,
        OutputSize = Classes,
    };

    // One run: the sequences given by index in `order`, padded to `steps`, padding filled from `junk`.
    // Returns per-sequence outputs (by sequence index), the summed loss and the summed parameter gradient.
    private sealed record Run(double[][] Outputs, double Loss, double[] Gradient);

    [Theory]
    [MemberData(nameof(CellsAndDirections))]
    public void LastStepClassificationIsPaddingInvariant(CellKind cell, bool bidirectional)
    {
        var rng = new Rng(11 + (ulong)cell * 3 + (bidirectional ? 1UL : 0));
        double[][] seqs = SequenceLengths.Select(len => GradientSetup.Uniform(rng, len * Features)).ToArray();
        int[] labels = [1, 3, 0, 2];
        var model = new SequenceModel<double>(Config(InputKind.Dense, cell, bidirectional, HeadKind.LastStep), 5);

        Run Batched(int[] order, int steps, Rng junk)
        {
            int B = order.Length;
            var x = new double[steps * B * Features];
            for (int i = 0; i < x.Length; i++) x[i] = junk.Uniform(-5, 5);
            var lengths = new int[B];
            var y = new int[B];
            for (int b = 0; b < B; b++)
            {
                int s = order[b];
                lengths[b] = SequenceLengths[s];
                y[b] = labels[s];
                for (int t = 0; t < lengths[b]; t++)
                    seqs[s].AsSpan(t * Features, Features).CopyTo(x.AsSpan((t * B + b) * Features, Features));
            }
            ReadOnlySpan<double> logits = model.Forward(x, steps, B, training: false, lengths);
            var outputs = new double[SequenceLengths.Length][];
            for (int b = 0; b < B; b++) outputs[order[b]] = logits.Slice(b * Classes, Classes).ToArray();
            return Finish(model, logits, y) with { Outputs = outputs };
        }

        Run alone = Alone(seqs.Length, s =>
        {
            ReadOnlySpan<double> logits = model.Forward(seqs[s], SequenceLengths[s], 1, training: false);
            return (logits.ToArray(), Finish(model, logits, [labels[s]]));
        });
        Run tight = Batched([0, 1, 2, 3], SequenceLengths.Max(), new Rng(1));
        Run loose = Batched([2, 3, 1, 0], SequenceLengths.Max() + 4, new Rng(2));
        Compare(alone, tight, "alone vs padded to the longest");
        Compare(alone, loose, "alone vs reordered with extra padding");

        // Float: the same comparison for the outputs.
        var modelF = new SequenceModel<float>(Config(InputKind.Dense, cell, bidirectional, HeadKind.LastStep), 5);
        int Bf = seqs.Length, Tf = SequenceLengths.Max() + 2;
        var xf = new float[Tf * Bf * Features];
        for (int b = 0; b < Bf; b++)
            for (int t = 0; t < SequenceLengths[b]; t++)
                for (int f = 0; f < Features; f++) xf[(t * Bf + b) * Features + f] = (float)seqs[b][t * Features + f];
        float[] batchedF = modelF.Forward(xf, Tf, Bf, training: false, SequenceLengths).ToArray();
        double worst = 0;
        for (int s = 0; s < Bf; s++)
        {
            float[] one = seqs[s].Select(v => (float)v).ToArray();
            ReadOnlySpan<float> aloneF = modelF.Forward(one, SequenceLengths[s], 1, training: false);
            for (int j = 0; j < Classes; j++) worst = Math.Max(worst, Math.Abs(aloneF[j] - batchedF[s * Classes + j]));
        }
        log.WriteLine($"float outputs: largest difference {worst:E2}");
        Assert.True(worst <= Tolerance, $"float outputs differ by {worst:E3} > {Tolerance}");
    }

    [Theory]
    [MemberData(nameof(CellsAndDirections))]
    public void PerStepTaggingIsPaddingInvariant(CellKind cell, bool bidirectional)
    {
        var rng = new Rng(21 + (ulong)cell * 3 + (bidirectional ? 1UL : 0));
        int[][] seqs = SequenceLengths.Select(len => GradientSetup.Tokens(rng, len, Vocabulary)).ToArray();
        int[][] tags = SequenceLengths.Select(len => GradientSetup.Tokens(rng, len, Classes)).ToArray();
        var model = new SequenceModel<double>(Config(InputKind.Embedding, cell, bidirectional, HeadKind.PerStep), 6);

        Run Batched(int[] order, int steps, Rng junk)
        {
            int B = order.Length;
            var x = new int[steps * B];
            var y = new int[steps * B];
            for (int i = 0; i < x.Length; i++) { x[i] = junk.NextInt(Vocabulary); y[i] = SoftmaxCrossEntropy.IgnoreIndex; }
            var lengths = new int[B];
            for (int b = 0; b < B; b++)
            {
                int s = order[b];
                lengths[b] = SequenceLengths[s];
                for (int t = 0; t < lengths[b]; t++) { x[t * B + b] = seqs[s][t]; y[t * B + b] = tags[s][t]; }
            }
            ReadOnlySpan<double> logits = model.Forward(x, steps, B, training: false, lengths);
            for (int b = 0; b < B; b++)
                for (int t = lengths[b]; t < steps; t++)
                    foreach (double v in logits.Slice((t * B + b) * Classes, Classes)) Assert.Equal(0.0, v);
            var outputs = new double[SequenceLengths.Length][];
            for (int b = 0; b < B; b++)
            {
                int s = order[b];
                outputs[s] = new double[lengths[b] * Classes];
                for (int t = 0; t < lengths[b]; t++)
                    logits.Slice((t * B + b) * Classes, Classes).CopyTo(outputs[s].AsSpan(t * Classes, Classes));
            }
            Run r = Finish(model, logits, y);
            return r with { Outputs = outputs };
        }

        Run alone = Alone(seqs.Length, s =>
        {
            ReadOnlySpan<double> logits = model.Forward(seqs[s], SequenceLengths[s], 1, training: false);
            return (logits.ToArray(), Finish(model, logits, tags[s]));
        });
        Run tight = Batched([0, 1, 2, 3], SequenceLengths.Max(), new Rng(3));
        Run loose = Batched([3, 1, 0, 2], SequenceLengths.Max() + 4, new Rng(4));
        Compare(alone, tight, "alone vs padded to the longest");
        Compare(alone, loose, "alone vs reordered with extra padding");
    }

    // The final states (L*D,B,H) of a padded batch: row b holds what its sequence ends with alone — the forward
    // direction's state after its last element, the reverse direction's after reading back to its first.
    [Theory]
    [MemberData(nameof(CellsAndDirections))]
    public void FinalStatesAreEachSequencesOwn(CellKind cell, bool bidirectional)
    {
        var rng = new Rng(31 + (ulong)cell * 3 + (bidirectional ? 1UL : 0));
        int[][] seqs = SequenceLengths.Select(len => GradientSetup.Tokens(rng, len, Vocabulary)).ToArray();
        var model = new SequenceModel<double>(Config(InputKind.Embedding, cell, bidirectional, HeadKind.PerStep), 7);
        int B = seqs.Length, T = SequenceLengths.Max() + 3, H = Hidden, slots = model.Stack.Layers * model.Stack.Directions;
        var x = new int[T * B];
        for (int b = 0; b < B; b++)
            for (int t = 0; t < SequenceLengths[b]; t++) x[t * B + b] = seqs[b][t];
        model.Forward(x, T, B, training: false, SequenceLengths);
        double[] h = model.FinalH.ToArray(), c = model.FinalC.ToArray();
        double worst = 0;
        for (int b = 0; b < B; b++)
        {
            model.Forward(seqs[b], SequenceLengths[b], 1, training: false);
            for (int k = 0; k < slots; k++)
                for (int j = 0; j < H; j++)
                {
                    worst = Math.Max(worst, Math.Abs(model.FinalH[k * H + j] - h[(k * B + b) * H + j]));
                    if (cell == CellKind.Lstm) worst = Math.Max(worst, Math.Abs(model.FinalC[k * H + j] - c[(k * B + b) * H + j]));
                }
        }
        log.WriteLine($"final states: largest difference {worst:E2}");
        Assert.True(worst <= Tolerance, $"final states differ by {worst:E3}");
    }

    // Summed (not mean) cross-entropy, so a batch's loss and gradient are the sums of its sequences'.
    private static Run Finish(SequenceModel<double> model, ReadOnlySpan<double> logits, int[] y)
    {
        var dLogits = new double[logits.Length];
        double mean = SoftmaxCrossEntropy.LossAndGradient(logits, y, Classes, dLogits, out int counted);
        for (int i = 0; i < dLogits.Length; i++) dLogits[i] *= counted;
        model.Parameters.ZeroGradients();
        model.Backward(dLogits);
        return new Run(logits.Length == 0 ? [] : [logits.ToArray()], mean * counted, model.Parameters.Gradients.ToArray());
    }

    // Each sequence alone; outputs per sequence, losses and gradients summed.
    private static Run Alone(int count, Func<int, (double[] Output, Run Run)> one)
    {
        var outputs = new double[count][];
        double loss = 0;
        double[]? grad = null;
        for (int s = 0; s < count; s++)
        {
            var (output, run) = one(s);
            outputs[s] = output;
            loss += run.Loss;
            if (grad is null) grad = run.Gradient;
            else for (int i = 0; i < grad.Length; i++) grad[i] += run.Gradient[i];
        }
        return new Run(outputs, loss, grad!);
    }

    private void Compare(Run expected, Run actual, string what)
    {
        double worstOut = 0, worstGrad = 0;
        for (int s = 0; s < expected.Outputs.Length; s++)
        {
            Assert.Equal(expected.Outputs[s].Length, actual.Outputs[s].Length);
            for (int j = 0; j < expected.Outputs[s].Length; j++)
                worstOut = Math.Max(worstOut, Math.Abs(expected.Outputs[s][j] - actual.Outputs[s][j]));
        }
        for (int i = 0; i < expected.Gradient.Length; i++)
            worstGrad = Math.Max(worstGrad, Math.Abs(expected.Gradient[i] - actual.Gradient[i]));
        double lossDiff = Math.Abs(expected.Loss - actual.Loss);
        log.WriteLine($"{what}: outputs {worstOut:E2}, loss {lossDiff:E2} (loss {expected.Loss:F6}), gradients {worstGrad:E2}");
        Assert.True(worstOut <= Tolerance, $"{what}: outputs differ by {worstOut:E3}");
        Assert.True(lossDiff <= Tolerance, $"{what}: losses differ by {lossDiff:E3}");
        Assert.True(worstGrad <= Tolerance, $"{what}: gradients differ by {worstGrad:E3}");
        Assert.Contains(expected.Gradient, g => Math.Abs(g) > 1e-3); // a vacuous all-zero gradient would pass
    }
}
