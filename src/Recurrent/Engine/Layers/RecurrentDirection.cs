// RecurrentDirection: one recurrent layer running in one direction over a whole (T, B, I) sequence.
// Structure as in cuDNN/oneDNN: the input projection of all T steps is one GEMM; each step is one GEMM
// with W_hh plus one fused element-wise gate kernel; backward runs one gate-gradient kernel per step with
// dh_{t-1} = dGates_hh · W_hh as the only sequential product, and the weight gradients are GEMMs over all
// backpropagated steps at once. Stacking, bidirectional concatenation and dropout live in RecurrentStack.
// The activations (gate: sigmoid | hard sigmoid; cell: tanh | softsign; ReLU for RnnRelu) are chosen once per
// forward or backward: the step loop is instantiated per combination (ActivationOps.cs), so the kernels inline them.
// Variable lengths (optional, one per batch row): a row b skips every step t >= length[b] — its state is
// copied through unchanged (h_t = h_{t-1}, c_t = c_{t-1}) — so the forward direction ends on its own last
// element and the reverse direction starts there from h0; in backward a skipped step passes dh/dc through
// and contributes no gate gradient (its output is a padding position the caller masks to zero).
// Weight drop (DropConnect on W_hh, AWD-LSTM; Wan et al. 2013): after DropRecurrentWeights, the forward steps and
// the backward dh_{t-1} product use W̃ = W_hh ⊙ M (M: 0 or 1/(1−p) per element, fixed until the next forward),
// and the stored W_hh's gradient gets dW̃ ⊙ M.
// Layer normalisation (LSTM, GRU; Ba et al. 2016): the input and recurrent products are each normalised over their
// G·H gates and scaled by a gain before the biases are added (the input side once for all steps, as the product);
// the LSTM also normalises c_t inside h_t = o⊙act(γ_c⊙LN(c_t) + β_c) (LayerNormLstmCell) and carries c_t raw.
// Mogrifier (LSTM; Melis et al. 2019): each step first lets x_t and h_{t−1} gate each other (Mogrifier.cs), so the
// input projection is one product per step on the modulated x instead of one for the whole sequence.
using System.Numerics;
using System.Runtime.InteropServices;
using Recurrent.Kernels;
using Recurrent.Randomness;
using Recurrent.Tensors;
using System.Runtime.CompilerServices;

namespace Recurrent.Layers;

