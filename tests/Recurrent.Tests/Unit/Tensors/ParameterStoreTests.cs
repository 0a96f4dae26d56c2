// ParameterStoreTests.cs — registration (offsets, names, shapes), sealing, lookup, gradient zeroing and
// the aliasing of per-parameter spans with the flat buffers.
using Recurrent.Tensors;

namespace Recurrent.Tests.Tensors;

public class ParameterStoreTests
{
    private static ParameterStore<float> ThreeParameters(out Parameter a, out Parameter b, out Parameter c)
    {
        var store = new ParameterStore<float>();
        a = store.Add("rnn.weight_ih_l0", ParameterRole.Weight, 3, 4);
        b = store.Add("rnn.bias_ih_l0", ParameterRole.Bias, 5);
        c = store.Add("head.weight", ParameterRole.Weight, 2, 3, 2);
        return store;
    }

    [Fact]
    public void Offsets_ContiguousInRegistrationOrder()
    {
        var store = ThreeParameters(out var a, out var b, out var c);
        Assert.Equal((0, 12), (a.Offset, a.Length));
        Assert.Equal((12, 5), (b.Offset, b.Length));
        Assert.Equal((17, 12), (c.Offset, c.Length));
        Assert.Equal(29, store.Count);
        Assert.Equal([a, b, c], store.Parameters);
        Assert.Equal("(2, 3, 2)", c.ShapeText);
        Assert.Equal(ParameterRole.Bias, b.Role);
        store.Seal();
        Assert.Equal(29, store.Values.Length);
        Assert.Equal(29, store.Gradients.Length);
    }

    [Fact]
    public void Add_CopiesTheShape()
    {
        var store = new ParameterStore<double>();
        int[] shape = [2, 3];
        var p = store.Add("w", ParameterRole.Weight, shape);
        shape[0] = 100;
        Assert.Equal([2, 3], p.Shape);
        Assert.Equal(6, p.Length);
    }

    [Fact]
    public void Seal_IsIdempotent_AndKeepsValues()
    {
        var store = ThreeParameters(out _, out var b, out _);
        store.Seal();
        float[] values = store.Values, gradients = store.Gradients;
        Assert.All(values, v => Assert.Equal(0f, v));
        values[13] = 4.5f;
        gradients[2] = -1f;
        store.Seal();
        Assert.Same(values, store.Values);
        Assert.Same(gradients, store.Gradients);
        Assert.Equal(4.5f, store.Value(b)[1]);
        Assert.Equal(-1f, store.Gradients[2]);
    }

    [Fact]
    public void Add_AfterSeal_Throws()
    {
        var store = ThreeParameters(out _, out _, out _);
        store.Seal();
        var ex = Assert.Throws<InvalidOperationException>(() => store.Add("late", ParameterRole.Weight, 2));
        Assert.Contains("late", ex.Message);
        Assert.Equal(29, store.Count);
        Assert.False(store.Contains("late"));
    }

    [Fact]
    public void BeforeSeal_BuffersThrow()
    {
        var store = ThreeParameters(out var a, out _, out _);
        Assert.Throws<InvalidOperationException>(() => store.Values);
        Assert.Throws<InvalidOperationException>(() => store.Gradients);
        Assert.Throws<InvalidOperationException>(() => store.Value(a).Length);
    }

    [Fact]
    public void DuplicateName_Throws()
    {
        var store = ThreeParameters(out _, out _, out _);
        var ex = Assert.Throws<ArgumentException>(() => store.Add("rnn.bias_ih_l0", ParameterRole.Bias, 5));
        Assert.Equal("name", ex.ParamName);
        Assert.Contains("rnn.bias_ih_l0", ex.Message);
        Assert.Equal(3, store.Parameters.Count);
        Assert.Equal(29, store.Count);
    }

    [Fact]
    public void InvalidNameOrShape_Throws()
    {
        var store = new ParameterStore<float>();
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => store.Add("", ParameterRole.Weight, 2)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => store.Add("a", ParameterRole.Weight)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => store.Add("b", ParameterRole.Weight, 3, 0)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => store.Add("c", ParameterRole.Weight, -2)).ParamName);
        Assert.Equal(0, store.Count);
        Assert.Empty(store.Parameters);
    }

    [Fact]
    public void Lookup_ByName()
    {
        var store = ThreeParameters(out var a, out var b, out var c);
        Assert.Same(a, store["rnn.weight_ih_l0"]);
        Assert.Same(b, store["rnn.bias_ih_l0"]);
        Assert.Same(c, store["head.weight"]);
        Assert.True(store.Contains("head.weight"));
        Assert.False(store.Contains("head.Weight")); // ordinal, case-sensitive
        var ex = Assert.Throws<KeyNotFoundException>(() => store["head.bias"]);
        Assert.Contains("head.bias", ex.Message);
    }

    [Fact]
    public void ZeroGradients_ClearsAllGradients_KeepsValues()
    {
        var store = ThreeParameters(out _, out _, out _);
        store.Seal();
        for (int i = 0; i < store.Count; i++) { store.Values[i] = i + 1; store.Gradients[i] = -(i + 1); }
        store.ZeroGradients();
        Assert.All(store.Gradients, g => Assert.Equal(0f, g));
        for (int i = 0; i < store.Count; i++) Assert.Equal(i + 1, store.Values[i]);
    }

    [Fact]
    public void ValueAndGradientSpans_AliasTheFlatArrays()
    {
        var store = ThreeParameters(out var a, out var b, out var c);
        store.Seal();
        foreach (var p in new[] { a, b, c })
        {
            Span<float> v = store.Value(p), g = store.Gradient(p);
            Assert.Equal(p.Length, v.Length);
            Assert.Equal(p.Length, g.Length);
            for (int i = 0; i < p.Length; i++) { v[i] = 1000 + p.Offset + i; g[i] = -(1000 + p.Offset + i); }
        }
        for (int i = 0; i < store.Count; i++)
        {
            Assert.Equal(1000 + i, store.Values[i]);
            Assert.Equal(-(1000 + i), store.Gradients[i]);
        }
        // And the other way round: writes to the flat array show through the views.
        store.Values[12] = 3.25f;
        store.Gradients[28] = 7f;
        Assert.Equal(3.25f, store.Value(b)[0]);
        Assert.Equal(7f, store.Gradient(c)[11]);
    }
}
