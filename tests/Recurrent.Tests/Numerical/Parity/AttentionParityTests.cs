// PyTorch parity of the attention step (Engine/Layers/Attention) for each score function, against
// attention_{bahdanau,luong,luong_dot}.json (tools/fixtures/make_attention_fixtures.py): T = 3 decoder outputs
// attend over a left-padded memory; the outputs, the weights (masked positions 0) and the loss Σ w·h̃ to 1e-5,
// and every parameter's, the memory's and the decoder outputs' gradients to 1e-5, in float.
using Recurrent.Layers;
using Recurrent.Tensors;
using Recurrent.Tests.Support;
using Xunit.Abstractions;

namespace Recurrent.Tests.Parity;

public sealed class AttentionParityTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("attention_bahdanau.json", AttentionKind.Bahdanau, "bahdanau")]
    [InlineData("attention_luong.json", AttentionKind.Luong, "luong")]
    [InlineData("attention_luong_dot.json", AttentionKind.LuongDot, "dot")]
    public void MatchesTorchOutputsWeightsAndEveryGradient(string file, AttentionKind kind, string torchKind)
    {
        var fx = Fixture.Load(file);
        Assert.Equal(torchKind, fx.Meta.GetProperty("kind").GetString());
        int s = fx.MetaInt("source_steps"), b = fx.MetaInt("batch"), e = fx.MetaInt("memory_size"), h = fx.MetaInt("hidden_size");
        int a = fx.MetaInt("attention_size"), steps = fx.MetaInt("steps");
        var store = new ParameterStore<float>();
        var layer = new Attention<float>(store, "", kind, e, h, a);
        store.Seal();
        foreach (var p in store.Parameters)
        {
            Assert.Equal(p.Shape, fx.Shape(p.Name));
            fx.Floats(p.Name).CopyTo(store.Value(p));
        }
        Assert.Equal(store.Parameters.Count, fx.Names.Count(n => n.StartsWith("grad.", StringComparison.Ordinal)) - 2);

        bool[] mask = fx.Ints("mask").Select(m => m != 0).ToArray();
        Assert.Contains(false, mask);
        float[] hs = fx.Floats("hs"), w = fx.Floats("w");
        layer.SetMemory(fx.Floats("memory"), mask, s, b, steps);
        var outputs = new float[steps * b * h];
        var weights = new float[steps * b * s];
        double loss = 0;
        for (int t = 0; t < steps; t++)
        {
            Span<float> o = outputs.AsSpan(t * b * h, b * h);
            layer.Forward(t, hs.AsSpan(t * b * h, b * h), o);
            layer.Weights(t).CopyTo(weights.AsSpan(t * b * s));
            for (int i = 0; i < o.Length; i++) loss += (double)o[i] * w[t * b * h + i];
        }
        Fixture.AssertClose(log, "outputs", fx.Doubles("outputs"), outputs, 1e-5);
        Fixture.AssertClose(log, "weights", fx.Doubles("weights"), weights, 1e-5);
        Fixture.AssertClose(log, "loss", fx.Doubles("loss"), [(float)loss], 1e-5);

        layer.BeginBackward();
        var dhs = new float[steps * b * h];
        for (int t = steps - 1; t >= 0; t--)
            layer.BackwardStep(t, w.AsSpan(t * b * h, b * h), dhs.AsSpan(t * b * h, b * h));
        layer.FinishBackward(steps);
        foreach (var p in store.Parameters)
            Fixture.AssertClose(log, "grad." + p.Name, fx.Doubles("grad." + p.Name), store.Gradient(p), 1e-5);
        Fixture.AssertClose(log, "grad.memory", fx.Doubles("grad.memory"), layer.MemoryGradient, 1e-5);
        Fixture.AssertClose(log, "grad.hs", fx.Doubles("grad.hs"), dhs, 1e-5);
    }
}
