// SequenceDecoder: the generating half of an encoder–decoder (and of the one-to-many shape): token ids (T,B)
// → embedding → recurrent stack started from a given state (L,B,H) → linear head → logits (T,B,V).
// In training the inputs are the targets shifted right behind a start token (teacher forcing); in decoding
// it runs one step at a time on its own previous outputs (Decoding). Backward yields the gradient of the
// initial state, which is how the encoder (or a feature projection) learns.
using System.Numerics;
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Tensors;

namespace Recurrent.Seq2Seq;

/// <summary>Decoder: embedding, recurrent stack from a given initial state, and a linear head over the vocabulary.</summary>
public sealed class SequenceDecoder<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ParameterStore<T> _store;
    private readonly Embedding<T> _embedding;
    private readonly Linear<T> _head;
    private T[] _x = [], _dx = [];        // (T,B,E)
    private T[] _dStack = [];             // (T,B,H)
    private T[] _logits = [];             // (T,B,V)
    private T[] _dh0 = [], _dc0 = [];     // (L,B,H)
    private int[] _ids = [];              // (T,B)
    private int _steps, _batch;

    /// <summary>Registers <c>{prefix}embedding.weight</c>, <c>{prefix}rnn.*</c> and <c>{prefix}head.*</c> in <paramref name="store"/>.</summary>
    public SequenceDecoder(ParameterStore<T> store, string prefix, int vocabulary, int embeddingSize, CellKind cell, int hiddenSize, int layers)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _embedding = new Embedding<T>(store, prefix + "embedding.", vocabulary, embeddingSize);
        Stack = new RecurrentStack<T>(store, prefix + "rnn.", cell, embeddingSize, hiddenSize, layers);
        _head = new Linear<T>(store, prefix + "head.", hiddenSize, vocabulary);
    }

    /// <summary>The recurrent layers.</summary>
    public RecurrentStack<T> Stack { get; }
    /// <summary>Output classes (the vocabulary size).</summary>
    public int Vocabulary => _head.OutputSize;
    /// <summary>The recurrent cell.</summary>
    public CellKind Cell => Stack.Kind;
    /// <summary>Length of one state tensor (L,B,H).</summary>
    public int StateSize(int batch) => Stack.StateSize(batch);

    /// <summary>Logits of the last forward, (T,B,V).</summary>
    public ReadOnlySpan<T> Logits => _logits.AsSpan(0, _steps * _batch * Vocabulary);
    /// <summary>Final hidden state of the last forward, (L,B,H).</summary>
    public ReadOnlySpan<T> FinalH => Stack.FinalH;
    /// <summary>Final LSTM cell state of the last forward, (L,B,H); empty for other cells.</summary>
    public ReadOnlySpan<T> FinalC => Stack.FinalC;
    /// <summary>Gradient of the loss w.r.t. the initial hidden state after <see cref="Backward"/>, (L,B,H).</summary>
    public ReadOnlySpan<T> InitialHGradient => _dh0.AsSpan(0, StateSize(_batch));
    /// <summary>Gradient w.r.t. the initial LSTM cell state after <see cref="Backward"/>, (L,B,H); empty for other cells.</summary>
    public ReadOnlySpan<T> InitialCGradient => Cell.HasCellState() ? _dc0.AsSpan(0, StateSize(_batch)) : ReadOnlySpan<T>.Empty;

    /// <summary>
    /// Runs the decoder over input ids (T,B) from the initial state h0 (and c0 for LSTM), each (L,B,H) or empty
    /// for zeros. Returns the logits (T,B,V).
    /// </summary>
    public ReadOnlySpan<T> Forward(ReadOnlySpan<int> ids, int steps, int batch, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, bool training)
    {
        if (steps <= 0 || batch <= 0) throw new ArgumentException($"steps and batch must be positive, got {steps} and {batch}.", nameof(steps));
        if (ids.Length != steps * batch)
            throw new ArgumentException($"ids has {ids.Length} values; expected T*B = {steps}*{batch}.", nameof(ids));
        int e = _embedding.Dimension, rows = steps * batch, v = Vocabulary;
        Ensure(ref _x, rows * e);
        if (_ids.Length < rows) _ids = new int[rows];
        ids.CopyTo(_ids);
        _embedding.Forward(ids, _x.AsSpan(0, rows * e));
        Stack.Forward(_x.AsSpan(0, rows * e), steps, batch, h0, Cell.HasCellState() ? c0 : default, training, null);
        Ensure(ref _logits, rows * v);
        _head.Forward(Stack.Output, rows, _logits.AsSpan(0, rows * v));
        (_steps, _batch) = (steps, batch);
        return Logits;
    }

    /// <summary>
    /// Backpropagates dLogits (T,B,V) through the last forward, adding into the parameter gradients and writing
    /// <see cref="InitialHGradient"/> and <see cref="InitialCGradient"/>.
    /// </summary>
    public void Backward(ReadOnlySpan<T> dLogits)
    {
        int rows = _steps * _batch, e = _embedding.Dimension, h = Stack.OutputSize, n = StateSize(_batch);
        if (dLogits.Length != rows * Vocabulary)
            throw new ArgumentException($"dLogits has {dLogits.Length} values; expected {rows * Vocabulary}.", nameof(dLogits));
        Ensure(ref _dStack, rows * h);
        _head.Backward(Stack.Output, dLogits, rows, _dStack.AsSpan(0, rows * h));
        Ensure(ref _dx, rows * e);
        Span<T> dx = _dx.AsSpan(0, rows * e);
        dx.Clear();
        Ensure(ref _dh0, n);
        if (Cell.HasCellState()) Ensure(ref _dc0, n);
        Stack.Backward(_dStack.AsSpan(0, rows * h), default, default, dx, _dh0.AsSpan(0, n),
            Cell.HasCellState() ? _dc0.AsSpan(0, n) : default, _steps);
        _embedding.Backward(_ids.AsSpan(0, rows), dx);
    }

    internal void Initialize(Rng rng)
    {
        LayerInit.Embedding(_store, _embedding, rng);
        LayerInit.Stack(_store, Stack, rng);
        LayerInit.Linear(_store, _head, rng);
    }

    private static void Ensure(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[length];
    }
}
