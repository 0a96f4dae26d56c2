// StepInference: batch-1, one-token-at-a-time inference for generation (DL4J's rnnTimeStep for one stream).
// It snapshots a token model's weights in the layout the single-row product wants — every matrix transposed
// to (In, Out) and packed in column strips so each step streams it once, front to back (Kernels/PackedRowMatrix.cs) — and precomputes the first layer's input
// projection for every vocabulary entry, so a step of layer 0 is a table lookup plus the recurrent product.
//
// Batch-1 generation is bound by reading the weights, not by arithmetic. A large model is therefore cut into
// two partitions by hidden unit: partition k owns units [u_k, u_k + n_k) of every layer and holds, for them
// only, the gate columns of W_ih^T and W_hh^T (gate-major inside the partition: i,f,g,o or r,z,n), the biases,
// peepholes and cell state. Each core then streams half of every matrix, and keeps reading the same half every
// step, so its share stays in that core's own cache; the two meet once per layer (the next product needs the
// whole h). The partition count depends only on the model's size, never on the machine's core count or on
// whether the second thread was free, so the logits are the same bits either way.
//
// Layer-normalised and Mogrifier cells (ModelConfig.LayerNorm, MogrifierRounds) are not in these kernels: for them
// the recurrent part of each step runs the engine's own stack, one step at a time, on a private copy of the model
// (StackStepInference.cs), so their extra parameters are never skipped; the head below is shared by both paths.
//
// Its state is its own: sampling never disturbs the model's carried training state. Weights are read when
// the object is created; create a new one after further training. Shapes: state h, c (L, H); logits (V).
using System.Runtime.CompilerServices;
using Recurrent.Kernels;
using Recurrent.Layers;
using Recurrent.Models;

namespace Recurrent.Sampling;

/// <summary>Step-by-step batch-1 inference over a snapshot of a unidirectional token model.</summary>
public sealed class StepInference : IPooledWork
{
    /// <summary>Models whose recurrent weights take at least this many bytes are split over two partitions
    /// (below it the weights sit in one core's cache and the hand-off would cost more than it saves).</summary>
    internal const long PartitionThresholdBytes = 1L << 20;

    // One layer's share of the weights for one partition of n units: columns g*H + u0 .. g*H + u0 + n - 1 of
    // every gate g, stored gate-major, so the partition's pre-activations are a small (G*n) gate vector.
    private sealed class Share
    {
        public required PackedRowMatrix? InputWeightsT; // (In, G*n) (null for layer 0: the table replaces it)
        public required PackedRowMatrix RecurrentWeightsT; // (H, G*n)
        public required float[] InputBias;         // (G*n) b_ih (+ b_hh except GRU)
        public required float[] RecurrentBias;     // (G*n) b_hh (GRU only)
        public required float[] Peephole;          // (3n) or empty
    }

    // A partition's units and its private scratch (each partition may run on its own thread).
    private sealed class Partition
    {
        public required int First, Count;         // units [First, First + Count)
        public required int TableOffset;          // G*First: where its columns start in a table row
        public required Share[] Layers;
        public required float[] Xp, Hh, Gates, ActC, HhN; // (G*n), (G*n), (G*n), (n), (n); ActC = act(c) of LSTM
    }

    private sealed class LayerState
    {
        public required float[] H, C, NewH, NewC; // (H)
    }

    private readonly CellKind _cell;
    private readonly GateActivation _gateActivation;
    private readonly CellActivation _activation;
    private readonly int _hidden, _gates, _gh, _vocabulary, _outputs;
    private readonly Partition[] _partitions;
    private readonly LayerState[] _states;
    private readonly float[] _table;        // (V, GH) layer 0 input projection per token, biases included, partition-major columns
    private readonly PackedRowMatrix _headT;
    private readonly float[] _headBias, _logits;
    private readonly StackStepInference? _stack; // layer-normalised or Mogrifier cells: the model's own stack steps

    // The step being run on the worker pool: which layer, its input, the token, and which partitions are taken.
    private int _layer, _token;
    private float[] _input = [];
    private readonly int[] _claimed;

