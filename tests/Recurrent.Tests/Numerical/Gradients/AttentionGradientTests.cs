// Attention, checked three ways for each score function: its forward against a scalar reference written here
// from the formulas (no shared code with the layer), its backward against finite differences in double for
// every parameter, the memory (encoder outputs) and each step's decoder output, and its masking (masked
// positions get weight 0, no gradient, and changing them changes nothing). The loss is Σ_t Σ w_t·h̃_t with fixed
// random weights w, over T = 3 steps whose backward runs in reverse as the decoder's does. Sizes are odd and
// distinct (S=5, B=3, E=4, H=6, A=3; dot needs E = H) and the mask pads row 1 on the left (as seq2seq sources
// are) and row 2 in the middle.
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Tensors;
using Xunit.Abstractions;
using static Recurrent.Tests.Gradients.GradientSetup;

namespace Recurrent.Tests.Gradients;

public sealed class AttentionGradientTests(ITestOutputHelper log)
{
    private const int S = 5, B = 3, H = 6, A = 3, T = 3;

    private static int MemoryWidth(AttentionKind kind) => kind == AttentionKind.LuongDot ? H : 4;

    // (S,B): row 0 all valid, row 1 left-padded by two, row 2 with a hole at s = 2.
    private static bool[] Mask()
    {
        var mask = new bool[S * B];
        for (int s = 0; s < S; s++)
        {
            mask[s * B + 0] = true;
            mask[s * B + 1] = s >= 2;
            mask[s * B + 2] = s != 2;
        }
        return mask;
    }

    private sealed record Case(Attention<double> Layer, ParameterStore<double> Store, double[] Memory, bool[] Mask, double[][] Hs, double[][] W);

    private static Case Make(AttentionKind kind, ulong seed)
    {
        int e = MemoryWidth(kind);
        var store = new ParameterStore<double>();
        var layer = new Attention<double>(store, "attention.", kind, e, H, A);
        store.Seal();
        var rng = new Rng(seed);
        RandomizeAll(store, rng);
        double[] memory = Uniform(rng, S * B * e);
        double[][] hs = Enumerable.Range(0, T).Select(_ => Uniform(rng, B * H)).ToArray();
        double[][] w = Enumerable.Range(0, T).Select(_ => Uniform(rng, B * H)).ToArray();
        return new Case(layer, store, memory, Mask(), hs, w);
    }

    private static double Loss(Case c, List<double[]>? outputs = null)
    {
        c.Layer.SetMemory(c.Memory, c.Mask, S, B, T);
        double loss = 0;
        var o = new double[B * H];
        for (int t = 0; t < T; t++)
        {
            c.Layer.Forward(t, c.Hs[t], o);
            outputs?.Add(o.ToArray());
            loss += Dot(o, c.W[t]);
        }
        return loss;
    }

    // Runs the backward of the loss and returns dh per step; the memory and parameter gradients are in the layer/store.
    private static double[][] Backward(Case c)
    {
        Loss(c);
        c.Store.ZeroGradients();
        c.Layer.BeginBackward();
        var dh = new double[T][];
        for (int t = T - 1; t >= 0; t--)
        {
            dh[t] = new double[B * H];
            c.Layer.BackwardStep(t, c.W[t], dh[t]);
        }
        c.Layer.FinishBackward(T);
        return dh;
    }

    [Theory]
    [InlineData(AttentionKind.Bahdanau)]
    [InlineData(AttentionKind.Luong)]
    [InlineData(AttentionKind.LuongDot)]
    public void EveryGradientMatchesFiniteDifferences(AttentionKind kind)
    {
        var c = Make(kind, 800 + (ulong)kind);
        double[][] dh = Backward(c);
        var targets = GradientTarget.Parameters(c.Store);
        targets.Add(GradientTarget.Of("memory", [S, B, MemoryWidth(kind)], c.Memory, c.Layer.MemoryGradient));
        for (int t = 0; t < T; t++) targets.Add(GradientTarget.Of($"h[{t}]", [B, H], c.Hs[t], dh[t]));
        Assert.Equal(kind switch { AttentionKind.Bahdanau => 5, AttentionKind.Luong => 2, _ => 1 }, c.Store.Parameters.Count);
        new GradientChecker(log).CheckAll(() => Loss(c), targets);
    }

    [Theory]
    [InlineData(AttentionKind.Bahdanau)]
    [InlineData(AttentionKind.Luong)]
    [InlineData(AttentionKind.LuongDot)]
    public void ForwardMatchesTheScalarReference(AttentionKind kind)
    {
        var c = Make(kind, 820 + (ulong)kind);
        var outputs = new List<double[]>();
        Loss(c, outputs);
        int e = MemoryWidth(kind);
        double worst = 0;
        for (int t = 0; t < T; t++)
        {
            var (weights, output) = Reference(kind, c.Store, c.Memory, c.Mask, c.Hs[t], e);
            for (int i = 0; i < weights.Length; i++) worst = Math.Max(worst, Math.Abs(weights[i] - c.Layer.Weights(t)[i]));
            for (int i = 0; i < output.Length; i++) worst = Math.Max(worst, Math.Abs(output[i] - outputs[t][i]));
        }
        log.WriteLine($"{kind}: largest difference from the scalar reference {worst:E2}");
        Assert.True(worst < 1e-12, $"{kind}: the layer differs from the scalar reference by {worst:E3}.");
    }

