// SequenceDecoder: the generating half of an encoder–decoder (and of the one-to-many shape): token ids (T,B)
// → embedding → recurrent stack started from a given state (L,B,H) → linear head → logits (T,B,V).
// In training the inputs are the targets shifted right behind a start token (teacher forcing); in decoding
// it runs one step at a time on its own previous outputs (Decoding). Backward yields the gradient of the
// initial state, which is how the encoder (or a feature projection) learns.
// With attention (Luong et al. 2015) the decoder attends over a memory (the encoder's outputs, SetMemory): each
// step's top-layer output h_t goes through Layers/Attention to h̃_t = tanh(W_c[c_t; h_t]), the head reads h̃_t,
// and h̃_t is fed into the next step's input, [embedding(y_t); h̃_t] (input feeding; h̃_{-1} = 0 or a given feed).
// That feed makes the recurrence sequential in its inputs, so the stack runs one step per call; backward walks
// the steps in reverse and re-runs each step's forward from the kept input and state to refill the stack's caches
// (recomputation instead of T copies of them), then backpropagates that one step.
using System.Numerics;
using Recurrent.Kernels;
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
    // Attention only:
    private T[] _xin = [];                // (T,B,E+H) each step's input [embedding; h̃_{t-1}]
    private T[] _states = [], _cells = [];// (T+1,L,B,H) the state before each step (and after the last)
    private T[] _feed = [], _dFeed = [];  // (T,B,H) h̃ of each step, its gradient
    private T[] _zeroFeed = [];           // (B,H) h̃_{-1} when none is given
    private T[] _dTop = [];               // (B,H) one step's gradient of the top layer's output
    private T[] _dxin = [];               // (B,E+H)
    private T[] _dhNext = [], _dcNext = [];// (L,B,H) gradient of the state after the step being backpropagated
    private bool _training;

    /// <summary>
    /// Registers <c>{prefix}embedding.weight</c>, <c>{prefix}rnn.*</c> and <c>{prefix}head.*</c> in <paramref name="store"/>,
    /// and with <paramref name="attention"/> <c>{prefix}attention.*</c> over a memory of width <paramref name="memorySize"/>
    /// (the stack then reads [embedding; h̃], E + H features).
    /// </summary>
    public SequenceDecoder(ParameterStore<T> store, string prefix, int vocabulary, int embeddingSize, CellKind cell, int hiddenSize, int layers,
        AttentionKind attention = AttentionKind.None, int memorySize = 0)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _embedding = new Embedding<T>(store, prefix + "embedding.", vocabulary, embeddingSize);
        bool attending = attention != AttentionKind.None;
        Stack = new RecurrentStack<T>(store, prefix + "rnn.", cell, attending ? embeddingSize + hiddenSize : embeddingSize, hiddenSize, layers);
        _head = new Linear<T>(store, prefix + "head.", hiddenSize, vocabulary);
        if (attending) Attention = new Attention<T>(store, prefix + "attention.", attention, memorySize, hiddenSize, hiddenSize);
    }

    /// <summary>The attention over the memory, or null for a decoder without it.</summary>
    public Attention<T>? Attention { get; }

    /// <summary>
    /// Sets what an attending decoder attends over: encoder outputs (S,B,E) and a mask (S,B; true = a real source
    /// position). Forward then needs batch B.
    /// </summary>
    public void SetMemory(ReadOnlySpan<T> memory, ReadOnlySpan<bool> mask, int sourceSteps, int batch)
    {
        if (Attention is null) throw new InvalidOperationException("This decoder has no attention.");
        Attention.SetMemory(memory, mask, sourceSteps, batch, 1);
    }

    /// <summary>h̃ of the last step of the last forward, (B,H): the next step's feed. Empty without attention.</summary>
    public ReadOnlySpan<T> FinalFeed => Attention is null ? ReadOnlySpan<T>.Empty
        : _feed.AsSpan((_steps - 1) * _batch * Stack.HiddenSize, _batch * Stack.HiddenSize);

    /// <summary>Gradient of the memory after <see cref="Backward"/> of an attending decoder, (S,B,E).</summary>
    public ReadOnlySpan<T> MemoryGradient => Attention is null ? ReadOnlySpan<T>.Empty : Attention.MemoryGradient;

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
    public ReadOnlySpan<T> FinalH => Attention is null ? Stack.FinalH : _states.AsSpan(_steps * StateSize(_batch), StateSize(_batch));
    /// <summary>Final LSTM cell state of the last forward, (L,B,H); empty for other cells.</summary>
    public ReadOnlySpan<T> FinalC => !Cell.HasCellState() ? ReadOnlySpan<T>.Empty
        : Attention is null ? Stack.FinalC : _cells.AsSpan(_steps * StateSize(_batch), StateSize(_batch));
    /// <summary>Gradient of the loss w.r.t. the initial hidden state after <see cref="Backward"/>, (L,B,H).</summary>
    public ReadOnlySpan<T> InitialHGradient => _dh0.AsSpan(0, StateSize(_batch));
    /// <summary>Gradient w.r.t. the initial LSTM cell state after <see cref="Backward"/>, (L,B,H); empty for other cells.</summary>
    public ReadOnlySpan<T> InitialCGradient => Cell.HasCellState() ? _dc0.AsSpan(0, StateSize(_batch)) : ReadOnlySpan<T>.Empty;

    /// <summary>
    /// Runs the decoder over input ids (T,B) from the initial state h0 (and c0 for LSTM), each (L,B,H) or empty
    /// for zeros, and for an attending decoder the feed h̃_{-1} (B,H; empty for zeros). Returns the logits (T,B,V).
    /// </summary>
    public ReadOnlySpan<T> Forward(ReadOnlySpan<int> ids, int steps, int batch, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, bool training,
        ReadOnlySpan<T> feed = default)
    {
        if (Attention is not null) return ForwardAttending(ids, steps, batch, h0, c0, training, feed);
        if (!feed.IsEmpty) throw new ArgumentException("feed is for decoders with attention.", nameof(feed));
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
        if (Attention is not null) { BackwardAttending(dLogits); return; }
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

    private ReadOnlySpan<T> ForwardAttending(ReadOnlySpan<int> ids, int steps, int batch, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0,
        bool training, ReadOnlySpan<T> feed)
    {
        var attention = Attention!;
        if (steps <= 0 || batch <= 0) throw new ArgumentException($"steps and batch must be positive, got {steps} and {batch}.", nameof(steps));
        if (ids.Length != steps * batch)
            throw new ArgumentException($"ids has {ids.Length} values; expected T*B = {steps}*{batch}.", nameof(ids));
        if (attention.Batch != batch)
            throw new InvalidOperationException($"The memory has {attention.Batch} rows but the batch {batch}; call SetMemory first.");
        int e = _embedding.Dimension, h = Stack.HiddenSize, w = e + h, rows = steps * batch, v = Vocabulary, n = StateSize(batch);
        bool lstm = Cell.HasCellState();
        if (!h0.IsEmpty && h0.Length != n) throw new ArgumentException($"h0 has {h0.Length} values; expected (L,B,H) = {n}.", nameof(h0));
        if (lstm && !c0.IsEmpty && c0.Length != n) throw new ArgumentException($"c0 has {c0.Length} values; expected (L,B,H) = {n}.", nameof(c0));
        if (!feed.IsEmpty && feed.Length != batch * h) throw new ArgumentException($"feed has {feed.Length} values; expected (B,H) = {batch}*{h}.", nameof(feed));
        Ensure(ref _x, rows * e);
        if (_ids.Length < rows) _ids = new int[rows];
        ids.CopyTo(_ids);
        _embedding.Forward(ids, _x.AsSpan(0, rows * e));
        Ensure(ref _xin, rows * w);
        Ensure(ref _states, (steps + 1) * n);
        if (lstm) Ensure(ref _cells, (steps + 1) * n);
        Ensure(ref _feed, rows * h);
        Ensure(ref _zeroFeed, batch * h);
        _zeroFeed.AsSpan(0, batch * h).Clear();
        if (h0.IsEmpty) _states.AsSpan(0, n).Clear(); else h0.CopyTo(_states);
        if (lstm) { if (c0.IsEmpty) _cells.AsSpan(0, n).Clear(); else c0.CopyTo(_cells); }
        attention.Reserve(steps);
        (_steps, _batch, _training) = (steps, batch, training);
        for (int t = 0; t < steps; t++)
        {
            ReadOnlySpan<T> previous = t > 0 ? _feed.AsSpan((t - 1) * batch * h, batch * h) : feed.IsEmpty ? _zeroFeed.AsSpan(0, batch * h) : feed;
            Span<T> xin = _xin.AsSpan(t * batch * w, batch * w);
            for (int b = 0; b < batch; b++)
            {
                _x.AsSpan((t * batch + b) * e, e).CopyTo(xin.Slice(b * w, e));
                previous.Slice(b * h, h).CopyTo(xin.Slice(b * w + e, h));
            }
            StepForward(t, batch);
            Stack.FinalH.CopyTo(_states.AsSpan((t + 1) * n, n));
            if (lstm) Stack.FinalC.CopyTo(_cells.AsSpan((t + 1) * n, n));
            attention.Forward(t, Stack.Output[..(batch * h)], _feed.AsSpan(t * batch * h, batch * h));
        }
        Ensure(ref _logits, rows * v);
        _head.Forward(_feed.AsSpan(0, rows * h), rows, _logits.AsSpan(0, rows * v));
        return Logits;
    }

    // One step of the stack from the kept input and state of step t (also refills the caches for its backward).
    private void StepForward(int t, int batch)
    {
        int w = Stack.InputSize, n = StateSize(batch);
        Stack.Forward(_xin.AsSpan(t * batch * w, batch * w), 1, batch, _states.AsSpan(t * n, n),
            Cell.HasCellState() ? _cells.AsSpan(t * n, n) : default, _training, null);
    }

    private void BackwardAttending(ReadOnlySpan<T> dLogits)
    {
        var attention = Attention!;
        int steps = _steps, batch = _batch, rows = steps * batch, e = _embedding.Dimension, h = Stack.HiddenSize, w = e + h, n = StateSize(batch);
        bool lstm = Cell.HasCellState();
        if (dLogits.Length != rows * Vocabulary)
            throw new ArgumentException($"dLogits has {dLogits.Length} values; expected {rows * Vocabulary}.", nameof(dLogits));
        Ensure(ref _dFeed, rows * h);
        _head.Backward(_feed.AsSpan(0, rows * h), dLogits, rows, _dFeed.AsSpan(0, rows * h));
        Ensure(ref _dx, rows * e);
        Ensure(ref _dTop, batch * h);
        Ensure(ref _dxin, batch * w);
        Ensure(ref _dh0, n);
        Ensure(ref _dhNext, n);
        if (lstm) { Ensure(ref _dc0, n); Ensure(ref _dcNext, n); }
        _dhNext.AsSpan(0, n).Clear();
        if (lstm) _dcNext.AsSpan(0, n).Clear();
        attention.BeginBackward();
        for (int t = steps - 1; t >= 0; t--)
        {
            // h̃_t reaches the loss through the head and through step t+1's input (added to _dFeed[t] below).
            attention.BackwardStep(t, _dFeed.AsSpan(t * batch * h, batch * h), _dTop.AsSpan(0, batch * h));
            if (t < steps - 1) StepForward(t, batch); // the last step's caches are still in the stack
            Span<T> dxin = _dxin.AsSpan(0, batch * w);
            dxin.Clear();
            Stack.Backward(_dTop.AsSpan(0, batch * h), _dhNext.AsSpan(0, n), lstm ? _dcNext.AsSpan(0, n) : default, dxin,
                _dh0.AsSpan(0, n), lstm ? _dc0.AsSpan(0, n) : default, 1);
            _dh0.AsSpan(0, n).CopyTo(_dhNext);
            if (lstm) _dc0.AsSpan(0, n).CopyTo(_dcNext);
            for (int b = 0; b < batch; b++)
            {
                dxin.Slice(b * w, e).CopyTo(_dx.AsSpan((t * batch + b) * e, e));
                if (t > 0) Gemm.Axpy(T.One, dxin.Slice(b * w + e, h), _dFeed.AsSpan(((t - 1) * batch + b) * h, h));
            }
        }
        attention.FinishBackward(steps);
        _embedding.Backward(_ids.AsSpan(0, rows), _dx.AsSpan(0, rows * e));
    }

    internal void Initialize(Rng rng)
    {
        LayerInit.Embedding(_store, _embedding, rng);
        LayerInit.Stack(_store, Stack, rng);
        LayerInit.Linear(_store, _head, rng);
        if (Attention is not null) LayerInit.Attention(_store, Attention, rng);
    }

    private static void Ensure(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[length];
    }
}
