// SequenceEncoder: token ids (T,B) → embedding (T,B,E) → unidirectional recurrent stack; its product is the
// final state h_n (and c_n for LSTM), (L,B,H), which initialises a decoder. Backward takes the gradient of
// that final state (the decoder's initial-state gradient) and carries it through the whole source sequence.
// For an attending decoder its per-step outputs (T,B,H) are a product too (the memory attended over), and
// backward then takes their gradient as well.
using System.Numerics;
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Tensors;

namespace Recurrent.Seq2Seq;

/// <summary>The encoder of an encoder–decoder model: embedding and recurrent stack, read out by its final state.</summary>
public sealed class SequenceEncoder<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ParameterStore<T> _store;
    private readonly Embedding<T> _embedding;
    private T[] _x = [];      // (T,B,E) embedded source
    private T[] _dx = [];     // (T,B,E)
    private T[] _dOut = [];   // (T,B,H) zero: the per-step outputs' gradient when no decoder attends
    private int[] _ids = [];  // (T,B)
    private int _steps, _batch;

    /// <summary>Registers <c>{prefix}embedding.weight</c> and <c>{prefix}rnn.*</c> (with <c>_reverse</c> tensors when
    /// <paramref name="bidirectional"/>) in <paramref name="store"/>.</summary>
    public SequenceEncoder(ParameterStore<T> store, string prefix, int vocabulary, int embeddingSize, CellKind cell, int hiddenSize, int layers,
        bool bidirectional = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _embedding = new Embedding<T>(store, prefix + "embedding.", vocabulary, embeddingSize);
        Stack = new RecurrentStack<T>(store, prefix + "rnn.", cell, embeddingSize, hiddenSize, layers, bidirectional);
    }

    /// <summary>The recurrent layers.</summary>
    public RecurrentStack<T> Stack { get; }

    /// <summary>Final hidden state of the last forward, (L·D,B,H) with D = 2 directions when bidirectional.</summary>
    public ReadOnlySpan<T> FinalH => Stack.FinalH;

    /// <summary>Final LSTM cell state of the last forward, (L·D,B,H); empty for other cells.</summary>
    public ReadOnlySpan<T> FinalC => Stack.FinalC;

    /// <summary>Top-layer outputs of the last forward, (T,B,D·H): what an attending decoder attends over.</summary>
    public ReadOnlySpan<T> Output => Stack.Output;

    /// <summary>Runs the encoder over source ids (T,B) from a zero state.</summary>
    public void Forward(ReadOnlySpan<int> ids, int steps, int batch, bool training)
    {
        if (ids.Length != steps * batch)
            throw new ArgumentException($"ids has {ids.Length} values; expected T*B = {steps}*{batch}.", nameof(ids));
        int e = _embedding.Dimension, rows = steps * batch;
        Ensure(ref _x, rows * e);
        if (_ids.Length < rows) _ids = new int[rows];
        ids.CopyTo(_ids);
        _embedding.Forward(ids, _x.AsSpan(0, rows * e));
        Stack.Forward(_x.AsSpan(0, rows * e), steps, batch, default, default, training, null);
        (_steps, _batch) = (steps, batch);
    }

    /// <summary>
    /// Backpropagates the gradient of the final state, dFinalH and dFinalC ((L,B,H); dFinalC empty for GRU/RNN),
    /// through the last forward, adding into the parameter gradients.
    /// </summary>
    public void Backward(ReadOnlySpan<T> dFinalH, ReadOnlySpan<T> dFinalC) => Backward(dFinalH, dFinalC, default);

    /// <summary>
    /// As <see cref="Backward(ReadOnlySpan{T}, ReadOnlySpan{T})"/>, with the gradient of the per-step outputs dOutput
    /// (T,B,H; empty = zero) added.
    /// </summary>
    public void Backward(ReadOnlySpan<T> dFinalH, ReadOnlySpan<T> dFinalC, ReadOnlySpan<T> dOutput)
    {
        int rows = _steps * _batch, e = _embedding.Dimension, h = Stack.OutputSize;
        if (!dOutput.IsEmpty && dOutput.Length != rows * h)
            throw new ArgumentException($"dOutput has {dOutput.Length} values; expected (T,B,H) = {rows * h}.", nameof(dOutput));
        if (dOutput.IsEmpty)
        {
            Ensure(ref _dOut, rows * h);
            _dOut.AsSpan(0, rows * h).Clear();
            dOutput = _dOut.AsSpan(0, rows * h);
        }
        Ensure(ref _dx, rows * e);
        Span<T> dx = _dx.AsSpan(0, rows * e);
        dx.Clear();
        Stack.Backward(dOutput, dFinalH, dFinalC, dx, default, default, _steps);
        _embedding.Backward(_ids.AsSpan(0, rows), dx);
    }

    internal void Initialize(Rng rng)
    {
        LayerInit.Embedding(_store, _embedding, rng);
        LayerInit.Stack(_store, Stack, rng);
    }

    private static void Ensure(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[length];
    }
}
