// LayerInit: initialisation of the layers that task models compose (embedding, recurrent stack, linear),
// with the defaults SequenceModel uses: Xavier-uniform input and output weights, orthogonal recurrent
// weights, zero biases and an LSTM forget-gate bias of 1.
using System.Numerics;
using Recurrent.Initialization;
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Tensors;

namespace Recurrent.Seq2Seq;

internal static class LayerInit
{
    public static void Embedding<T>(ParameterStore<T> store, Embedding<T> e, Rng rng) where T : unmanaged, IFloatingPointIeee754<T> =>
        Initializers.XavierUniform(store.Value(e.Weight), e.VocabularySize, e.Dimension, rng);

    public static void Stack<T>(ParameterStore<T> store, RecurrentStack<T> stack, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = stack.HiddenSize, gates = stack.Kind.Gates();
        double range = 1.0 / Math.Sqrt(h);
        foreach (var dir in stack.AllDirections)
        {
            Initializers.GateBlocks(store.Value(dir.WeightIH), gates, h, dir.InputSize, WeightInit.XavierUniform, 0.08, 1.0, range, rng);
            Initializers.GateBlocks(store.Value(dir.WeightHH), gates, h, h, WeightInit.Orthogonal, 0.08, 1.0, range, rng);
            store.Value(dir.BiasIH).Clear();
            store.Value(dir.BiasHH).Clear();
            if (stack.Kind == CellKind.Lstm) store.Value(dir.BiasIH).Slice(h, h).Fill(T.One); // gates i,f,g,o: forget block
            if (dir.Peephole is not null) store.Value(dir.Peephole).Clear();
        }
    }

    /// <summary>Xavier-uniform weights, zero key bias.</summary>
    public static void Attention<T>(ParameterStore<T> store, Attention<T> a, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var p in new[] { a.OutWeight, a.ScoreWeight, a.QueryWeight, a.KeyWeight, a.V }.OfType<Parameter>())
            Initializers.XavierUniform(store.Value(p), p.Shape[0], p.Shape[1], rng);
        if (a.KeyBias is not null) store.Value(a.KeyBias).Clear();
    }

    public static void Linear<T>(ParameterStore<T> store, Linear<T> l, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Initializers.XavierUniform(store.Value(l.Weight), l.OutputSize, l.InputSize, rng);
        store.Value(l.Bias).Clear();
    }
}