    /// <summary>Snapshots <paramref name="model"/>, which must read token ids, run forward in time only and have a per-step head.</summary>
    public StepInference(SequenceModel<float> model) : this(model, partitions: null) { }

    /// <summary>As the public constructor; <paramref name="partitions"/> (1 or 2) overrides the size rule (tests).
    /// A layer-normalised or Mogrifier model runs on its stack in one piece (only 1 is accepted for it).</summary>
    internal StepInference(SequenceModel<float> model, int? partitions)
    {
        ArgumentNullException.ThrowIfNull(model);
        var c = model.Config;
        if (c.Input == InputKind.Dense || c.Head != HeadKind.PerStep)
            throw new ArgumentException("Step inference needs a token-input model with a per-step head.", nameof(model));
        if (c.Bidirectional)
            throw new ArgumentException("A bidirectional model reads the future and cannot generate step by step.", nameof(model));
        if (partitions is int p && (p < 1 || p > 2 || p > c.HiddenSize))
            throw new ArgumentException($"partitions must be 1 or 2 (and at most the hidden size), got {p}.", nameof(partitions));
        var store = model.Parameters;
        _cell = c.Cell;
        _gateActivation = c.GateActivation;
        _activation = c.Activation;
        _hidden = c.HiddenSize;
        _gates = c.Cell.Gates();
        _gh = _gates * _hidden;
        _vocabulary = c.InputSize;
        _outputs = c.OutputSize;

        var headT = new float[_hidden * _outputs];
        // head.weight, or a tied model's embedding table (times its projection): one (O, H) matrix either way.
        Gemv.Transpose(model.OutputWeight(), _outputs, _hidden, headT);
        _headT = new PackedRowMatrix(headT, _hidden, _outputs);
        _headBias = store.Value(store["head.bias"]).ToArray();
        _logits = new float[_outputs];

        if (StackStepInference.IsNeededFor(c))
        {
            if (partitions is 2)
                throw new ArgumentException("A layer-normalised or Mogrifier model steps through its own stack, in one partition.", nameof(partitions));
            _stack = new StackStepInference(model);
            _partitions = [];
            _states = [];
            _table = [];
            _claimed = [];
            return;
        }

        long recurrentBytes = 0;
        for (int l = 0; l < c.Layers; l++) recurrentBytes += 4L * _gh * ((l == 0 ? 0 : _hidden) + _hidden);
        int count = partitions ?? (recurrentBytes >= PartitionThresholdBytes && _hidden >= 32 ? 2 : 1);
        _claimed = new int[count];

        _partitions = new Partition[count];
        for (int k = 0, first = 0; k < count; k++)
        {
            int n = _hidden / count + (k < _hidden % count ? 1 : 0);
            var shares = new Share[c.Layers];
            for (int l = 0; l < c.Layers; l++)
                shares[l] = MakeShare(store, c, l, first, n);
            _partitions[k] = new Partition
            {
                First = first, Count = n, TableOffset = _gates * first, Layers = shares,
                Xp = new float[_gates * n], Hh = new float[_gates * n], Gates = new float[_gates * n],
                ActC = new float[n], HhN = new float[n],
            };
            first += n;
        }
        _states = new LayerState[c.Layers];
        for (int l = 0; l < c.Layers; l++)
            _states[l] = new LayerState { H = new float[_hidden], C = new float[_hidden], NewH = new float[_hidden], NewC = new float[_hidden] };

        // Layer 0's projection of every token: embedding row · W_ih^T + bias, or (one-hot) column v of W_ih + bias,
        // computed in PyTorch's gate order and then laid out partition-major like the shares.
        _table = new float[_vocabulary * _gh];
        ReadOnlySpan<float> wih0 = store.Value(store["rnn.weight_ih_l0"]);
        ReadOnlySpan<float> bih0 = store.Value(store["rnn.bias_ih_l0"]), bhh0 = store.Value(store["rnn.bias_hh_l0"]);
        int in0 = c.StackInputSize;
        var wih0T = new float[in0 * _gh];
        Gemv.Transpose(wih0, _gh, in0, wih0T);
        var row = new float[_gh];
        for (int v = 0; v < _vocabulary; v++)
        {
            for (int j = 0; j < _gh; j++) row[j] = _cell == CellKind.Gru ? bih0[j] : bih0[j] + bhh0[j];
            if (c.Input == InputKind.Embedding)
                Gemv.RowTimesMatrix(store.Value(store["embedding.weight"]).Slice(v * in0, in0), wih0T, row, accumulate: true);
            else
                for (int g = 0; g < _gh; g++) row[g] += wih0[g * in0 + v];
            foreach (var part in _partitions)
                for (int g = 0; g < _gates; g++)
                    row.AsSpan(g * _hidden + part.First, part.Count).CopyTo(_table.AsSpan(v * _gh + part.TableOffset + g * part.Count));
        }
    }