/// <summary>One layer, one direction of an RNN/LSTM/GRU over a time-major sequence.</summary>
internal sealed class RecurrentDirection<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ParameterStore<T> _store;
    public CellKind Kind { get; }
    public int InputSize { get; }
    public int HiddenSize { get; }
    public bool Reverse { get; }
    public bool Peepholes { get; }
    public GateActivation GateActivation { get; }
    public CellActivation Activation { get; }

    // Parameters in PyTorch layout: weight_ih (G*H, I), weight_hh (G*H, H), bias_ih (G*H), bias_hh (G*H);
    // peepholes (3, H) rows i, f, o (Graves 2013; DL4J GravesLSTM), LSTM only.
    public Parameter WeightIH { get; }
    public Parameter WeightHH { get; }
    public Parameter BiasIH { get; }
    public Parameter BiasHH { get; }
    public Parameter? Peephole { get; }
    /// <summary>Whether the gate pre-activations (and the LSTM's cell) are layer-normalised.</summary>
    public bool LayerNorm { get; }
    // Layer normalisation's gains (G*H) on the normalised input and recurrent products, and the LSTM cell's gain and bias (H).
    public Parameter? LayerNormInputGain { get; }
    public Parameter? LayerNormRecurrentGain { get; }
    public Parameter? LayerNormCellGain { get; }
    public Parameter? LayerNormCellBias { get; }
    /// <summary>The Mogrifier rounds before each step, or null.</summary>
    public Mogrifier<T>? Mogrifier { get; }

    private readonly int _gh; // G*H, width of the gate pre-activations

    // Activations kept for backward, sized for capacity rows = T*B.
    private T[] _xproj = [];   // (T,B,GH)  X·W_ih^T + biases, then (LSTM, RNN) the full gate pre-activations
    private T[] _gates = [];   // (T,B,GH)  post-activation gates: LSTM i,f,g,o; GRU r,z,n (unused for RNN)
    private T[] _cells = [];   // (T,B,H)   LSTM c_t
    private T[] _actC = [];    // (T,B,H)   LSTM act(c_t) (tanh(c_t) by default)
    private T[] _hhN = [];     // (T,B,H)   GRU  W_hn·h_{t-1} + b_hn (the term the reset gate multiplies)
    private T[] _output = [];  // (T,B,H)   h_t
    private T[] _h0 = [], _c0 = [];         // (B,H) initial state as given
    private T[] _hh = [];                   // (B,GH) per-step scratch (GRU): h_{t-1}·W_hh^T + b_hh
    private T[] _bias = [];                 // (GH) bias added to the input projections
    // Backward buffers.
    private T[] _dGatesIH = [];  // (T,B,GH) gradient of the ih pre-activations
    private T[] _dGatesHH = [];  // (T,B,GH) gradient of the hh pre-activations (differs from ih only for GRU's n gate)
    private T[] _dh = [], _dc = [], _dhPrev = []; // (B,H)

    private int _steps, _batch;
    private int[] _lengths = [];        // (B) valid steps per row when _masked
    private bool _masked;               // lengths were given and some row is shorter than _steps
    private int _minLength;             // shortest length: steps t >= _minLength have skipped rows
    private T[] _keepH = [], _keepC = [], _dyStep = []; // (B,H) backward scratch for skipped rows
    private T[] _whhMask = [];          // (GH,H) weight-drop mask: 0 or 1/(1−p)
    private T[] _whhDropped = [];       // (GH,H) W̃ = W_hh ⊙ mask, read instead of W_hh while _weightDropped
    private T[] _dWhhDropped = [];      // (GH,H) backward scratch: dL/dW̃
    private bool _weightDropped;        // the coming/last forward uses W̃
    // Layer normalisation (LayerNorm): normalised products and their 1/σ per row, kept for backward.
    private T[] _lnInput = [], _lnInputRstd = [];   // (T*B or V, GH), (T*B or V): the input projection, per row or per vocabulary entry
    private T[] _lnHidden = [], _lnHiddenRstd = []; // (T,B,GH), (T,B): the recurrent product of each step
    private T[] _cellNorm = [], _cellRstd = [];     // (T,B,H), (T,B): LSTM LN(c_t)
    private T[] _dCellNorm = [];                    // (B,H) backward scratch
    // Mogrifier: the modulated inputs and states each step's products read, and scratch.
    private T[] _mogX = [], _mogH = [];             // (T,B,I), (T,B,H)
    private T[] _denseInput = [], _denseDx = [];    // (T,B,I) token inputs as vectors, and their gradient
    private T[] _dxStep = [];                       // (B,I) ∂L/∂(modulated x) of one step

    public RecurrentDirection(ParameterStore<T> store, string prefix, string suffix, CellKind kind, int inputSize, int hiddenSize,
        bool reverse, bool peepholes, GateActivation gateActivation = GateActivation.Sigmoid, CellActivation activation = CellActivation.Tanh,
        bool layerNorm = false, int mogrifierRounds = 0, int mogrifierRank = 0)
    {
        if (peepholes && kind != CellKind.Lstm)
            throw new ArgumentException($"Peephole connections exist only for LSTM cells, not {kind}.", nameof(peepholes));
        CheckStructure(kind, peepholes, layerNorm, mogrifierRounds, mogrifierRank);
        CheckActivations(kind, gateActivation, activation);
        GateActivation = gateActivation;
        Activation = activation;
        _store = store;
        Kind = kind;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        Reverse = reverse;
        Peepholes = peepholes;
        _gh = kind.Gates() * hiddenSize;
        WeightIH = store.Add(prefix + "weight_ih_" + suffix, ParameterRole.Weight, _gh, inputSize);
        WeightHH = store.Add(prefix + "weight_hh_" + suffix, ParameterRole.Weight, _gh, hiddenSize);
        BiasIH = store.Add(prefix + "bias_ih_" + suffix, ParameterRole.Bias, _gh);
        BiasHH = store.Add(prefix + "bias_hh_" + suffix, ParameterRole.Bias, _gh);
        if (peepholes) Peephole = store.Add(prefix + "weight_peephole_" + suffix, ParameterRole.Weight, 3, hiddenSize);
        LayerNorm = layerNorm;
        if (layerNorm)
        {
            LayerNormInputGain = store.Add(prefix + "ln_ih_weight_" + suffix, ParameterRole.Weight, _gh);
            LayerNormRecurrentGain = store.Add(prefix + "ln_hh_weight_" + suffix, ParameterRole.Weight, _gh);
            if (kind == CellKind.Lstm)
            {
                LayerNormCellGain = store.Add(prefix + "ln_cell_weight_" + suffix, ParameterRole.Weight, hiddenSize);
                LayerNormCellBias = store.Add(prefix + "ln_cell_bias_" + suffix, ParameterRole.Bias, hiddenSize);
            }
        }
        if (mogrifierRounds > 0) Mogrifier = new Mogrifier<T>(store, prefix, suffix, inputSize, hiddenSize, mogrifierRounds, mogrifierRank);
    }

    /// <summary>Throws ArgumentException unless the cell can carry the structure: layer normalisation needs an LSTM or GRU,
    /// the Mogrifier an LSTM; neither combines with peepholes or with the other; rounds and rank are not negative. ParamName is
    /// the setting's name in ModelConfig and LanguageModelOptions.</summary>
    internal static void CheckStructure(CellKind kind, bool peepholes, bool layerNorm, int mogrifierRounds, int mogrifierRank)
    {
        if (mogrifierRounds < 0) throw new ArgumentException($"MogrifierRounds must be 0 (off) or positive, got {mogrifierRounds}.", "MogrifierRounds");
        if (mogrifierRank < 0) throw new ArgumentException($"MogrifierRank must be 0 (full rank) or positive, got {mogrifierRank}.", "MogrifierRank");
        if (mogrifierRank > 0 && mogrifierRounds == 0)
            throw new ArgumentException($"MogrifierRank {mogrifierRank} factors the Mogrifier's round matrices, but there are no rounds; set the rounds too.", "MogrifierRank");
        if (layerNorm && kind is not (CellKind.Lstm or CellKind.Gru))
            throw new ArgumentException($"LayerNorm needs an LSTM or GRU cell; the cell is {kind}.", "LayerNorm");
        if (mogrifierRounds > 0 && kind != CellKind.Lstm)
            throw new ArgumentException($"MogrifierRounds needs an LSTM cell; the cell is {kind}.", "MogrifierRounds");
        if (layerNorm && mogrifierRounds > 0)
            throw new ArgumentException("LayerNorm cannot be combined with the Mogrifier: they are separate cell designs; choose one.", "LayerNorm");
        if (peepholes && (layerNorm || mogrifierRounds > 0))
            throw new ArgumentException($"Peepholes are not built into the {(layerNorm ? "layer-normalised" : "Mogrifier")} LSTM; turn one of them off.", "Peepholes");
    }

    /// <summary>Throws ArgumentException unless the cell has what the activations act on: gates for a gate activation
    /// other than sigmoid (LSTM, GRU), a squashing non-linearity for a cell activation other than tanh (not the ReLU RNN).</summary>
    internal static void CheckActivations(CellKind kind, GateActivation gateActivation, CellActivation activation)
    {
        if (!Enum.IsDefined(gateActivation))
            throw new ArgumentException($"Unknown gate activation {(int)gateActivation}; use Sigmoid or HardSigmoid.", nameof(gateActivation));
        if (!Enum.IsDefined(activation))
            throw new ArgumentException($"Unknown cell activation {(int)activation}; use Tanh or Softsign.", nameof(activation));
        if (gateActivation != GateActivation.Sigmoid && kind is not (CellKind.Lstm or CellKind.Gru))
            throw new ArgumentException($"A {gateActivation} gate activation needs an LSTM or GRU cell; {kind} has no gates.", nameof(gateActivation));
        if (activation != CellActivation.Tanh && kind == CellKind.RnnRelu)
            throw new ArgumentException($"The {activation} activation replaces tanh; RnnRelu's non-linearity is ReLU. Use RnnTanh with {activation}.", nameof(activation));
    }

    /// <summary>h_t for every step, (T,B,H), valid after <see cref="Forward"/>.</summary>
    public ReadOnlySpan<T> Output => _output.AsSpan(0, _steps * _batch * HiddenSize);

    /// <summary>Post-activation gates of every step of the last forward, (T,B,G*H) with each row's gates in blocks of H
    /// (LSTM i,f,g,o; GRU r,z,n); empty for a plain RNN. Read by the training statistics' activation probe
    /// (StackActivations) and by Inspection/ActivationTrace.</summary>
    internal ReadOnlySpan<T> Gates => Kind is CellKind.Lstm or CellKind.Gru ? _gates.AsSpan(0, _steps * _batch * _gh) : ReadOnlySpan<T>.Empty;

    /// <summary>LSTM cell states c_t of every step of the last forward (raw c_t, before the output function, also under
    /// layer normalisation), (T,B,H); empty for other cells. Read by the same two.</summary>
    internal ReadOnlySpan<T> Cells => Kind == CellKind.Lstm ? _cells.AsSpan(0, _steps * _batch * HiddenSize) : ReadOnlySpan<T>.Empty;

    /// <summary>The state after the last processed step (t = T-1, or t = 0 when reversed), (B,H).</summary>
    public ReadOnlySpan<T> FinalH => _output.AsSpan(TimeAt(_steps - 1) * _batch * HiddenSize, _batch * HiddenSize);

    /// <summary>LSTM cell state after the last processed step, (B,H); empty for other cells.</summary>
    public ReadOnlySpan<T> FinalC => Kind == CellKind.Lstm
        ? _cells.AsSpan(TimeAt(_steps - 1) * _batch * HiddenSize, _batch * HiddenSize)
        : ReadOnlySpan<T>.Empty;

    /// <summary>
    /// Draws a new weight-drop mask for W_hh (one draw per element, in storage order) and makes the following
    /// Forward and its Backward use W̃ = W_hh ⊙ mask; the stored weights are untouched.
    /// </summary>
    public void DropRecurrentWeights(double p, Rng rng)
    {
        int n = _gh * HiddenSize;
        Ensure(ref _whhMask, n);
        Ensure(ref _whhDropped, n);
        Span<T> mask = _whhMask.AsSpan(0, n), dropped = _whhDropped.AsSpan(0, n);
        DropoutMasks.Element(mask, p, rng);
        ReadOnlySpan<T> w = _store.Value(WeightHH);
        for (int j = 0; j < n; j++) dropped[j] = w[j] * mask[j];
        _weightDropped = true;
    }

    /// <summary>Makes the following Forward use the stored W_hh (evaluation, or no weight drop).</summary>
    public void UseStoredRecurrentWeights() => _weightDropped = false;

    // W_hh as the steps read it: the dropped copy after DropRecurrentWeights, else the stored weights.
    private ReadOnlySpan<T> RecurrentWeights() =>
        _weightDropped ? _whhDropped.AsSpan(0, _gh * HiddenSize) : _store.Value(WeightHH);

    /// <summary>Time index of the s-th processed step.</summary>
    private int TimeAt(int s) => Reverse ? _steps - 1 - s : s;

    private static void Ensure<TE>(ref TE[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new TE[length];
    }

    private void EnsureCapacity(int steps, int batch)
    {
        int rows = steps * batch, h = HiddenSize;
        Ensure(ref _xproj, rows * _gh);
        Ensure(ref _output, rows * h);
        Ensure(ref _h0, batch * h);
        Ensure(ref _hh, batch * _gh);
        Ensure(ref _bias, _gh);
        if (Kind == CellKind.Lstm || Kind == CellKind.Gru) Ensure(ref _gates, rows * _gh);
        if (Kind == CellKind.Lstm)
        {
            Ensure(ref _cells, rows * h);
            Ensure(ref _actC, rows * h);
            Ensure(ref _c0, batch * h);
        }
        if (Kind == CellKind.Gru) Ensure(ref _hhN, rows * h);
        if (LayerNorm)
        {
            Ensure(ref _lnHidden, rows * _gh);
            Ensure(ref _lnHiddenRstd, rows);
            if (Kind == CellKind.Lstm) { Ensure(ref _cellNorm, rows * h); Ensure(ref _cellRstd, rows); }
        }
        if (Mogrifier is not null)
        {
            Ensure(ref _mogX, rows * InputSize);
            Ensure(ref _mogH, rows * h);
            Mogrifier.Begin(steps, batch);
        }
    }

    /// <summary>
    /// Runs the layer over x (T,B,I) from the initial state h0 (B,H) [and c0 (B,H) for LSTM; empty means zeros].
    /// </summary>
    public void Forward(ReadOnlySpan<T> x, int steps, int batch, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0,
        ReadOnlySpan<int> lengths = default)
    {
        Begin(steps, batch, h0, c0, lengths);
        _tokenMode = false;
        int rows = steps * batch;
        if (Mogrifier is not null) { RunSteps(); return; } // the input projection is per step, on the modulated x
        // All input projections at once: xproj (T*B, GH) = X (T*B, I) · W_ih^T + bias
        // (with LayerNorm: bias + γ_ih ⊙ LN(X · W_ih^T)).
        Span<T> xproj = _xproj.AsSpan(0, rows * _gh);
        if (LayerNorm)
        {
            Gemm.Multiply(Op.None, Op.Transpose, rows, _gh, InputSize, x, InputSize, _store.Value(WeightIH), InputSize, xproj, _gh, accumulate: false);
            NormalizeInputProjection(xproj, rows);
        }
        else
        {
            Gemm.BroadcastRows<T>(InputBias(), rows, _gh, xproj);
            Gemm.Multiply(Op.None, Op.Transpose, rows, _gh, InputSize, x, InputSize, _store.Value(WeightIH), InputSize, xproj, _gh, accumulate: true);
        }
        RunSteps();
    }

    /// <summary>
    /// Runs the layer over token ids (T,B) whose input vectors are rows of <paramref name="table"/> (V, I) — an
    /// embedding table, or the identity (one-hot inputs) when <paramref name="table"/> is empty. The input
    /// projection is computed once per vocabulary entry, P (V, GH) = table·W_ih^T + bias, and gathered per
    /// token; worth it when V is below T·B. The caller keeps ids and table unchanged until Backward.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public void ForwardTokens(ReadOnlySpan<int> ids, ReadOnlyMemory<T> table, int vocabulary, int steps, int batch,
        ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, ReadOnlySpan<int> lengths = default)
    {
        Begin(steps, batch, h0, c0, lengths);
        _tokenMode = true;
        _vocabulary = vocabulary;
        _table = table;
        int rows = steps * batch, I = InputSize;
        Ensure(ref _ids, rows);
        ids.CopyTo(_ids);
        if (Mogrifier is not null)
        {
            // The rounds gate the input vectors themselves: look them up (one-hot rows when there is no table).
            Ensure(ref _denseInput, rows * I);
            Span<T> dense = _denseInput.AsSpan(0, rows * I);
            if (table.IsEmpty) { dense.Clear(); for (int r = 0; r < rows; r++) dense[r * I + ids[r]] = T.One; }
            else for (int r = 0; r < rows; r++) table.Span.Slice(ids[r] * I, I).CopyTo(dense.Slice(r * I, I));
            _lastInput = _denseInput.AsMemory(0, rows * I);
            RunSteps();
            return;
        }
        Ensure(ref _proj, vocabulary * _gh);
        Span<T> proj = _proj.AsSpan(0, vocabulary * _gh);
        ReadOnlySpan<T> wih = _store.Value(WeightIH);
        if (LayerNorm) proj.Clear();
        else Gemm.BroadcastRows<T>(InputBias(), vocabulary, _gh, proj);
        if (table.IsEmpty)
        {
            // One-hot: row v of the projection is column v of W_ih.
            for (int g = 0; g < _gh; g++)
                for (int v = 0; v < vocabulary; v++) proj[v * _gh + g] += wih[g * I + v];
        }
        else
            Gemm.Multiply(Op.None, Op.Transpose, vocabulary, _gh, I, table.Span, I, wih, I, proj, _gh, accumulate: true);
        if (LayerNorm) NormalizeInputProjection(proj, vocabulary); // LN acts per row: per vocabulary entry is the same
        Span<T> xproj = _xproj.AsSpan(0, rows * _gh);
        for (int r = 0; r < rows; r++) proj.Slice(ids[r] * _gh, _gh).CopyTo(xproj.Slice(r * _gh, _gh));
        RunSteps();
    }

    // lengths: (B) valid steps per row in 1..steps (checked by RecurrentStack), or empty for all steps.
    private void Begin(int steps, int batch, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, ReadOnlySpan<int> lengths)
    {
        int bh = batch * HiddenSize;
        EnsureCapacity(steps, batch);
        _steps = steps;
        _batch = batch;
        _masked = false;
        if (!lengths.IsEmpty)
        {
            int min = steps;
            foreach (int len in lengths) min = Math.Min(min, len);
            if (min < steps)
            {
                _masked = true;
                _minLength = min;
                Ensure(ref _lengths, batch);
                lengths.CopyTo(_lengths);
            }
        }
        if (h0.IsEmpty) _h0.AsSpan(0, bh).Clear(); else h0.CopyTo(_h0);
        if (Kind == CellKind.Lstm) { if (c0.IsEmpty) _c0.AsSpan(0, bh).Clear(); else c0.CopyTo(_c0); }
    }

    // The bias added to the input projections. For RNN and LSTM the recurrent product is later accumulated
    // into the same rows, so both biases go here; GRU keeps b_hh with the recurrent product because its
    // n gate needs that part separately.
    private ReadOnlySpan<T> InputBias()
    {
        ReadOnlySpan<T> bih = _store.Value(BiasIH), bhh = _store.Value(BiasHH);
        Span<T> bias = _bias.AsSpan(0, _gh);
        bih.CopyTo(bias);
        if (Kind != CellKind.Gru) for (int j = 0; j < _gh; j++) bias[j] += bhh[j];
        return bias;
    }

    // The recurrence over the projected inputs in _xproj, with the kernels of this cell's activations.
    private void RunSteps()
    {
        switch (Kind == CellKind.RnnRelu, GateActivation, Activation)
        {
            case (true, _, _): RunSteps<SigmoidOp, ReluOp>(); break;
            case (false, GateActivation.Sigmoid, CellActivation.Tanh): RunSteps<SigmoidOp, TanhOp>(); break;
            case (false, GateActivation.Sigmoid, CellActivation.Softsign): RunSteps<SigmoidOp, SoftsignOp>(); break;
            case (false, GateActivation.HardSigmoid, CellActivation.Tanh): RunSteps<HardSigmoidOp, TanhOp>(); break;
            default: RunSteps<HardSigmoidOp, SoftsignOp>(); break;
        }
    }

    // TGate: the LSTM/GRU gates' function; TCell: the cell input/output function (for an RNN, its non-linearity).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    private void RunSteps<TGate, TCell>() where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int steps = _steps, batch = _batch, h = HiddenSize, bh = batch * h, rows = steps * batch, I = InputSize;
        Span<T> xproj = _xproj.AsSpan(0, rows * _gh);
        ReadOnlySpan<T> whh = RecurrentWeights(), bhh = _store.Value(BiasHH);
        Span<T> hh = _hh.AsSpan(0, batch * _gh);
        ReadOnlySpan<T> peep = Peephole is null ? ReadOnlySpan<T>.Empty : _store.Value(Peephole);
        // The same W_hh^T multiplies every step: pack it once for the whole sequence (and W_ih^T for the Mogrifier's
        // per-step input products).
        bool packed = UsePacked(steps, batch);
        if (packed) (_packedForward ??= new PackedMatrix()).Pack(Op.Transpose, h, _gh, Floats(whh), h);
        ReadOnlySpan<T> wih = _store.Value(WeightIH), inputBias = Mogrifier is null ? default : InputBias();
        if (packed && Mogrifier is not null) (_packedInput ??= new PackedMatrix()).Pack(Op.Transpose, I, _gh, Floats(wih), I);
        for (int s = 0; s < steps; s++)
        {
            int t = TimeAt(s);
            ReadOnlySpan<T> hPrev = s == 0 ? _h0.AsSpan(0, bh) : _output.AsSpan(TimeAt(s - 1) * bh, bh);
            Span<T> pre = xproj.Slice(t * batch * _gh, batch * _gh);
            Span<T> hOut = _output.AsSpan(t * bh, bh);
            ReadOnlySpan<T> hIn = hPrev; // the state the recurrent product reads
            if (Mogrifier is not null)
            {
                // x_t and h_{t-1} gate each other; pre (B, GH) = bias + x̃ · W_ih^T, and the product below reads h̃.
                Span<T> mx = _mogX.AsSpan(t * batch * I, batch * I), mh = _mogH.AsSpan(t * bh, bh);
                Mogrifier.Forward(t, _lastInput.Span.Slice(t * batch * I, batch * I), hPrev, mx, mh);
                Gemm.BroadcastRows(inputBias, batch, _gh, pre);
                if (packed) Sgemm.Multiply(Op.None, batch, Floats(mx), I, _packedInput!, FloatsW(pre), _gh, accumulate: true);
                else Gemm.Multiply(Op.None, Op.Transpose, batch, _gh, I, mx, I, wih, I, pre, _gh, accumulate: true);
                hIn = mh;
            }
            if (Kind == CellKind.Gru)
            {
                // hh (B, 3H) = h_{t-1} · W_hh^T + b_hh (LayerNorm: b_hh + γ_hh ⊙ LN(h_{t-1} · W_hh^T))
                if (LayerNorm)
                {
                    NormalizedRecurrentProduct(packed, t, hIn, whh, hh, accumulate: false);
                    for (int b = 0; b < batch; b++) Gemm.Axpy(T.One, bhh, hh.Slice(b * _gh, _gh));
                }
                else
                {
                    Gemm.BroadcastRows(bhh, batch, _gh, hh);
                    RecurrentProduct(packed, hIn, whh, hh);
                }
                GruCell.Forward<T, TGate, TCell>(pre, hh, hPrev, _gates.AsSpan(t * batch * _gh, batch * _gh), _hhN.AsSpan(t * bh, bh), hOut, batch, h);
                if (_masked && t >= _minLength) CopyThroughSkipped(t, hPrev, hOut);
                continue;
            }
            // pre (B, GH) += h_{t-1} · W_hh^T: the step's only product, into the projected inputs.
            if (LayerNorm) NormalizedRecurrentProduct(packed, t, hIn, whh, pre, accumulate: true);
            else RecurrentProduct(packed, hIn, whh, pre);
            if (Kind == CellKind.Lstm)
            {
                ReadOnlySpan<T> cPrev = s == 0 ? _c0.AsSpan(0, bh) : _cells.AsSpan(TimeAt(s - 1) * bh, bh);
                Span<T> cOut = _cells.AsSpan(t * bh, bh);
                if (LayerNorm)
                    LayerNormLstmCell.Forward<T, TGate, TCell>(pre, cPrev, _store.Value(LayerNormCellGain!), _store.Value(LayerNormCellBias!),
                        _gates.AsSpan(t * batch * _gh, batch * _gh), cOut, _cellNorm.AsSpan(t * bh, bh), _cellRstd.AsSpan(t * batch, batch),
                        _actC.AsSpan(t * bh, bh), hOut, batch, h);
                else
                    LstmCell.Forward<T, TGate, TCell>(pre, cPrev, peep, _gates.AsSpan(t * batch * _gh, batch * _gh),
                        cOut, _actC.AsSpan(t * bh, bh), hOut, batch, h);
                if (_masked && t >= _minLength) CopyThroughSkipped(t, cPrev, cOut);
            }
            else
                RnnCell.Forward<T, TCell>(pre, hOut);
            if (_masked && t >= _minLength) CopyThroughSkipped(t, hPrev, hOut);
        }
    }

    // Layer normalisation of the input projection: rows (n, GH) hold X·W_ih^T (n = T·B rows, or V vocabulary entries);
    // keeps LN(rows) and 1/σ for backward and leaves bias + γ_ih ⊙ LN(rows) in their place.
    private void NormalizeInputProjection(Span<T> rows, int n)
    {
        Ensure(ref _lnInput, n * _gh);
        Ensure(ref _lnInputRstd, n);
        Span<T> normalized = _lnInput.AsSpan(0, n * _gh);
        LayerNormRows.Forward<T>(rows, n, _gh, normalized, _lnInputRstd.AsSpan(0, n));
        Gemm.BroadcastRows<T>(InputBias(), n, _gh, rows);
        LayerNormRows.Scale<T>(normalized, _store.Value(LayerNormInputGain!), n, _gh, rows, accumulate: true);
    }

    // Layer normalisation of step t's recurrent product: dest (B, GH) = (dest +) γ_hh ⊙ LN(hIn · W_hh^T); keeps LN and 1/σ.
    private void NormalizedRecurrentProduct(bool packed, int t, ReadOnlySpan<T> hIn, ReadOnlySpan<T> whh, Span<T> dest, bool accumulate)
    {
        int batch = _batch;
        Span<T> product = _hh.AsSpan(0, batch * _gh);
        product.Clear();
        RecurrentProduct(packed, hIn, whh, product);
        Span<T> normalized = _lnHidden.AsSpan(t * batch * _gh, batch * _gh);
        LayerNormRows.Forward<T>(product, batch, _gh, normalized, _lnHiddenRstd.AsSpan(t * batch, batch));
        LayerNormRows.Scale<T>(normalized, _store.Value(LayerNormRecurrentGain!), batch, _gh, dest, accumulate);
    }

    // Rows whose sequence has ended by time t keep their previous state: dest[b] = prev[b] for t >= length[b].
    private void CopyThroughSkipped(int t, ReadOnlySpan<T> prev, Span<T> dest)
    {
        int h = HiddenSize;
        for (int b = 0; b < _batch; b++)
            if (t >= _lengths[b]) prev.Slice(b * h, h).CopyTo(dest.Slice(b * h, h));
    }

    /// <summary>
    /// Backpropagates through the last <paramref name="backwardSteps"/> processed steps of the previous Forward.
    /// dy (T,B,H): gradient on every output; dhT/dcT (B,H): gradient on the final state (empty = zero).
    /// Adds into the parameter gradients and into dx (T,B,I) (skipped when empty; only the backpropagated
    /// steps' rows are touched). Writes dh0/dc0 (B,H) when non-empty; that requires a full backward
    /// (backwardSteps == T), since a truncated backward treats the earlier state as a constant.
    /// After <see cref="ForwardTokens"/>, dx is instead the gradient of the table (V,I) (added to; empty skips it).
    /// </summary>
    public void Backward(ReadOnlySpan<T> dy, ReadOnlySpan<T> dhT, ReadOnlySpan<T> dcT, Span<T> dx,
        Span<T> dh0, Span<T> dc0, int backwardSteps)
    {
        switch (Kind == CellKind.RnnRelu, GateActivation, Activation)
        {
            case (true, _, _): Backward<SigmoidOp, ReluOp>(dy, dhT, dcT, dx, dh0, dc0, backwardSteps); break;
            case (false, GateActivation.Sigmoid, CellActivation.Tanh): Backward<SigmoidOp, TanhOp>(dy, dhT, dcT, dx, dh0, dc0, backwardSteps); break;
            case (false, GateActivation.Sigmoid, CellActivation.Softsign): Backward<SigmoidOp, SoftsignOp>(dy, dhT, dcT, dx, dh0, dc0, backwardSteps); break;
            case (false, GateActivation.HardSigmoid, CellActivation.Tanh): Backward<HardSigmoidOp, TanhOp>(dy, dhT, dcT, dx, dh0, dc0, backwardSteps); break;
            default: Backward<HardSigmoidOp, SoftsignOp>(dy, dhT, dcT, dx, dh0, dc0, backwardSteps); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    private void Backward<TGate, TCell>(ReadOnlySpan<T> dy, ReadOnlySpan<T> dhT, ReadOnlySpan<T> dcT, Span<T> dx,
        Span<T> dh0, Span<T> dc0, int backwardSteps) where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int steps = _steps, batch = _batch, h = HiddenSize, bh = batch * h, rows = steps * batch;
        if (backwardSteps < 1 || backwardSteps > steps)
            throw new ArgumentOutOfRangeException(nameof(backwardSteps), backwardSteps, $"Must be in 1..{steps}.");
        if ((!dh0.IsEmpty || !dc0.IsEmpty) && backwardSteps != steps)
            throw new InvalidOperationException("Initial-state gradients exist only for a full (untruncated) backward pass.");

        // The recurrent side's gate gradients differ from the input side's for GRU (its n gate) and with LayerNorm
        // (each side has its own normalisation); otherwise they are one buffer.
        bool separateHH = Kind == CellKind.Gru || LayerNorm;
        Ensure(ref _dGatesIH, rows * _gh);
        if (separateHH) Ensure(ref _dGatesHH, rows * _gh);
        Ensure(ref _dh, bh);
        Ensure(ref _dc, bh);
        Ensure(ref _dhPrev, bh);
        if (LayerNorm && Kind == CellKind.Lstm) Ensure(ref _dCellNorm, bh);
        Span<T> dGih = _dGatesIH.AsSpan(0, rows * _gh);
        Span<T> dGhh = separateHH ? _dGatesHH.AsSpan(0, rows * _gh) : dGih;
        Span<T> dh = _dh.AsSpan(0, bh), dc = _dc.AsSpan(0, bh), dhPrev = _dhPrev.AsSpan(0, bh);
        if (dhT.IsEmpty) dh.Clear(); else dhT.CopyTo(dh);
        if (Kind == CellKind.Lstm) { if (dcT.IsEmpty) dc.Clear(); else dcT.CopyTo(dc); }

        ReadOnlySpan<T> whh = RecurrentWeights();
        ReadOnlySpan<T> peep = Peephole is null ? ReadOnlySpan<T>.Empty : _store.Value(Peephole);
        Span<T> dPeep = Peephole is null ? Span<T>.Empty : _store.Gradient(Peephole);
        int firstStep = steps - backwardSteps;
        bool packed = UsePacked(backwardSteps, batch);
        if (packed) (_packedBackward ??= new PackedMatrix()).Pack(Op.None, _gh, h, Floats(whh), h);
        if (_masked) { Ensure(ref _keepH, bh); Ensure(ref _keepC, bh); Ensure(ref _dyStep, bh); }
        int I = InputSize;
        ReadOnlySpan<T> wih = _store.Value(WeightIH);
        Span<T> dxSteps = default; // (T,B,I) Mogrifier: the input gradient, written step by step
        if (Mogrifier is not null)
        {
            Ensure(ref _dxStep, batch * I);
            Mogrifier.BeginBackward();
            if (packed) (_packedInputBackward ??= new PackedMatrix()).Pack(Op.None, _gh, I, Floats(wih), I);
            if (_tokenMode) { Ensure(ref _denseDx, rows * I); dxSteps = _denseDx.AsSpan(0, rows * I); dxSteps.Clear(); } // added to below
            else dxSteps = dx;
        }
        for (int s = steps - 1; s >= firstStep; s--)
        {
            int t = TimeAt(s);
            ReadOnlySpan<T> hPrev = s == 0 ? _h0.AsSpan(0, bh) : _output.AsSpan(TimeAt(s - 1) * bh, bh);
            ReadOnlySpan<T> dyt = dy.Slice(t * bh, bh);
            // A skipped row is the identity on the state: set its incoming gradients (and dy, a padding
            // position) to zero so the cell kernel gives it zero gate gradients, and pass dh/dc through below.
            bool skips = _masked && t >= _minLength;
            if (skips) dyt = HoldSkippedRows(t, dyt, dh, dc);
            Span<T> gi = dGih.Slice(t * batch * _gh, batch * _gh);
            Span<T> gh = dGhh.Slice(t * batch * _gh, batch * _gh);
            bool direct = false; // whether dhPrev already holds a path that bypasses W_hh
            switch (Kind)
            {
                case CellKind.RnnTanh:
                case CellKind.RnnRelu:
                    RnnCell.Backward<T, TCell>(_output.AsSpan(t * bh, bh), dh, dyt, gi);
                    break;
                case CellKind.Lstm when LayerNorm:
                {
                    ReadOnlySpan<T> cPrev = s == 0 ? _c0.AsSpan(0, bh) : _cells.AsSpan(TimeAt(s - 1) * bh, bh);
                    LayerNormLstmCell.Backward<T, TGate, TCell>(_gates.AsSpan(t * batch * _gh, batch * _gh), _cellNorm.AsSpan(t * bh, bh),
                        _cellRstd.AsSpan(t * batch, batch), _actC.AsSpan(t * bh, bh), cPrev, _store.Value(LayerNormCellGain!), dh, dyt, dc, gi,
                        _store.Gradient(LayerNormCellGain!), _store.Gradient(LayerNormCellBias!), _dCellNorm.AsSpan(0, bh), batch, h);
                    gi.CopyTo(gh); // the same pre-activations took both products; each side has its own normalisation below
                    break;
                }
                case CellKind.Lstm:
                {
                    ReadOnlySpan<T> cPrev = s == 0 ? _c0.AsSpan(0, bh) : _cells.AsSpan(TimeAt(s - 1) * bh, bh);
                    LstmCell.Backward<T, TGate, TCell>(_gates.AsSpan(t * batch * _gh, batch * _gh), _cells.AsSpan(t * bh, bh),
                        _actC.AsSpan(t * bh, bh), cPrev, peep, dh, dyt, dc, gi, dPeep, batch, h);
                    break;
                }
                case CellKind.Gru:
                    GruCell.Backward<T, TGate, TCell>(_gates.AsSpan(t * batch * _gh, batch * _gh), _hhN.AsSpan(t * bh, bh), hPrev,
                        dh, dyt, gi, gh, dhPrev, batch, h);
                    direct = true;
                    break;
            }
            if (LayerNorm) NormalizedRecurrentBackward(t, gh);
            // dh_{t-1} = dGates_hh · W_hh  (B,GH)·(GH,H) [+ GRU's direct z⊙dh path]: the only sequential product.
            if (packed)
                Sgemm.Multiply(Op.None, batch, Floats(gh), _gh, _packedBackward!, FloatsW(dhPrev), h, accumulate: direct);
            else
                Gemm.Multiply(Op.None, Op.None, batch, h, _gh, gh, _gh, whh, h, dhPrev, h, accumulate: direct);
            if (Mogrifier is not null)
            {
                // dx̃ = dGates · W_ih (B,GH)·(GH,I); back through the rounds to ∂L/∂x_t and ∂L/∂h_{t-1} (dhPrev held ∂L/∂h̃).
                Span<T> dxt = _dxStep.AsSpan(0, batch * I);
                if (packed) Sgemm.Multiply(Op.None, batch, Floats(gi), _gh, _packedInputBackward!, FloatsW(dxt), I, accumulate: false);
                else Gemm.Multiply(Op.None, Op.None, batch, I, _gh, gi, _gh, wih, I, dxt, I, accumulate: false);
                Mogrifier.Backward(t, dxt, dhPrev);
                if (!dxSteps.IsEmpty) Gemm.Axpy(T.One, dxt, dxSteps.Slice(t * batch * I, batch * I));
            }
            if (skips) ReleaseSkippedRows(t, dhPrev, dc);
            Span<T> swap = dh; dh = dhPrev; dhPrev = swap;
        }
        if (!dh0.IsEmpty) dh.CopyTo(dh0);
        if (!dc0.IsEmpty && Kind == CellKind.Lstm) dc.CopyTo(dc0);

        AccumulateWeightGradients(dGih, dGhh, dx, firstStep);
    }

    // Step t's recurrent side under LayerNorm: gh (B, GH) holds ∂L/∂(γ_hh ⊙ LN(product) [+ b_hh]) and becomes
    // ∂L/∂product; b_hh's and γ_hh's gradients are added here, from the gradient before normalisation's backward.
    private void NormalizedRecurrentBackward(int t, Span<T> gh)
    {
        int batch = _batch;
        Gemm.AddRowsInto<T>(gh, batch, _gh, _store.Gradient(BiasHH));
        ReadOnlySpan<T> normalized = _lnHidden.AsSpan(t * batch * _gh, batch * _gh);
        LayerNormRows.BackwardGain<T>(gh, normalized, _store.Value(LayerNormRecurrentGain!), batch, _gh, _store.Gradient(LayerNormRecurrentGain!), gh);
        LayerNormRows.Backward<T>(gh, normalized, _lnHiddenRstd.AsSpan(t * batch, batch), batch, _gh, gh);
    }

    // For rows skipped at time t: keeps dh and dc, zeroes them, and returns dy with those rows zeroed.
    private ReadOnlySpan<T> HoldSkippedRows(int t, ReadOnlySpan<T> dyt, Span<T> dh, Span<T> dc)
    {
        int h = HiddenSize, bh = _batch * h;
        Span<T> dyStep = _dyStep.AsSpan(0, bh);
        dyt.CopyTo(dyStep);
        for (int b = 0; b < _batch; b++)
        {
            if (t < _lengths[b]) continue;
            dyStep.Slice(b * h, h).Clear();
            dh.Slice(b * h, h).CopyTo(_keepH.AsSpan(b * h, h));
            dh.Slice(b * h, h).Clear();
            if (Kind == CellKind.Lstm)
            {
                dc.Slice(b * h, h).CopyTo(_keepC.AsSpan(b * h, h));
                dc.Slice(b * h, h).Clear();
            }
        }
        return dyStep;
    }

    // For rows skipped at time t: the state passed through unchanged, so dh_{t-1} = dh_t and dc_{t-1} = dc_t.
    private void ReleaseSkippedRows(int t, Span<T> dhPrev, Span<T> dc)
    {
        int h = HiddenSize;
        for (int b = 0; b < _batch; b++)
        {
            if (t < _lengths[b]) continue;
            _keepH.AsSpan(b * h, h).CopyTo(dhPrev.Slice(b * h, h));
            if (Kind == CellKind.Lstm) _keepC.AsSpan(b * h, h).CopyTo(dc.Slice(b * h, h));
        }
    }

    // Weight and bias gradients as GEMMs over all backpropagated steps, and dx for those steps.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    private void AccumulateWeightGradients(Span<T> dGih, ReadOnlySpan<T> dGhh, Span<T> dx, int firstStep)
    {
        int steps = _steps, batch = _batch, h = HiddenSize, bh = batch * h, I = InputSize;
        int count = steps - firstStep;
        // Backpropagated steps occupy a contiguous time range: [firstStep, T) forward, [0, count) reversed.
        int t0 = Reverse ? 0 : firstStep;
        int rows = count * batch;
        Span<T> gi = dGih.Slice(t0 * batch * _gh, rows * _gh);
        Gemm.AddRowsInto<T>(gi, rows, _gh, _store.Gradient(BiasIH));
        if (!LayerNorm) Gemm.AddRowsInto(dGhh.Slice(t0 * batch * _gh, rows * _gh), rows, _gh, _store.Gradient(BiasHH)); // LayerNorm: per step
        if (Mogrifier is not null)
        {
            // The products read the modulated x̃ and h̃ of the same step; dx was written step by step.
            Gemm.Multiply(Op.Transpose, Op.None, _gh, I, rows, gi, _gh, _mogX.AsSpan(t0 * batch * I, rows * I), I, _store.Gradient(WeightIH), I, accumulate: true);
            Span<T> dWhhMog = RecurrentWeightGradient();
            Gemm.Multiply(Op.Transpose, Op.None, _gh, h, rows, dGhh.Slice(t0 * batch * _gh, rows * _gh), _gh, _mogH.AsSpan(t0 * bh, rows * h), h, dWhhMog, h, accumulate: true);
            FinishRecurrentWeightGradient(dWhhMog);
            Mogrifier.AccumulateWeightGradients(t0, count);
            if (_tokenMode && !_table.IsEmpty && !dx.IsEmpty)
                for (int r = t0 * batch; r < t0 * batch + rows; r++)
                    Gemm.Axpy(T.One, _denseDx.AsSpan(r * I, I), dx.Slice(_ids[r] * I, I));
            return;
        }
        if (LayerNorm && !_tokenMode) NormalizedInputBackward(gi, _lnInput.AsSpan(t0 * batch * _gh, rows * _gh), _lnInputRstd.AsSpan(t0 * batch, rows), rows);
        if (_tokenMode)
            AccumulateTokenInputGradients(gi, t0 * batch, rows, dx);
        else
        {
            ReadOnlySpan<T> x = _lastInput.Span.Slice(t0 * batch * I, rows * I);
            // dW_ih (GH, I) += dGih^T (GH, rows) · X (rows, I)
            Gemm.Multiply(Op.Transpose, Op.None, _gh, I, rows, gi, _gh, x, I, _store.Gradient(WeightIH), I, accumulate: true);
            // dX (rows, I) += dGih (rows, GH) · W_ih (GH, I)
            if (!dx.IsEmpty)
                Gemm.Multiply(Op.None, Op.None, rows, I, _gh, gi, _gh, _store.Value(WeightIH), I,
                    dx.Slice(t0 * batch * I, rows * I), I, accumulate: true);
        }

        // dW_hh (GH, H) += dGhh_t^T · h_{t-1}. The previous states of steps t..t+n-1 are h_{t-1}..h_{t+n-2}
        // (reversed: h_{t+1}..), contiguous in the output buffer except for the very first processed step,
        // whose previous state is h0.
        // With weight drop the products give dL/dW̃ into a cleared scratch, masked into the store's gradient below
        // (which may already hold values: it is added to, never overwritten).
        Span<T> dWhh = RecurrentWeightGradient();
        int withOutputPrev = firstStep == 0 ? count - 1 : count; // steps whose h_{prev} is in _output
        if (withOutputPrev > 0)
        {
            // Forward: steps [T-withOutputPrev, T), prev states at times [T-withOutputPrev-1, T-1).
            // Reverse: steps [0, withOutputPrev), prev states at times [1, withOutputPrev+1).
            int tStep = Reverse ? 0 : steps - withOutputPrev;
            int tPrev = Reverse ? 1 : steps - withOutputPrev - 1;
            Gemm.Multiply(Op.Transpose, Op.None, _gh, h, withOutputPrev * batch,
                dGhh.Slice(tStep * batch * _gh, withOutputPrev * batch * _gh), _gh,
                _output.AsSpan(tPrev * bh, withOutputPrev * bh), h, dWhh, h, accumulate: true);
        }
        if (firstStep == 0)
        {
            int tFirst = TimeAt(0);
            Gemm.Multiply(Op.Transpose, Op.None, _gh, h, batch, dGhh.Slice(tFirst * batch * _gh, batch * _gh), _gh,
                _h0.AsSpan(0, bh), h, dWhh, h, accumulate: true);
        }
        FinishRecurrentWeightGradient(dWhh);
    }

    // Where the products put ∂L/∂W_hh: the store's gradient (added to), or with weight drop a cleared scratch for dL/dW̃.
    private Span<T> RecurrentWeightGradient()
    {
        if (!_weightDropped) return _store.Gradient(WeightHH);
        int whhLength = _gh * HiddenSize;
        Ensure(ref _dWhhDropped, whhLength);
        Span<T> dWhh = _dWhhDropped.AsSpan(0, whhLength);
        dWhh.Clear();
        return dWhh;
    }

    // With weight drop, W̃ = W ⊙ M, so dL/dW = dL/dW̃ ⊙ M, added into the store's gradient (which may already hold values).
    private void FinishRecurrentWeightGradient(ReadOnlySpan<T> dWhh)
    {
        if (!_weightDropped) return;
        int whhLength = _gh * HiddenSize;
        Span<T> dStored = _store.Gradient(WeightHH);
        ReadOnlySpan<T> mask = _whhMask.AsSpan(0, whhLength);
        for (int j = 0; j < whhLength; j++) dStored[j] += dWhh[j] * mask[j];
    }

    // The input side under LayerNorm: g (n, GH) holds ∂L/∂(γ_ih ⊙ LN(product)) for n rows (steps, or vocabulary entries)
    // and becomes ∂L/∂product; γ_ih's gradient is added.
    private void NormalizedInputBackward(Span<T> g, ReadOnlySpan<T> normalized, ReadOnlySpan<T> rstd, int n)
    {
        LayerNormRows.BackwardGain<T>(g, normalized, _store.Value(LayerNormInputGain!), n, _gh, _store.Gradient(LayerNormInputGain!), g);
        LayerNormRows.Backward<T>(g, normalized, rstd, n, _gh, g);
    }

    // Packed recurrent weights (float only): W_hh^T for the forward steps, W_hh for dh in backward.
    private PackedMatrix? _packedForward, _packedBackward;
    // Packed input weights for the Mogrifier's per-step products: W_ih^T forward, W_ih in backward.
    private PackedMatrix? _packedInput, _packedInputBackward;

    // Packing pays off once the same weights serve several products; a single step or a single row
    // (sampling) uses the unpacked product, which streams the weights once.
    private static bool UsePacked(int steps, int batch) => typeof(T) == typeof(float) && steps > 1 && batch >= Gemm.SmallM;

    private static ReadOnlySpan<float> Floats(ReadOnlySpan<T> x) => MemoryMarshal.Cast<T, float>(x);
    private static Span<float> FloatsW(Span<T> x) => MemoryMarshal.Cast<T, float>(x);

    // dest (B, GH) += hPrev (B, H) · W_hh^T
    private void RecurrentProduct(bool packed, ReadOnlySpan<T> hPrev, ReadOnlySpan<T> whh, Span<T> dest)
    {
        int h = HiddenSize;
        if (packed)
            Sgemm.Multiply(Op.None, _batch, Floats(hPrev), h, _packedForward!, FloatsW(dest), _gh, accumulate: true);
        else
            Gemm.Multiply(Op.None, Op.Transpose, _batch, _gh, h, hPrev, h, whh, h, dest, _gh, accumulate: true);
    }

    // Token inputs: sum the gate gradients per vocabulary entry, A (V, GH), then dW_ih += A^T·table and
    // dTable += A·W_ih — the same sums as with one input row per token, in V rows instead of T·B.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    private void AccumulateTokenInputGradients(ReadOnlySpan<T> gi, int firstRow, int rows, Span<T> dTable)
    {
        int v = _vocabulary, I = InputSize;
        Ensure(ref _agg, v * _gh);
        Span<T> agg = _agg.AsSpan(0, v * _gh);
        agg.Clear();
        for (int r = 0; r < rows; r++)
            Gemm.Axpy(T.One, gi.Slice(r * _gh, _gh), agg.Slice(_ids[firstRow + r] * _gh, _gh));
        // LN's backward is linear in the gradient for a fixed row, so the per-entry sums go through it once per entry.
        if (LayerNorm) NormalizedInputBackward(agg, _lnInput.AsSpan(0, v * _gh), _lnInputRstd.AsSpan(0, v), v);
        Span<T> dWih = _store.Gradient(WeightIH);
        if (_table.IsEmpty)
        {
            for (int g = 0; g < _gh; g++)
                for (int k = 0; k < v; k++) dWih[g * I + k] += agg[k * _gh + g];
            return;
        }
        Gemm.Multiply(Op.Transpose, Op.None, _gh, I, v, agg, _gh, _table.Span, I, dWih, I, accumulate: true);
        if (!dTable.IsEmpty)
            Gemm.Multiply(Op.None, Op.None, v, I, _gh, agg, _gh, _store.Value(WeightIH), I, dTable, I, accumulate: true);
    }

    private bool _tokenMode;
    private int _vocabulary;
    private ReadOnlyMemory<T> _table;
    private int[] _ids = [];
    private T[] _proj = [];  // (V, GH) input projection per vocabulary entry (token mode)
    private T[] _agg = [];   // (V, GH) gate gradients summed per vocabulary entry (token mode)

    // The input of the last Forward, needed for dW_ih. Held as a memory reference, not copied: the caller
    // (RecurrentStack) owns the buffer and keeps it unchanged until Backward.
    private ReadOnlyMemory<T> _lastInput;

    /// <summary>Records which buffer holds the input of the coming Forward (must stay valid until Backward).</summary>
    public void BindInput(ReadOnlyMemory<T> x) => _lastInput = x;
}