    [Theory]
    [InlineData(AttentionKind.Bahdanau)]
    [InlineData(AttentionKind.Luong)]
    [InlineData(AttentionKind.LuongDot)]
    public void MaskedPositionsGetNoWeightNoGradientAndNoInfluence(AttentionKind kind)
    {
        var c = Make(kind, 840 + (ulong)kind);
        int e = MemoryWidth(kind);
        Backward(c);
        ReadOnlySpan<double> dMemory = c.Layer.MemoryGradient;
        for (int s = 0; s < S; s++)
            for (int b = 0; b < B; b++)
            {
                bool valid = c.Mask[s * B + b];
                for (int t = 0; t < T; t++)
                {
                    double weight = c.Layer.Weights(t)[b * S + s];
                    Assert.True(valid ? weight > 0 : weight == 0, $"step {t} row {b} position {s}: weight {weight}, valid {valid}.");
                }
                double norm = 0;
                for (int i = 0; i < e; i++) norm += Math.Abs(dMemory[(s * B + b) * e + i]);
                Assert.True(valid ? norm > 0 : norm == 0, $"row {b} position {s}: |d memory| {norm}, valid {valid}.");
            }
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++)
            {
                double sum = 0;
                for (int s = 0; s < S; s++) sum += c.Layer.Weights(t)[b * S + s];
                Assert.Equal(1.0, sum, 12);
            }
        var before = new List<double[]>();
        Loss(c, before);
        for (int s = 0; s < S; s++)
            for (int b = 0; b < B; b++)
                if (!c.Mask[s * B + b])
                    for (int i = 0; i < e; i++) c.Memory[(s * B + b) * e + i] += 100;
        var after = new List<double[]>();
        Loss(c, after);
        for (int t = 0; t < T; t++) Assert.Equal(before[t], after[t]);
    }

    [Fact]
    public void ARowWithNothingToAttendGetsZeroWeightsAndAZeroContext()
    {
        var c = Make(AttentionKind.Luong, 860);
        Array.Fill(c.Mask, false);
        var outputs = new List<double[]>();
        Loss(c, outputs);
        Assert.All(c.Layer.Weights(0).ToArray(), w => Assert.Equal(0.0, w));
        var (_, reference) = Reference(AttentionKind.Luong, c.Store, c.Memory, c.Mask, c.Hs[0], 4);
        for (int i = 0; i < reference.Length; i++) Assert.Equal(reference[i], outputs[0][i], 12);
    }

    [Fact]
    public void DotAttentionRefusesEncoderOutputsOfAnotherWidth()
    {
        var e = Assert.Throws<ArgumentException>(() => new Attention<double>(new ParameterStore<double>(), "a.", AttentionKind.LuongDot, 8, 6, 0));
        Assert.Contains("E = 8, H = 6", e.Message);
    }

    // The formulas, element by element: scores, masked softmax, context, tanh(W_c [c; h]). Returns weights (B,S), h̃ (B,H).
    private static (double[] Weights, double[] Output) Reference(AttentionKind kind, ParameterStore<double> store, double[] memory,
        bool[] mask, double[] h, int e)
    {
        double Get(string name, int i) => store.Value(store["attention." + name])[i];
        var weights = new double[B * S];
        var output = new double[B * H];
        for (int b = 0; b < B; b++)
        {
            double Mem(int s, int i) => memory[(s * B + b) * e + i];
            var scores = new double[S];
            for (int s = 0; s < S; s++)
            {
                double score = 0;
                if (kind == AttentionKind.LuongDot)
                    for (int i = 0; i < H; i++) score += h[b * H + i] * Mem(s, i);
                else if (kind == AttentionKind.Luong)
                    for (int i = 0; i < H; i++)
                        for (int j = 0; j < e; j++) score += h[b * H + i] * Get("score.weight", i * e + j) * Mem(s, j);
                else
                    for (int k = 0; k < A; k++)
                    {
                        double pre = Get("key.bias", k);
                        for (int i = 0; i < H; i++) pre += Get("query.weight", k * H + i) * h[b * H + i];
                        for (int j = 0; j < e; j++) pre += Get("key.weight", k * e + j) * Mem(s, j);
                        score += Get("v.weight", k) * Math.Tanh(pre);
                    }
                scores[s] = score;
            }
            double max = double.NegativeInfinity, sum = 0;
            for (int s = 0; s < S; s++) if (mask[s * B + b]) max = Math.Max(max, scores[s]);
            for (int s = 0; s < S; s++) if (mask[s * B + b]) sum += Math.Exp(scores[s] - max);
            var context = new double[e];
            for (int s = 0; s < S; s++)
            {
                weights[b * S + s] = mask[s * B + b] ? Math.Exp(scores[s] - max) / sum : 0;
                for (int j = 0; j < e; j++) context[j] += weights[b * S + s] * Mem(s, j);
            }
            for (int o = 0; o < H; o++)
            {
                double z = 0;
                for (int j = 0; j < e; j++) z += Get("out.weight", o * (e + H) + j) * context[j];
                for (int i = 0; i < H; i++) z += Get("out.weight", o * (e + H) + e + i) * h[b * H + i];
                output[b * H + o] = Math.Tanh(z);
            }
        }
        return (weights, output);
    }
}
