// ActivationTrace against the model it traces: over a text cut into chunks with the state carried, the last layer's h
// equals SequenceModel.Forward's stack output over the whole text in one piece, every layer's h and c equal the engine's
// buffers, the gates put back together give the recorded c and h (so each gate is in its right block), gates lie in
// [0, 1], and the top-5 predictions and the next token's probability are the softmax of the model's logits.
using Recurrent.Inspection;
using Recurrent.Layers;
using Recurrent.Models;

namespace Recurrent.Tests.Inspection;

public sealed class ActivationTraceTests
{
    private const int Vocabulary = 11, Hidden = 6, Steps = 23, Chunk = 7;

    private static SequenceModel<float> Model(CellKind cell, bool layerNorm = false, int mogrifier = 0) => new(new ModelConfig
    {
        Input = InputKind.Embedding, InputSize = Vocabulary, EmbeddingSize = 5, Cell = cell, HiddenSize = Hidden, Layers = 2,
        OutputSize = Vocabulary, LayerNorm = layerNorm, MogrifierRounds = mogrifier, InitGain = 2.0,
    }, seed: 3);

    private static int[] Tokens()
    {
        var ids = new int[Steps];
        for (int t = 0; t < Steps; t++) ids[t] = (t * 7 + t / 3) % Vocabulary;
        return ids;
    }

    public static TheoryData<string> Cells => ["lstm", "gru", "rnn", "lstm-layernorm", "gru-layernorm", "lstm-mogrifier"];

