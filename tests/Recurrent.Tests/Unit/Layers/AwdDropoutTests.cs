// What the AWD-LSTM dropouts do, apart from their gradients (AwdDropoutGradientTests): locked masks are the same at
// every step and differ between rows, element masks differ between steps; embedding dropout scales whole vocabulary
// rows; weight drop uses one mask for a forward and its backward and a new one at the next forward, and equals a
// model whose W_hh holds the dropped weights (on the float path, packed recurrent product included); evaluation is the
// dropout-free model bit for bit; the masks keep the expected value (inverted dropout); a default model draws nothing.
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Tensors;

namespace Recurrent.Tests.Layers;

public sealed class AwdDropoutTests
{
    private const int T = 5, B = 4, V = 9;

    private static ModelConfig Lm(CellKind cell = CellKind.Lstm, int layers = 2) => new()
    {
        Input = InputKind.Embedding, InputSize = V, EmbeddingSize = 6, Cell = cell, HiddenSize = 8, Layers = layers, OutputSize = V,
    };

    private static int[] Tokens(int n, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => rng.NextInt(V)).ToArray();
    }

    // mask (T,B,F): value at (t,b,f).
    private static double At(ReadOnlySpan<double> mask, int t, int b, int f, int features) => mask[(t * B + b) * features + f];

    [Fact]
    public void LockedMasksAreTheSameAtEveryStepAndDifferBetweenRowsElementMasksDoNot()
    {
        const int F = 6;
        var store = new ParameterStore<double>();
        var locked = new RecurrentStack<double>(store, "a.", CellKind.Gru, F, 8, 2, dropout: 0.5, inputDropout: 0.5, lockedDropout: true);
        var element = new RecurrentStack<double>(store, "b.", CellKind.Gru, F, 8, 2, dropout: 0.5);
        store.Seal();
        var x = new double[T * B * F];
        for (int i = 0; i < x.Length; i++) x[i] = 1 + i % 3;
        locked.Forward(x, T, B, default, default, training: true, new Rng(5));
        element.Forward(x, T, B, default, default, training: true, new Rng(5));

        foreach (var (mask, features) in new[] { (locked.DropoutMask(0).ToArray(), F), (locked.DropoutMask(1).ToArray(), 8) })
        {
            for (int t = 1; t < T; t++)
                for (int b = 0; b < B; b++)
                    for (int f = 0; f < features; f++)
                        Assert.Equal(At(mask, 0, b, f, features), At(mask, t, b, f, features));
            var rows = Enumerable.Range(0, B).Select(b => string.Join(",", Enumerable.Range(0, features).Select(f => At(mask, 0, b, f, features)))).ToHashSet();
            Assert.True(rows.Count > 1, "every row got the same mask");
            Assert.All(mask, m => Assert.True(m == 0 || m == 2));
        }
        double[] e = element.DropoutMask(1).ToArray();
        Assert.Contains(Enumerable.Range(1, T - 1), t => Enumerable.Range(0, B * 8).Any(j => e[t * B * 8 + j] != e[j]));
    }

    [Fact]
    public void EmbeddingDropoutScalesWholeVocabularyRows()
    {
        var config = Lm() with { EmbeddingDropout = 0.5 };
        var model = new SequenceModel<double>(config, 3);
        int[] tokens = Tokens(T * B, 4);
        model.Forward(tokens, T, B, training: true);
        double[] scales = model.EmbeddingRowScales.ToArray();
        Assert.Equal(V, scales.Length);
        Assert.All(scales, s => Assert.True(s == 0 || s == 2));
        Assert.Contains(0.0, scales);
        Assert.Contains(2.0, scales);
        double[] training = model.Output.ToArray();

        // The same forward in evaluation on a copy whose table rows are scaled by hand gives the same outputs.
        var copy = new SequenceModel<double>(Lm(), 3);
        model.Parameters.Values.CopyTo(copy.Parameters.Values, 0);
        var table = copy.Parameters.Value(copy.Parameters.Parameters.First(p => p.Name == "embedding.weight"));
        for (int v = 0; v < V; v++)
            for (int j = 0; j < 6; j++) table[v * 6 + j] *= scales[v];
        copy.Forward(tokens, T, B, training: false);
        Assert.Equal(training, copy.Output.ToArray());
    }

    [Fact]
    public void WeightDropEqualsAModelHoldingTheDroppedWeightsForwardAndBackwardOnTheFloatPath()
    {
        const int Bf = 16; // wide enough for the packed recurrent product
        var config = Lm(CellKind.Lstm, layers: 2) with { WeightDrop = 0.4 };
        var model = new SequenceModel<float>(config, 7);
        var plain = new SequenceModel<float>(Lm(CellKind.Lstm, layers: 2), 7);
        Assert.Equal(model.Parameters.Values, plain.Parameters.Values);
        int[] tokens = Tokens(T * Bf, 8);
        var dLogits = new float[T * Bf * V];
        for (int i = 0; i < dLogits.Length; i++) dLogits[i] = MathF.Sin(i);

        // The masks the model will draw: one per element of each W_hh, layer by layer, from its dropout generator.
        var draw = Rng.FromState(model.DropoutRng.State);
        var hh = model.Parameters.Parameters.Where(p => p.Name.StartsWith("rnn.weight_hh", StringComparison.Ordinal)).ToList();
        var masks = hh.Select(p =>
        {
            var m = new float[p.Length];
            DropoutMasks.Element<float>(m, 0.4, draw);
            return m;
        }).ToList();
        for (int k = 0; k < hh.Count; k++)
        {
            Span<float> w = plain.Parameters.Value(hh[k]);
            for (int j = 0; j < w.Length; j++) w[j] *= masks[k][j];
        }

        model.Forward(tokens, T, Bf, training: true);
        plain.Forward(tokens, T, Bf, training: true);
        Assert.Equal(plain.Output.ToArray(), model.Output.ToArray());
        model.Parameters.ZeroGradients();
        plain.Parameters.ZeroGradients();
        model.Backward(dLogits);
        plain.Backward(dLogits);
        foreach (var p in model.Parameters.Parameters)
        {
            float[] expected = plain.Parameters.Gradient(p).ToArray();
            int k = hh.IndexOf(p);
            if (k >= 0) for (int j = 0; j < expected.Length; j++) expected[j] *= masks[k][j];
            Assert.Equal(expected, model.Parameters.Gradient(p).ToArray());
        }
        Assert.Contains(masks[0], m => m == 0);

        // The next training forward draws new masks: other outputs; the stored weights were never changed.
        float[] first = model.Output.ToArray();
        model.Forward(tokens, T, Bf, training: true);
        Assert.NotEqual(first, model.Output.ToArray());
        Assert.Equal(new SequenceModel<float>(config, 7).Parameters.Values, model.Parameters.Values);
    }

    [Theory]
    [InlineData(CellKind.Lstm)]
    [InlineData(CellKind.Gru)]
    [InlineData(CellKind.RnnTanh)]
    public void EvaluationIsTheDropoutFreeModelBitForBit(CellKind cell)
    {
        var on = Lm(cell) with { Dropout = 0.3, LockedDropout = true, InputDropout = 0.3, OutputDropout = 0.3, EmbeddingDropout = 0.3, WeightDrop = 0.3 };
        var model = new SequenceModel<float>(on, 11);
        var plain = new SequenceModel<float>(Lm(cell), 11);
        int[] tokens = Tokens(T * B, 12);
        model.Forward(tokens, T, B, training: true); // a training forward first: no mask may stay behind
        float[] trained = model.Output.ToArray();
        model.Forward(tokens, T, B, training: false);
        plain.Forward(tokens, T, B, training: false);
        Assert.Equal(plain.Output.ToArray(), model.Output.ToArray());
        Assert.NotEqual(trained, model.Output.ToArray());

        var dLogits = new float[T * B * V];
        for (int i = 0; i < dLogits.Length; i++) dLogits[i] = MathF.Cos(i);
        model.Parameters.ZeroGradients();
        plain.Parameters.ZeroGradients();
        model.Backward(dLogits);
        plain.Backward(dLogits);
        Assert.Equal(plain.Parameters.Gradients.ToArray(), model.Parameters.Gradients.ToArray());
    }

    [Fact]
    public void MasksKeepTheExpectedValue()
    {
        var rng = new Rng(21);
        var element = new double[200_000];
        DropoutMasks.Element<double>(element, 0.3, rng);
        Assert.Equal(1.0, element.Average(), 2);
        var locked = new double[4 * 50_000];
        DropoutMasks.Locked<double>(locked, 4, 1000, 50, 0.6, rng);
        Assert.Equal(1.0, locked.Average(), 1);
        Assert.InRange(locked.Count(m => m == 0) / (double)locked.Length, 0.58, 0.62);
    }

    [Fact]
    public void ADefaultModelDrawsNoMaskAndTrainingEqualsEvaluation()
    {
        var model = new SequenceModel<float>(Lm() with { Layers = 1 }, 13);
        var before = model.DropoutRng.State;
        int[] tokens = Tokens(T * B, 14);
        model.Forward(tokens, T, B, training: true);
        float[] trained = model.Output.ToArray();
        Assert.Equal(before, model.DropoutRng.State);
        model.Forward(tokens, T, B, training: false);
        Assert.Equal(trained, model.Output.ToArray());
    }

    [Fact]
    public void ImpossibleSettingsAreRefusedNamingTheProperty()
    {
        var bad = Assert.Throws<ArgumentException>(() => new SequenceModel<float>(Lm() with { WeightDrop = 1.5 }, 1));
        Assert.Equal("WeightDrop", bad.ParamName);
        bad = Assert.Throws<ArgumentException>(() => new SequenceModel<float>(Lm() with { InputDropout = -0.1 }, 1));
        Assert.Equal("InputDropout", bad.ParamName);
        bad = Assert.Throws<ArgumentException>(() => new SequenceModel<float>(Lm() with { OutputDropout = 1 }, 1));
        Assert.Equal("OutputDropout", bad.ParamName);
        bad = Assert.Throws<ArgumentException>(() => new SequenceModel<float>(Lm() with { Input = InputKind.OneHot, EmbeddingSize = 0, EmbeddingDropout = 0.1 }, 1));
        Assert.Equal("EmbeddingDropout", bad.ParamName);
        Assert.Contains("OneHot", bad.Message);
    }
}
