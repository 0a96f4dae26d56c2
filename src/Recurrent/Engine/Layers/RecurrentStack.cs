// RecurrentStack: L recurrent layers, each uni- or bidirectional, with dropout between layers — the
// equivalent of PyTorch's nn.RNN / nn.LSTM / nn.GRU module (same parameter names, same state layout
// (L*D, B, H) with index layer*D + direction, same output (T, B, D*H) with the reverse direction's
// outputs in the second half of the features).
// Optional per-row lengths (B) make a padded batch exact: row b's forward direction stops after length[b]
// steps, its reverse direction starts at step length[b]-1, its outputs at t >= length[b] are zero and its
// final states are those at its own end — the same values as running that sequence alone.
// Dropout in training (AWD-LSTM, Merity et al. 2017), every mask drawn from the caller's generator in this order
// each forward: weight drop on every W_hh (layer by layer, forward direction first; RecurrentDirection), the
// input mask (locked, (B,I) for all steps), then the masks between layers (element-wise per (t,b,f) as PyTorch,
// or locked with lockedDropout). Output dropout (before the head) is the model's, not the stack's.
using System.Numerics;
using Recurrent.Randomness;
using Recurrent.Tensors;

namespace Recurrent.Layers;

/// <summary>A stack of recurrent layers (optionally bidirectional) over time-major sequences, as torch.nn.RNN/LSTM/GRU.</summary>
public sealed class RecurrentStack<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly RecurrentDirection<T>[][] _layers; // [layer][direction]
    private readonly T[][] _inputs;      // [layer] (T,B,In_k): the input each layer saw (layer 0: a copy of x)
    private readonly T[][] _dropMasks;   // [layer] (T,B,In_k) inverted-dropout masks: layer 0's input mask, then between layers
    private readonly T[][] _dInputs;     // [layer] (T,B,In_k) gradient buffers
    private T[] _concat = [];            // (T,B,2H) top-layer output when bidirectional
    private T[] _dyDir = [];             // (T,B,H) one direction's slice of dOutput
    private T[] _finalH = [], _finalC = [];
    private int _steps, _batch;
    private bool _lastWasTraining;       // the last forward dropped between layers
    private bool _inputDropped;          // the last forward dropped its input (layer 0's _dropMasks)
    private int[] _lengths = [];         // (B) lengths of the last forward when _masked
    private bool _masked;                // the last forward had a row shorter than its steps

    /// <summary>Creates the stack and registers its parameters in <paramref name="store"/> as
    /// <c>{prefix}weight_ih_l{k}[_reverse]</c>, <c>weight_hh</c>, <c>bias_ih</c>, <c>bias_hh</c> (and
    /// <c>weight_peephole</c> for peephole LSTMs; <c>ln_ih_weight</c>, <c>ln_hh_weight</c> (and <c>ln_cell_weight</c>,
    /// <c>ln_cell_bias</c> for LSTM) with <paramref name="layerNorm"/>; <c>mogrifier_{j}</c> (or <c>mogrifier_{j}_a</c>,
    /// <c>mogrifier_{j}_b</c> with a <paramref name="mogrifierRank"/>) for <paramref name="mogrifierRounds"/> rounds).
    /// <paramref name="gateActivation"/> (LSTM, GRU) and
    /// <paramref name="activation"/> (LSTM, GRU, tanh RNN) choose the cells' functions as ONNX's <c>activations</c>.
    /// In training, <paramref name="dropout"/> drops the inputs of layers 2..L (element-wise, or one mask per row for the
    /// whole window with <paramref name="lockedDropout"/>), <paramref name="inputDropout"/> the stack's input (locked), and
    /// <paramref name="weightDrop"/> each element of every W_hh (DropConnect; AWD-LSTM, Merity et al. 2017).</summary>
    public RecurrentStack(ParameterStore<T> store, string prefix, CellKind kind, int inputSize, int hiddenSize,
        int layers, bool bidirectional = false, double dropout = 0, bool peepholes = false,
        GateActivation gateActivation = GateActivation.Sigmoid, CellActivation activation = CellActivation.Tanh,
        double inputDropout = 0, bool lockedDropout = false, double weightDrop = 0,
        bool layerNorm = false, int mogrifierRounds = 0, int mogrifierRank = 0)
    {
        if (inputSize <= 0) throw new ArgumentException($"inputSize must be positive, got {inputSize}.", nameof(inputSize));
        if (hiddenSize <= 0) throw new ArgumentException($"hiddenSize must be positive, got {hiddenSize}.", nameof(hiddenSize));
        if (layers <= 0) throw new ArgumentException($"layers must be positive, got {layers}.", nameof(layers));
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentException($"dropout must be in [0, 1), got {dropout}.", nameof(dropout));
        if (!(inputDropout >= 0 && inputDropout < 1)) throw new ArgumentException($"inputDropout must be in [0, 1), got {inputDropout}.", nameof(inputDropout));
        if (!(weightDrop >= 0 && weightDrop < 1)) throw new ArgumentException($"weightDrop must be in [0, 1), got {weightDrop}.", nameof(weightDrop));
        Kind = kind;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        Layers = layers;
        Directions = bidirectional ? 2 : 1;
        Dropout = dropout;
        InputDropout = inputDropout;
        LockedDropout = lockedDropout;
        WeightDrop = weightDrop;
        RecurrentDirection<T>.CheckActivations(kind, gateActivation, activation);
        RecurrentDirection<T>.CheckStructure(kind, peepholes, layerNorm, mogrifierRounds, mogrifierRank);
        LayerNorm = layerNorm;
        MogrifierRounds = mogrifierRounds;
        MogrifierRank = mogrifierRank;
        GateActivation = gateActivation;
        Activation = activation;
        _layers = new RecurrentDirection<T>[layers][];
        for (int k = 0; k < layers; k++)
        {
            int inK = k == 0 ? inputSize : hiddenSize * Directions;
            _layers[k] = new RecurrentDirection<T>[Directions];
            for (int d = 0; d < Directions; d++)
                _layers[k][d] = new RecurrentDirection<T>(store, prefix, $"l{k}" + (d == 1 ? "_reverse" : ""), kind, inK, hiddenSize,
                    reverse: d == 1, peepholes, gateActivation, activation, layerNorm, mogrifierRounds, mogrifierRank);
        }
        _inputs = new T[layers][];
        _dropMasks = new T[layers][];
        _dInputs = new T[layers][];
        for (int k = 0; k < layers; k++) { _inputs[k] = []; _dropMasks[k] = []; _dInputs[k] = []; }
    }

    /// <summary>The recurrent cell.</summary>
    public CellKind Kind { get; }
    /// <summary>Features per input step.</summary>
    public int InputSize { get; }
    /// <summary>Hidden units per layer and direction.</summary>
    public int HiddenSize { get; }
    /// <summary>The gates' function (LSTM i, f, o; GRU r, z).</summary>
    public GateActivation GateActivation { get; }
    /// <summary>The cell input and output function (LSTM g and h, GRU n, tanh RNN h).</summary>
    public CellActivation Activation { get; }
    /// <summary>Whether the cells are layer-normalised (LSTM, GRU; Ba et al. 2016).</summary>
    public bool LayerNorm { get; }
    /// <summary>Mogrifier rounds before each LSTM step (Melis et al. 2019); 0 for none.</summary>
    public int MogrifierRounds { get; }
    /// <summary>Rank of the Mogrifier's matrices; 0 for full rank.</summary>
    public int MogrifierRank { get; }
    /// <summary>Number of stacked layers.</summary>
    public int Layers { get; }
    /// <summary>1, or 2 when bidirectional.</summary>
    public int Directions { get; }
    /// <summary>Dropout probability on the inputs of layers 2..L during training (PyTorch's <c>dropout</c>).</summary>
    public double Dropout { get; }
    /// <summary>Whether <see cref="Dropout"/> draws one (B, features) mask per forward, the same at every step (variational /
    /// locked dropout), instead of one per (t, b, feature).</summary>
    public bool LockedDropout { get; }

    /// <summary>
    /// Data parallelism: this process's rows of the whole batch, so that training forwards draw the whole batch's
    /// dropout masks and keep these rows (<see cref="DropoutShare"/>); null (a single process): the masks of the batch given.
    /// </summary>
    internal DropoutShare? DropoutRows { get; set; }
    /// <summary>Locked dropout probability on the stack's input (B, I) during training (AWD-LSTM's dropouti).</summary>
    public double InputDropout { get; }
    /// <summary>DropConnect probability on every element of each W_hh during training (AWD-LSTM's weight drop).</summary>
    public double WeightDrop { get; }
    /// <summary>Features per output step: <c>Directions * HiddenSize</c>.</summary>
    public int OutputSize => Directions * HiddenSize;
    /// <summary>Size of one state tensor (L*D, B, H) for the given batch.</summary>
    public int StateSize(int batch) => Layers * Directions * batch * HiddenSize;

    /// <summary>The parameters of each layer and direction, for initialisation.</summary>
    internal IEnumerable<RecurrentDirection<T>> AllDirections => _layers.SelectMany(l => l);

    /// <summary>Layer <paramref name="layer"/>'s direction <paramref name="direction"/> (0 forward, 1 reverse), whose buffers
    /// hold the last forward's gates and cell states (read by StackActivations and Inspection/ActivationTrace).</summary>
    internal RecurrentDirection<T> Direction(int layer, int direction) => _layers[layer][direction];

    /// <summary>Time steps of the last forward.</summary>
    internal int StepsOfLastForward => _steps;

    /// <summary>Batch rows of the last forward.</summary>
    internal int BatchOfLastForward => _batch;

    /// <summary>Outputs of the top layer, (T,B,D*H), valid after <see cref="Forward"/>.</summary>
    public ReadOnlySpan<T> Output => Directions == 1 && !_masked
        ? _layers[^1][0].Output
        : _concat.AsSpan(0, _steps * _batch * OutputSize);

    /// <summary>Final hidden states (L*D,B,H), as PyTorch's h_n.</summary>
    public ReadOnlySpan<T> FinalH => _finalH.AsSpan(0, StateSize(_batch));

    /// <summary>Final LSTM cell states (L*D,B,H), as PyTorch's c_n; empty for other cells.</summary>
    public ReadOnlySpan<T> FinalC => Kind.HasCellState() ? _finalC.AsSpan(0, StateSize(_batch)) : ReadOnlySpan<T>.Empty;

    private static void Ensure(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[length];
    }

    /// <summary>
    /// Runs the stack over x (T,B,I). h0 and c0 are (L*D,B,H) initial states (empty means zeros; c0 only for LSTM).
    /// With <paramref name="training"/> and a positive dropout, <paramref name="dropoutRng"/> draws the masks.
    /// <paramref name="lengths"/> (B), each in 1..T, gives each row's valid steps for a padded batch (empty: all T).
    /// </summary>
    public void Forward(ReadOnlySpan<T> x, int steps, int batch, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0,
        bool training, Rng? dropoutRng, ReadOnlySpan<int> lengths = default)
    {
        CheckSteps(steps, batch);
        if (x.Length != steps * batch * InputSize)
            throw new ArgumentException($"x has {x.Length} values; expected T*B*I = {steps}*{batch}*{InputSize}.", nameof(x));
        CheckLengths(lengths, steps, batch);
        ForwardCore(x, default, default, 0, tokens: false, steps, batch, h0, c0, training, dropoutRng, lengths);
    }

    /// <summary>Throws unless <paramref name="lengths"/> is empty or holds B values in 1..T.</summary>
    internal static void CheckLengths(ReadOnlySpan<int> lengths, int steps, int batch)
    {
        if (lengths.IsEmpty) return;
        if (lengths.Length != batch)
            throw new ArgumentException($"lengths has {lengths.Length} values; expected one per batch row ({batch}).", nameof(lengths));
        for (int b = 0; b < batch; b++)
            if (lengths[b] < 1 || lengths[b] > steps)
                throw new ArgumentException($"lengths[{b}] = {lengths[b]} is outside 1..{steps}.", nameof(lengths));
    }

    /// <summary>
    /// Runs the stack over token ids (T,B) whose input vectors are the rows of <paramref name="table"/>
    /// (V, I) — an embedding table — or one-hot vectors when <paramref name="table"/> is empty (then V = I).
    /// Same result as <see cref="Forward"/> on the looked-up vectors, but the first layer projects each
    /// vocabulary entry once instead of each token (cheaper whenever V &lt; T·B). The table must stay
    /// unchanged until <see cref="Backward"/>, whose dInput is then the gradient of the table (V, I).
    /// </summary>
    public void ForwardTokens(ReadOnlySpan<int> ids, ReadOnlyMemory<T> table, int vocabulary, int steps, int batch,
        ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, bool training, Rng? dropoutRng, ReadOnlySpan<int> lengths = default)
    {
        CheckLengths(lengths, steps, batch);
        CheckSteps(steps, batch);
        if (ids.Length != steps * batch)
            throw new ArgumentException($"ids has {ids.Length} values; expected T*B = {steps}*{batch}.", nameof(ids));
        if (table.IsEmpty ? vocabulary != InputSize : table.Length != vocabulary * InputSize)
            throw new ArgumentException($"table has {table.Length} values for vocabulary {vocabulary}; expected (V, {InputSize}) or empty for one-hot with V = {InputSize}.", nameof(table));
        InputChecks.TokenIds(ids, vocabulary);
        ForwardCore(default, ids, table, vocabulary, tokens: true, steps, batch, h0, c0, training, dropoutRng, lengths);
    }

    private static void CheckSteps(int steps, int batch)
    {
        if (steps <= 0) throw new ArgumentException($"steps must be positive, got {steps}.", nameof(steps));
        if (batch <= 0) throw new ArgumentException($"batch must be positive, got {batch}.", nameof(batch));
    }

    private void ForwardCore(ReadOnlySpan<T> x, ReadOnlySpan<int> ids, ReadOnlyMemory<T> table, int vocabulary, bool tokens,
        int steps, int batch, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, bool training, Rng? dropoutRng, ReadOnlySpan<int> lengths)
    {
        int stateLen = StateSize(batch), bh = batch * HiddenSize, rows = steps * batch;
        if (!h0.IsEmpty && h0.Length != stateLen)
            throw new ArgumentException($"h0 has {h0.Length} values; expected (L*D,B,H) = {stateLen}.", nameof(h0));
        if (!c0.IsEmpty && (!Kind.HasCellState() || c0.Length != stateLen))
            throw new ArgumentException($"c0 has {c0.Length} values; expected {(Kind.HasCellState() ? stateLen : 0)}.", nameof(c0));
        bool useDropout = training && Dropout > 0 && Layers > 1;
        bool dropInput = training && InputDropout > 0;
        bool dropWeights = training && WeightDrop > 0;
        if ((useDropout || dropInput || dropWeights) && dropoutRng is null)
            throw new ArgumentNullException(nameof(dropoutRng), "Dropout in training needs an Rng.");
        if (dropInput && tokens)
            throw new InvalidOperationException("Input dropout in training needs the input vectors: call Forward with them, not ForwardTokens.");
        _steps = steps;
        _batch = batch;
        _lastWasTraining = useDropout;
        _inputDropped = dropInput;
        foreach (var layer in _layers) // plain loops: no enumerator allocated per step
            foreach (var dir in layer)
                if (dropWeights) dir.DropRecurrentWeights(WeightDrop, dropoutRng!);
                else dir.UseStoredRecurrentWeights();
        _masked = false;
        foreach (int len in lengths) if (len < steps) { _masked = true; break; }
        if (_masked) { Ensure(ref _lengths, batch); lengths.CopyTo(_lengths); }
        else lengths = default; // every row is full length: the unmasked path gives the same result
        Ensure(ref _finalH, stateLen);
        if (Kind.HasCellState()) Ensure(ref _finalC, stateLen);

        for (int k = 0; k < Layers; k++)
        {
            int inK = _layers[k][0].InputSize;
            bool tokenLayer = k == 0 && tokens;
            Span<T> input = default;
            if (!tokenLayer)
            {
                Ensure(ref _inputs[k], rows * inK);
                input = _inputs[k].AsSpan(0, rows * inK);
                if (k == 0)
                {
                    x.CopyTo(input);
                    if (dropInput)
                    {
                        Ensure(ref _dropMasks[0], input.Length);
                        Span<T> mask = _dropMasks[0].AsSpan(0, input.Length);
                        DropoutMasks.Locked(mask, steps, batch, inK, InputDropout, dropoutRng!, DropoutRows);
                        DropoutMasks.Apply(input, mask);
                    }
                }
                else
                {
                    CopyLayerOutput(k - 1, input);
                    if (useDropout) ApplyNewDropoutMask(k, input, dropoutRng!);
                }
            }
            for (int d = 0; d < Directions; d++)
            {
                var dir = _layers[k][d];
                int si = (k * Directions + d) * bh;
                ReadOnlySpan<T> h0d = h0.IsEmpty ? default : h0.Slice(si, bh), c0d = c0.IsEmpty ? default : c0.Slice(si, bh);
                if (tokenLayer)
                    dir.ForwardTokens(ids, table, vocabulary, steps, batch, h0d, c0d, lengths);
                else
                {
                    dir.BindInput(_inputs[k].AsMemory(0, rows * inK));
                    dir.Forward(input, steps, batch, h0d, c0d, lengths);
                }
                dir.FinalH.CopyTo(_finalH.AsSpan(si, bh));
                if (Kind.HasCellState()) dir.FinalC.CopyTo(_finalC.AsSpan(si, bh));
            }
        }
        if (Directions == 2 || _masked)
        {
            Ensure(ref _concat, rows * OutputSize);
            CopyLayerOutput(Layers - 1, _concat.AsSpan(0, rows * OutputSize));
        }
    }

    private static void Ensure(ref int[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new int[length];
    }

    // Writes layer k's outputs (T,B,D*H) into dest, forward direction first in each row.
    private void CopyLayerOutput(int k, Span<T> dest)
    {
        int h = HiddenSize, rows = _steps * _batch, width = OutputSize;
        for (int d = 0; d < Directions; d++)
        {
            ReadOnlySpan<T> src = _layers[k][d].Output;
            for (int r = 0; r < rows; r++) src.Slice(r * h, h).CopyTo(dest.Slice(r * width + d * h, h));
        }
        if (!_masked) return;
        // Padding positions (t >= length[b]) output zero; the direction buffers hold the copied-through state there.
        for (int t = 0; t < _steps; t++)
            for (int b = 0; b < _batch; b++)
                if (t >= _lengths[b]) dest.Slice((t * _batch + b) * width, width).Clear();
    }

    /// <summary>Whether the last forward had lengths with a row shorter than its steps.</summary>
    public bool HasLengths => _masked;

    /// <summary>The per-row lengths of the last forward (B); every row is T long when <see cref="HasLengths"/> is false.</summary>
    public int Length(int row) => _masked ? _lengths[row] : _steps;

    // Draws the mask between layers k-1 and k, (T,B,In_k), and applies it to layer k's input.
    private void ApplyNewDropoutMask(int k, Span<T> input, Rng rng)
    {
        Ensure(ref _dropMasks[k], input.Length);
        Span<T> mask = _dropMasks[k].AsSpan(0, input.Length);
        if (LockedDropout) DropoutMasks.Locked(mask, _steps, _batch, _layers[k][0].InputSize, Dropout, rng, DropoutRows);
        else DropoutMasks.Element(mask, _steps, _batch, _layers[k][0].InputSize, Dropout, rng, DropoutRows);
        DropoutMasks.Apply(input, mask);
    }

    /// <summary>The dropout mask layer <paramref name="layer"/>'s input got in the last training forward, (T,B,In_k):
    /// layer 0's input mask, or the mask between layers; for tests and inspection.</summary>
    internal ReadOnlySpan<T> DropoutMask(int layer) => _dropMasks[layer].AsSpan(0, _steps * _batch * _layers[layer][0].InputSize);

    /// <summary>
    /// Backpropagates dOutput (T,B,D*H) and the final-state gradients dFinalH/dFinalC ((L*D,B,H); empty = zero)
    /// through the last <paramref name="backwardSteps"/> steps (T for full BPTT; fewer for truncated BPTT,
    /// which needs a unidirectional stack). Adds into the parameter gradients and into dInput (T,B,I)
    /// (skipped when empty) — or, after <see cref="ForwardTokens"/>, into the table gradient (V,I). Writes dInitialH/dInitialC ((L*D,B,H)) when non-empty (full backward only).
    /// </summary>
    public void Backward(ReadOnlySpan<T> dOutput, ReadOnlySpan<T> dFinalH, ReadOnlySpan<T> dFinalC, Span<T> dInput,
        Span<T> dInitialH, Span<T> dInitialC, int backwardSteps)
    {
        int steps = _steps, batch = _batch, h = HiddenSize, bh = batch * h, rows = steps * batch;
        if (backwardSteps < 1 || backwardSteps > steps)
            throw new ArgumentException($"backwardSteps must be in 1..{steps}, got {backwardSteps}.", nameof(backwardSteps));
        if (backwardSteps < steps && Directions == 2)
            throw new ArgumentException("Truncated BPTT needs a unidirectional stack: the reverse direction reads the whole window.", nameof(backwardSteps));
        if (dOutput.Length != rows * OutputSize)
            throw new ArgumentException($"dOutput has {dOutput.Length} values; expected {rows * OutputSize}.", nameof(dOutput));
        Ensure(ref _dyDir, rows * h);

        ReadOnlySpan<T> dOut = dOutput;
        for (int k = Layers - 1; k >= 0; k--)
        {
            int inK = _layers[k][0].InputSize;
            Span<T> dIn;
            bool maskedInput = k == 0 && _inputDropped && !dInput.IsEmpty;
            if (k > 0 || maskedInput)
            {
                Ensure(ref _dInputs[k], rows * inK);
                dIn = _dInputs[k].AsSpan(0, rows * inK);
                dIn.Clear();
            }
            else dIn = dInput; // empty when the caller needs no input gradient

            for (int d = 0; d < Directions; d++)
            {
                int si = (k * Directions + d) * bh;
                ReadOnlySpan<T> dy;
                if (Directions == 1) dy = dOut;
                else
                {
                    Span<T> dyd = _dyDir.AsSpan(0, rows * h);
                    int width = OutputSize;
                    for (int r = 0; r < rows; r++) dOut.Slice(r * width + d * h, h).CopyTo(dyd.Slice(r * h, h));
                    dy = dyd;
                }
                _layers[k][d].Backward(dy,
                    dFinalH.IsEmpty ? default : dFinalH.Slice(si, bh),
                    dFinalC.IsEmpty ? default : dFinalC.Slice(si, bh),
                    dIn,
                    dInitialH.IsEmpty ? default : dInitialH.Slice(si, bh),
                    dInitialC.IsEmpty || !Kind.HasCellState() ? default : dInitialC.Slice(si, bh),
                    backwardSteps);
            }
            if (k > 0)
            {
                if (_lastWasTraining)
                {
                    ReadOnlySpan<T> mask = _dropMasks[k].AsSpan(0, rows * inK);
                    for (int j = 0; j < dIn.Length; j++) dIn[j] *= mask[j];
                }
                dOut = dIn;
            }
            else if (maskedInput)
            {
                // x̃ = x ⊙ mask: dInput += dx̃ ⊙ mask (dInput is added to, as without dropout).
                ReadOnlySpan<T> mask = _dropMasks[0].AsSpan(0, rows * inK);
                for (int j = 0; j < dIn.Length; j++) dInput[j] += dIn[j] * mask[j];
            }
        }
    }
}