    // The gate columns of units [first, first + n) of layer l, transposed, gate-major.
    private Share MakeShare(Recurrent.Tensors.ParameterStore<float> store, ModelConfig c, int l, int first, int n)
    {
        int inputSize = l == 0 ? c.StackInputSize : _hidden, width = _gates * n;
        ReadOnlySpan<float> wih = store.Value(store[$"rnn.weight_ih_l{l}"]), whh = store.Value(store[$"rnn.weight_hh_l{l}"]);
        ReadOnlySpan<float> bih = store.Value(store[$"rnn.bias_ih_l{l}"]), bhh = store.Value(store[$"rnn.bias_hh_l{l}"]);
        var inputT = l == 0 ? [] : new float[inputSize * width];
        var recurrentT = new float[_hidden * width];
        var inputBias = new float[width];
        var recurrentBias = new float[width];
        for (int g = 0; g < _gates; g++)
            for (int j = 0; j < n; j++)
            {
                int row = g * _hidden + first + j, column = g * n + j; // row of W (GH, In); column of the share
                if (l > 0) for (int p = 0; p < inputSize; p++) inputT[p * width + column] = wih[row * inputSize + p];
                for (int p = 0; p < _hidden; p++) recurrentT[p * width + column] = whh[row * _hidden + p];
                inputBias[column] = _cell == CellKind.Gru ? bih[row] : bih[row] + bhh[row];
                recurrentBias[column] = bhh[row];
            }
        var peephole = c.Peepholes ? new float[3 * n] : [];
        if (c.Peepholes)
        {
            ReadOnlySpan<float> peep = store.Value(store[$"rnn.weight_peephole_l{l}"]); // (3H): i, f, o
            for (int q = 0; q < 3; q++) peep.Slice(q * _hidden + first, n).CopyTo(peephole.AsSpan(q * n));
        }
        return new Share
        {
            InputWeightsT = l == 0 ? null : new PackedRowMatrix(inputT, inputSize, width),
            RecurrentWeightsT = new PackedRowMatrix(recurrentT, _hidden, width),
            InputBias = inputBias,
            RecurrentBias = recurrentBias,
            Peephole = peephole,
        };
    }

    /// <summary>Vocabulary size (valid token ids are 0..V-1).</summary>
    public int VocabularySize => _vocabulary;

    /// <summary>How many partitions the weights are cut into (1, or 2 for models large enough to share between cores).</summary>
    internal int Partitions => _stack is null ? _partitions.Length : 1;

    /// <summary>Sets every layer's state to zero (start of a new sequence).</summary>
    public void Reset()
    {
        _stack?.Reset();
        foreach (var s in _states) { Array.Clear(s.H); Array.Clear(s.C); }
    }

    /// <summary>Hidden state of layer <paramref name="layer"/> after the last step, (H).</summary>
    public ReadOnlySpan<float> HiddenState(int layer) => _stack is null ? _states[layer].H : _stack.HiddenState(layer);