    private static SequenceModel<float> ModelFor(string name) => name switch
    {
        "lstm" => Model(CellKind.Lstm),
        "gru" => Model(CellKind.Gru),
        "rnn" => Model(CellKind.RnnTanh),
        "lstm-layernorm" => Model(CellKind.Lstm, layerNorm: true),
        "gru-layernorm" => Model(CellKind.Gru, layerNorm: true),
        "lstm-mogrifier" => Model(CellKind.Lstm, mogrifier: 2),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public void ChunkedTraceEqualsOneForwardOverTheWholeText(string cell)
    {
        var model = ModelFor(cell);
        int[] tokens = Tokens();
        var trace = ActivationTrace.Record(model, tokens, topK: 5, chunk: Chunk);
        Assert.Equal((2, Hidden, Steps), (trace.Layers, trace.HiddenSize, trace.Steps));

        model.ResetState();
        float[] logits = model.Forward(tokens, Steps, 1, training: false).ToArray(); // (T, 1, V)
        float[] output = model.Stack.Output.ToArray();                               // (T, 1, H)
        AssertClose(output, trace.Values(1, TraceQuantity.Hidden), 1e-5f);
        for (int layer = 0; layer < 2; layer++)
        {
            var direction = model.Stack.Direction(layer, 0);
            AssertClose(direction.Output.ToArray(), trace.Values(layer, TraceQuantity.Hidden), 1e-5f);
            if (trace.Has(TraceQuantity.Cell)) AssertClose(direction.Cells.ToArray(), trace.Values(layer, TraceQuantity.Cell), 1e-5f);
        }

        for (int t = 0; t < Steps; t++)
        {
            double[] p = Softmax(logits.AsSpan(t * Vocabulary, Vocabulary));
            int[] expected = Enumerable.Range(0, Vocabulary).OrderByDescending(v => p[v]).ThenBy(v => v).Take(5).ToArray();
            Assert.Equal(expected, trace.TopTokens(t).ToArray());
            for (int j = 0; j < 5; j++) Assert.Equal(p[expected[j]], trace.TopProbabilities(t)[j], 1e-5);
            if (t + 1 < Steps) Assert.Equal(p[tokens[t + 1]], trace.NextProbability(t), 1e-5);
            else Assert.True(float.IsNaN(trace.NextProbability(t)));
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void GatesLieInTheirRanges(string cell)
    {
        var model = ModelFor(cell);
        var trace = ActivationTrace.Record(model, Tokens(), chunk: Chunk);
        int gates = 0;
        for (int layer = 0; layer < 2; layer++)
            foreach (TraceQuantity q in trace.Quantities)
            {
                ReadOnlySpan<float> v = trace.Values(layer, q);
                Assert.Equal(Steps * Hidden, v.Length);
                float lo = q.IsGate() ? 0 : -1, hi = 1;
                if (q == TraceQuantity.Cell) continue; // c is unbounded
                foreach (float x in v) Assert.InRange(x, lo, hi);
                if (q.IsGate()) { gates++; Assert.True(v.ToArray().Distinct().Count() > 10, $"{q} looks constant"); }
            }
        Assert.Equal(model.Config.Cell switch { CellKind.Lstm => 6, CellKind.Gru => 4, _ => 0 }, gates);
    }

    [Fact]
    public void LstmGatesRebuildTheCellAndHiddenStates()
    {
        var trace = ActivationTrace.Record(Model(CellKind.Lstm), Tokens(), chunk: Chunk);
        for (int layer = 0; layer < 2; layer++)
        {
            float[] c = trace.Values(layer, TraceQuantity.Cell).ToArray(), h = trace.Values(layer, TraceQuantity.Hidden).ToArray();
            float[] i = trace.Values(layer, TraceQuantity.InputGate).ToArray(), f = trace.Values(layer, TraceQuantity.ForgetGate).ToArray();
            float[] g = trace.Values(layer, TraceQuantity.Candidate).ToArray(), o = trace.Values(layer, TraceQuantity.OutputGate).ToArray();
            for (int t = 0; t < Steps; t++)
                for (int u = 0; u < Hidden; u++)
                {
                    int n = t * Hidden + u;
                    float cPrev = t == 0 ? 0 : c[n - Hidden];
                    Assert.Equal(f[n] * cPrev + i[n] * g[n], c[n], 1e-5f);      // c_t = f⊙c_{t−1} + i⊙g
                    Assert.Equal(o[n] * MathF.Tanh(c[n]), h[n], 1e-5f);         // h_t = o⊙tanh(c_t)
                }
        }
    }

    [Fact]
    public void GruGatesRebuildTheHiddenState()
    {
        var trace = ActivationTrace.Record(Model(CellKind.Gru), Tokens(), chunk: Chunk);
        for (int layer = 0; layer < 2; layer++)
        {
            float[] h = trace.Values(layer, TraceQuantity.Hidden).ToArray();
            float[] z = trace.Values(layer, TraceQuantity.UpdateGate).ToArray(), n = trace.Values(layer, TraceQuantity.NewGate).ToArray();
            for (int t = 0; t < Steps; t++)
                for (int u = 0; u < Hidden; u++)
                {
                    int k = t * Hidden + u;
                    float hPrev = t == 0 ? 0 : h[k - Hidden];
                    Assert.Equal((1 - z[k]) * n[k] + z[k] * hPrev, h[k], 1e-5f);// h_t = (1−z)⊙n + z⊙h_{t−1}
                }
        }
    }

    [Fact]
    public void RefusesWhatItCannotTrace()
    {
        var model = Model(CellKind.Lstm);
        Assert.Throws<ArgumentException>(() => ActivationTrace.Record(model, ReadOnlySpan<int>.Empty));
        Assert.Throws<ArgumentException>(() => ActivationTrace.Record(model, Tokens(), topK: Vocabulary + 1));
        var classifier = new SequenceModel<float>(new ModelConfig
        {
            Input = InputKind.Embedding, InputSize = Vocabulary, EmbeddingSize = 4, HiddenSize = 4, OutputSize = 3, Head = HeadKind.LastStep,
        }, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => ActivationTrace.Record(classifier, Tokens()));
        Assert.Contains("language model", e.Message);
        var trace = ActivationTrace.Record(Model(CellKind.Gru), Tokens());
        Assert.Throws<ArgumentException>(() => trace.Values(0, TraceQuantity.Cell));
        Assert.Throws<ArgumentOutOfRangeException>(() => trace.Values(2, TraceQuantity.Hidden));
    }

    private static double[] Softmax(ReadOnlySpan<float> z)
    {
        double max = double.NegativeInfinity;
        foreach (float v in z) max = Math.Max(max, v);
        var p = new double[z.Length];
        double sum = 0;
        for (int i = 0; i < z.Length; i++) sum += p[i] = Math.Exp(z[i] - max);
        for (int i = 0; i < z.Length; i++) p[i] /= sum;
        return p;
    }

    private static void AssertClose(float[] expected, ReadOnlySpan<float> actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"index {i}: expected {expected[i]}, got {actual[i]}");
    }
}