    /// <summary>Feeds one token, advances the state and returns the logits for the next token, (V).</summary>
    public ReadOnlySpan<float> Step(int token)
    {
        if ((uint)token >= (uint)_vocabulary)
            throw new ArgumentException($"Token id {token} is outside the vocabulary [0, {_vocabulary}).", nameof(token));
        if (_stack is not null) return Logits(_stack.Step(token));
        _token = token;
        for (int l = 0; l < _states.Length; l++)
        {
            _layer = l;
            _input = l == 0 ? [] : _states[l - 1].H;
            RunLayer();
            var s = _states[l];
            (s.H, s.NewH) = (s.NewH, s.H);
            if (_cell == CellKind.Lstm) (s.C, s.NewC) = (s.NewC, s.C);
        }
        return Logits(_states[^1].H);
    }

    // The head on the top layer's hidden state (H): logits (V) = head bias + h · W^T.
    private ReadOnlySpan<float> Logits(ReadOnlySpan<float> top)
    {
        _headBias.CopyTo(_logits, 0);
        _headT.Multiply(top, _logits, accumulate: true);
        return _logits;
    }

    // Runs every partition of the current layer: on the worker pool when there are two and the pool is free
    // (one partition per core, each claiming its own first), else one after the other on this thread.
    private void RunLayer()
    {
        if (_partitions.Length == 1) { RunPartition(_partitions[0]); return; }
        Array.Clear(_claimed);
        if (!WorkerPool.TryRun(this, 2)) ClaimAndRun(0);
    }

    void IPooledWork.Run(int index, int count) => ClaimAndRun(index);

    // Participant `index` takes its own partition first (so each core keeps streaming the same half), then any
    // the other participant has not started; every partition runs exactly once.
    private void ClaimAndRun(int index)
    {
        for (int i = 0; i < _partitions.Length; i++)
        {
            int k = (index + i) % _partitions.Length;
            if (Interlocked.Exchange(ref _claimed[k], 1) == 0) RunPartition(_partitions[k]);
        }
    }

    // One partition's share of one layer step: its pre-activations from the input and the whole previous h,
    // then the gate kernel for its n units, writing its slice of the new h (and c), with the model's activations.
    private void RunPartition(Partition part)
    {
        switch (_cell == CellKind.RnnRelu, _gateActivation, _activation)
        {
            case (true, _, _): RunPartition<SigmoidOp, ReluOp>(part); break;
            case (false, GateActivation.Sigmoid, CellActivation.Tanh): RunPartition<SigmoidOp, TanhOp>(part); break;
            case (false, GateActivation.Sigmoid, CellActivation.Softsign): RunPartition<SigmoidOp, SoftsignOp>(part); break;
            case (false, GateActivation.HardSigmoid, CellActivation.Tanh): RunPartition<HardSigmoidOp, TanhOp>(part); break;
            default: RunPartition<HardSigmoidOp, SoftsignOp>(part); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunPartition<TGate, TCell>(Partition part) where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        var share = part.Layers[_layer];
        var state = _states[_layer];
        int n = part.Count, width = _gates * n;
        Span<float> xp = part.Xp;
        if (_layer == 0) _table.AsSpan(_token * _gh + part.TableOffset, width).CopyTo(xp);
        else
        {
            share.InputBias.CopyTo(xp);
            share.InputWeightsT!.Multiply(_input, xp, accumulate: true);
        }
        Span<float> newH = state.NewH.AsSpan(part.First, n);
        switch (_cell)
        {
            case CellKind.Gru:
                share.RecurrentBias.CopyTo(part.Hh, 0);
                share.RecurrentWeightsT.Multiply(state.H, part.Hh, accumulate: true);
                GruCell.Forward<float, TGate, TCell>(xp, part.Hh, state.H.AsSpan(part.First, n), part.Gates, part.HhN, newH, 1, n);
                break;
            case CellKind.Lstm:
                share.RecurrentWeightsT.Multiply(state.H, xp, accumulate: true);
                LstmCell.Forward<float, TGate, TCell>(xp, state.C.AsSpan(part.First, n), share.Peephole, part.Gates,
                    state.NewC.AsSpan(part.First, n), part.ActC, newH, 1, n);
                break;
            default:
                share.RecurrentWeightsT.Multiply(state.H, xp, accumulate: true);
                RnnCell.Forward<float, TCell>(xp, newH);
                break;
        }
    }
}
