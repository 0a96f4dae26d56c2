// SequenceModel: input (embedding | one-hot | dense) → RecurrentStack → Linear head (per step or last
// step), with carried recurrent state for truncated BPTT. Parameter names are PyTorch state_dict names:
// embedding.weight, rnn.weight_ih_l0..., head.weight, head.bias. With weight tying (ModelConfig.TieWeights) the head
// is a TiedHead: no head.weight (the embedding table serves as it), head.proj.weight (E, D*H) when E ≠ D*H, head.bias.
// Shapes: inputs (T,B) ids or (T,B,F) features; outputs (T,B,O) per step or (B,O) last step;
// state (L*D,B,H) for h and, for LSTM, c.
// Variable lengths: Forward takes optional per-row lengths (B) for a batch padded to T steps; the result for
// each row equals that sequence run alone (RecurrentStack), per-step outputs at padding positions are zero,
// the last-step head reads each row's own final step, and Backward ignores dOutput at padding positions.
// Training dropouts (AWD-LSTM, Merity et al. 2017), all drawn from DropoutRng in this order per forward: embedding
// dropout (one scale per vocabulary row: 0 or 1/(1−p)), then the stack's (weight drop, locked input dropout, dropout
// between layers), then locked output dropout on the stack's outputs before the head. With input dropout a training
// forward gathers the embedding rows into (T,B,E) and takes the stack's dense path (the mask needs the vectors);
// evaluation keeps the per-vocabulary token path. In a data-parallel run (DropoutRows set by the batch source) the
// masks with a batch dimension are this process's rows of the whole batch's (DropoutShare).
using System.Numerics;
using Recurrent.Initialization;
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// A recurrent sequence model: input layer, stacked (optionally bidirectional) RNN/LSTM/GRU and a linear head.
/// Forward/backward work on caller-owned spans and internal buffers that are reused, so a training step
/// allocates nothing once the shapes have been seen.
/// </summary>
/// <typeparam name="T">float for training and inference; double for gradient checks.</typeparam>
public sealed class SequenceModel<T> : ITrainableModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Embedding<T>? _embedding;
    private readonly IOutputLayer<T> _head;
    private readonly Linear<T>? _linearHead;   // the untied head
    private readonly TiedHead<T>? _tiedHead;   // the weight-tied head (ModelConfig.TieWeights)
    private readonly Rng _dropoutRng;

    private T[] _x = [];          // (T,B,F) stack input
    private T[] _dx = [];         // (T,B,F) gradient of the stack input
    private T[] _feature = [];    // (B,D*H) last-step head input
    private T[] _dFeature = [];   // (B,D*H)
    private T[] _dStack = [];     // (T,B,D*H) gradient of the stack output
    private T[] _output = [];     // (T,B,O) or (B,O)
    private T[] _dOutMasked = []; // (T,B,O) dOutput with padding rows zeroed (per-step head with lengths)
    private int[] _ids = [];      // (T,B) token ids of the last forward
    private T[] _h0 = [], _c0 = [];       // (L*D,B,H) initial state of the next forward
    private T[] _dh0 = [], _dc0 = [];     // (L*D,B,H) gradient of the initial state after a full backward
    private int _steps, _batch, _stateBatch = -1;
    private bool _hasForward;
    private bool _tokenPath;      // the last forward used RecurrentStack.ForwardTokens
    private T[] _rowScale = [];   // (V) embedding dropout: 0 or 1/(1−p) per vocabulary row
    private T[] _maskedTable = [];// (V,E) embedding table ⊙ row scales, what the token path reads
    private T[] _dMaskedTable = [];// (V,E) gradient of the masked table (token path backward)
    private bool _embeddingDropped; // the last forward used _rowScale
    private T[] _outputMask = []; // (T,B,D*H) locked output-dropout mask
    private T[] _headInput = [];  // (T,B,D*H) stack outputs ⊙ output mask: what the head read
    private bool _outputDropped;  // the last forward read _headInput
    private T[] _probeX = [];     // (T,B,E) the activation probe's looked-up embedding rows

    /// <summary>
    /// Builds the model and initialises its parameters from <paramref name="seed"/>. Throws ArgumentException for an
    /// impossible configuration, including sizes whose parameters do not fit in one array (naming the size).
    /// </summary>
    public SequenceModel(ModelConfig config, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        ModelMemory.CheckParameterCount(config);
        Config = config;
        Parameters = new ParameterStore<T>();
        if (config.Input == InputKind.Embedding)
            _embedding = new Embedding<T>(Parameters, "embedding.", config.InputSize, config.StackInputSize);
        Stack = new RecurrentStack<T>(Parameters, "rnn.", config.Cell, config.StackInputSize, config.HiddenSize,
            config.Layers, config.Bidirectional, config.Dropout, config.Peepholes, config.GateActivation, config.Activation,
            config.InputDropout, config.LockedDropout, config.WeightDrop, config.LayerNorm, config.MogrifierRounds, config.MogrifierRank);
        if (config.TieWeights)
            _head = _tiedHead = new TiedHead<T>(Parameters, "head.", _embedding!.Weight, Stack.OutputSize);
        else
            _head = _linearHead = new Linear<T>(Parameters, "head.", Stack.OutputSize, config.OutputSize);
        Parameters.Seal();
        var rng = new Rng(seed);
        Initialize(rng);
        _dropoutRng = rng.Fork();
    }

    /// <summary>The architecture.</summary>
    public ModelConfig Config { get; }
    /// <summary>All parameters and gradients, flat, with PyTorch state_dict names.</summary>
    public ParameterStore<T> Parameters { get; }
    /// <summary>The recurrent layers.</summary>
    public RecurrentStack<T> Stack { get; }

    /// <summary>
    /// The head's weight as an untied (O, D*H) matrix: <c>head.weight</c>, or for a tied model the embedding table
    /// (times <c>head.proj.weight</c> when the widths differ). A copy; step-by-step inference and exports read it.
    /// </summary>
    public T[] OutputWeight() => _tiedHead is not null
        ? _tiedHead.EffectiveWeight()
        : Parameters.Value(_linearHead!.Weight).ToArray();

    /// <summary>
    /// An equivalent model without weight tying (this model when it is not tied): the same parameters, and
    /// <c>head.weight</c> = <see cref="OutputWeight"/>. Its logits equal this model's up to rounding; exporters
    /// write it, since torch.nn and ONNX then need nothing special.
    /// </summary>
    public SequenceModel<T> Untied()
    {
        if (_tiedHead is null) return this;
        var untied = new SequenceModel<T>(Config with { TieWeights = false }, seed: 0);
        foreach (var p in untied.Parameters.Parameters)
        {
            if (p.Name == "head.weight") OutputWeight().CopyTo(untied.Parameters.Value(p));
            else Parameters.Value(Parameters[p.Name]).CopyTo(untied.Parameters.Value(p));
        }
        return untied;
    }

    /// <summary>
    /// The generator that draws dropout masks during training. Checkpoints save its <see cref="Rng.State"/>
    /// and resume with <see cref="Rng.Restore"/> so a resumed run draws the same masks.
    /// </summary>
    public Rng DropoutRng => _dropoutRng;

    /// <summary>
    /// Data parallelism: this process's rows of the whole batch, so that training forwards draw the dropout masks one
    /// process would draw for the whole batch and keep these rows (<see cref="DropoutShare"/>); null (a single
    /// process): the masks of the batch given. Set by the batch sources before each training step.
    /// </summary>
    internal DropoutShare? DropoutRows
    {
        get => Stack.DropoutRows;
        set => Stack.DropoutRows = value;
    }

    /// <summary>Outputs of the last forward: (T,B,O) logits/values per step, or (B,O) for a last-step head.</summary>
    public ReadOnlySpan<T> Output => _output.AsSpan(0, OutputLength(_steps, _batch));

    /// <summary>Number of output rows of the last forward: T*B per step, B for last step.</summary>
    public int OutputRows => Config.Head == HeadKind.PerStep ? _steps * _batch : _batch;

    /// <summary>Gradient of the loss w.r.t. dense inputs (T,B,F) after <see cref="Backward(ReadOnlySpan{T}, int)"/> (Dense input only).</summary>
    public ReadOnlySpan<T> InputGradient => Config.Input == InputKind.Dense
        ? _dx.AsSpan(0, _steps * _batch * Config.InputSize)
        : throw new InvalidOperationException("Input gradients exist only for dense inputs; token inputs are discrete.");

    /// <summary>The state the next forward starts from, (L*D,B,H); writable (e.g. the one-to-many shape feeds features here).</summary>
    public Span<T> InitialH(int batch) { EnsureState(batch); return _h0.AsSpan(0, Stack.StateSize(batch)); }

    /// <summary>The LSTM cell state the next forward starts from, (L*D,B,H); empty for other cells.</summary>
    public Span<T> InitialC(int batch) { EnsureState(batch); return Config.Cell.HasCellState() ? _c0.AsSpan(0, Stack.StateSize(batch)) : Span<T>.Empty; }

    /// <summary>Gradient w.r.t. the initial h after a full (untruncated) backward, (L*D,B,H).</summary>
    public ReadOnlySpan<T> InitialHGradient => _dh0.AsSpan(0, Stack.StateSize(_batch));

    /// <summary>Gradient w.r.t. the initial LSTM c after a full backward, (L*D,B,H); empty for other cells.</summary>
    public ReadOnlySpan<T> InitialCGradient => Config.Cell.HasCellState() ? _dc0.AsSpan(0, Stack.StateSize(_batch)) : ReadOnlySpan<T>.Empty;

    /// <summary>Final hidden state of the last forward, (L*D,B,H).</summary>
    public ReadOnlySpan<T> FinalH => Stack.FinalH;

    /// <summary>Final LSTM cell state of the last forward, (L*D,B,H).</summary>
    public ReadOnlySpan<T> FinalC => Stack.FinalC;

    /// <summary>Zeroes the carried state (start of a new sequence).</summary>
    public void ResetState()
    {
        Array.Clear(_h0);
        Array.Clear(_c0);
    }

    /// <summary>
    /// Makes the final state of the last forward the initial state of the next one (truncated BPTT across
    /// windows, sampling). The carried state is a constant for the next backward: gradients stop here.
    /// </summary>
    public void CarryState()
    {
        if (!_hasForward) throw new InvalidOperationException("CarryState needs a forward pass first.");
        EnsureState(_batch);
        Stack.FinalH.CopyTo(_h0);
        if (Config.Cell.HasCellState()) Stack.FinalC.CopyTo(_c0);
    }

    private void EnsureState(int batch)
    {
        if (batch <= 0) throw new ArgumentException($"batch must be positive, got {batch}.", nameof(batch));
        if (_stateBatch == batch) return;
        int n = Stack.StateSize(batch);
        _h0 = new T[n];
        _c0 = Config.Cell.HasCellState() ? new T[n] : [];
        _stateBatch = batch;
    }

    private int OutputLength(int steps, int batch) =>
        (Config.Head == HeadKind.PerStep ? steps * batch : batch) * Config.OutputSize;

    private static void Ensure<TE>(ref TE[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new TE[length];
    }

    /// <summary>
    /// Forward on token ids (T,B) for Embedding or OneHot input. Returns <see cref="Output"/>.
    /// <paramref name="lengths"/> (B), each in 1..T, are the valid steps of each row of a padded batch
    /// (empty: every row has T steps); token ids at padding positions must still be valid ids (any).
    /// </summary>
    public ReadOnlySpan<T> Forward(ReadOnlySpan<int> tokens, int steps, int batch, bool training, ReadOnlySpan<int> lengths = default)
    {
        if (Config.Input == InputKind.Dense)
            throw new InvalidOperationException("This model takes dense features; call the Forward overload with feature values.");
        CheckSizes(tokens.Length, steps, batch, 1, nameof(tokens));
        RecurrentStack<T>.CheckLengths(lengths, steps, batch);
        InputChecks.TokenIds(tokens, Config.InputSize);
        int rows = steps * batch, f = Config.StackInputSize;
        Ensure(ref _ids, rows);
        tokens.CopyTo(_ids);
        _embeddingDropped = training && Config.EmbeddingDropout > 0 && _embedding is not null;
        if (_embeddingDropped) DrawEmbeddingRowScales();
        // With fewer vocabulary entries than tokens, the first layer projects each entry once and gathers
        // (RecurrentStack.ForwardTokens); otherwise — or when input dropout needs the vectors — the input vectors
        // are materialised per token.
        _tokenPath = Config.InputSize <= rows && !(training && Config.InputDropout > 0);
        if (_tokenPath)
        {
            ReadOnlyMemory<T> table = _embedding is null ? default
                : _embeddingDropped ? MaskedTable()
                : Parameters.Values.AsMemory(_embedding.Weight.Offset, _embedding.Weight.Length);
            EnsureState(batch);
            _steps = steps;
            _batch = batch;
            int stateLen = Stack.StateSize(batch);
            Stack.ForwardTokens(tokens, table, Config.InputSize, steps, batch, _h0.AsSpan(0, stateLen),
                Config.Cell.HasCellState() ? _c0.AsSpan(0, stateLen) : default, training, _dropoutRng, lengths);
            return RunHead(steps, batch, training);
        }
        Ensure(ref _x, rows * f);
        Span<T> x = _x.AsSpan(0, rows * f);
        if (_embedding is not null)
        {
            _embedding.Forward(tokens, x);
            if (_embeddingDropped) ScaleTokenRows(x, tokens, f);
        }
        else
        {
            x.Clear();
            for (int n = 0; n < rows; n++) x[n * f + tokens[n]] = T.One;
        }
        return RunStackAndHead(x, steps, batch, training, lengths);
    }

    /// <summary>
    /// Forward on dense features (T,B,F). Returns <see cref="Output"/>. <paramref name="lengths"/> as for
    /// the token overload (features at padding positions are ignored).
    /// </summary>
    public ReadOnlySpan<T> Forward(ReadOnlySpan<T> features, int steps, int batch, bool training, ReadOnlySpan<int> lengths = default)
    {
        if (Config.Input != InputKind.Dense)
            throw new InvalidOperationException("This model takes token ids; call the Forward overload with int tokens.");
        CheckSizes(features.Length, steps, batch, Config.InputSize, nameof(features));
        RecurrentStack<T>.CheckLengths(lengths, steps, batch);
        int n = steps * batch * Config.InputSize;
        Ensure(ref _x, n);
        features.CopyTo(_x);
        return RunStackAndHead(_x.AsSpan(0, n), steps, batch, training, lengths);
    }

    // Embedding dropout: one draw per vocabulary row (in row order), 0 with probability p, else 1/(1−p).
    private void DrawEmbeddingRowScales()
    {
        int v = Config.InputSize;
        Ensure(ref _rowScale, v);
        DropoutMasks.Element(_rowScale.AsSpan(0, v), Config.EmbeddingDropout, _dropoutRng);
    }

    // (V,E) the embedding table with each row scaled by its row scale, for the token path.
    private ReadOnlyMemory<T> MaskedTable()
    {
        int v = Config.InputSize, e = _embedding!.Dimension;
        Ensure(ref _maskedTable, v * e);
        ReadOnlySpan<T> table = Parameters.Value(_embedding.Weight);
        Span<T> masked = _maskedTable.AsSpan(0, v * e);
        for (int r = 0; r < v; r++)
        {
            T scale = _rowScale[r];
            for (int j = 0; j < e; j++) masked[r * e + j] = table[r * e + j] * scale;
        }
        return _maskedTable.AsMemory(0, v * e);
    }

    // rows (N, width) *= the row scale of each row's token: the looked-up vectors of the masked table, or the
    // gradient of the real table's rows from that of the looked-up ones (x = E[id]·s[id] ⇒ dE[id] += s[id]·dx).
    private void ScaleTokenRows(Span<T> rows, ReadOnlySpan<int> ids, int width)
    {
        for (int n = 0; n < ids.Length; n++)
        {
            T scale = _rowScale[ids[n]];
            Span<T> row = rows.Slice(n * width, width);
            for (int j = 0; j < width; j++) row[j] *= scale;
        }
    }

    private static void CheckSizes(int length, int steps, int batch, int width, string name)
    {
        if (steps <= 0) throw new ArgumentException($"steps must be positive, got {steps}.", nameof(steps));
        if (batch <= 0) throw new ArgumentException($"batch must be positive, got {batch}.", nameof(batch));
        if (length != (long)steps * batch * width)
            throw new ArgumentException($"{name} has {length} values; expected T*B*F = {steps}*{batch}*{width}.", name);
    }

    private ReadOnlySpan<T> RunStackAndHead(ReadOnlySpan<T> x, int steps, int batch, bool training, ReadOnlySpan<int> lengths)
    {
        EnsureState(batch);
        _steps = steps;
        _batch = batch;
        int stateLen = Stack.StateSize(batch);
        Stack.Forward(x, steps, batch, _h0.AsSpan(0, stateLen),
            Config.Cell.HasCellState() ? _c0.AsSpan(0, stateLen) : default, training, _dropoutRng, lengths);
        return RunHead(steps, batch, training);
    }

    /// <summary>
    /// Runs the recurrent stack alone in inference mode (no dropout: the dropout generator is not drawn from) over token
    /// ids (T,B) from a zero state, and returns its activations (<see cref="StackActivations"/>; the valid positions
    /// only, with <paramref name="lengths"/>). The carried state (<see cref="InitialH"/>) is not read or changed; the
    /// stack's forward caches are overwritten, so call it between an update and the next training forward.
    /// </summary>
    internal List<ProbedActivation> ProbeActivations(ReadOnlySpan<int> tokens, int steps, int batch, ReadOnlySpan<int> lengths = default)
    {
        if (Config.Input == InputKind.Dense)
            throw new InvalidOperationException("This model takes dense features; probe it with feature values.");
        CheckSizes(tokens.Length, steps, batch, 1, nameof(tokens));
        InputChecks.TokenIds(tokens, Config.InputSize);
        if (_embedding is null)
        {
            // One-hot: the stack projects each vocabulary entry once (no (T,B,V) input is materialised).
            Stack.ForwardTokens(tokens, default, Config.InputSize, steps, batch, default, default, training: false, null, lengths);
        }
        else
        {
            int n = steps * batch * _embedding.Dimension;
            Ensure(ref _probeX, n);
            _embedding.Forward(tokens, _probeX.AsSpan(0, n));
            Stack.Forward(_probeX.AsSpan(0, n), steps, batch, default, default, training: false, null, lengths);
        }
        return StackActivations.Collect(Stack, "");
    }

    /// <summary>As the token overload, on dense features (T,B,F).</summary>
    internal List<ProbedActivation> ProbeActivations(ReadOnlySpan<T> features, int steps, int batch, ReadOnlySpan<int> lengths = default)
    {
        if (Config.Input != InputKind.Dense)
            throw new InvalidOperationException("This model takes token ids; probe it with token ids.");
        CheckSizes(features.Length, steps, batch, Config.InputSize, nameof(features));
        Stack.Forward(features, steps, batch, default, default, training: false, null, lengths);
        return StackActivations.Collect(Stack, "");
    }

    /// <summary>Embedding dropout's row scales (V) of the last training forward that used them; for tests.</summary>
    internal ReadOnlySpan<T> EmbeddingRowScales => _rowScale.AsSpan(0, Math.Min(_rowScale.Length, Config.InputSize));

    /// <summary>Output dropout's mask (T,B,D*H) of the last training forward that used it; for tests.</summary>
    internal ReadOnlySpan<T> OutputDropoutMask => _outputMask.AsSpan(0, Math.Min(_outputMask.Length, _steps * _batch * Stack.OutputSize));

    // What the head reads, (T,B,D*H): the stack's outputs, or after output dropout those times the locked mask.
    private ReadOnlySpan<T> HeadInput => _outputDropped
        ? _headInput.AsSpan(0, _steps * _batch * Stack.OutputSize)
        : Stack.Output;

    private ReadOnlySpan<T> RunHead(int steps, int batch, bool training)
    {
        _outputDropped = training && Config.OutputDropout > 0;
        if (_outputDropped)
        {
            int n = steps * batch * Stack.OutputSize;
            Ensure(ref _outputMask, n);
            Ensure(ref _headInput, n);
            Span<T> mask = _outputMask.AsSpan(0, n), dropped = _headInput.AsSpan(0, n);
            DropoutMasks.Locked(mask, steps, batch, Stack.OutputSize, Config.OutputDropout, _dropoutRng, DropoutRows);
            Stack.Output.CopyTo(dropped);
            DropoutMasks.Apply(dropped, mask);
        }
        Ensure(ref _output, OutputLength(steps, batch));
        Span<T> y = _output.AsSpan(0, OutputLength(steps, batch));
        if (Config.Head == HeadKind.PerStep)
        {
            _head.Forward(HeadInput, steps * batch, y);
            if (Stack.HasLengths) ClearPaddingRows(y, steps, batch);
        }
        else
        {
            Span<T> feat = LastStepFeature(steps, batch);
            _head.Forward(feat, batch, y);
        }
        _hasForward = true;
        return y;
    }

    // Zeroes the (T,B,O) rows at padding positions t >= length[b].
    private void ClearPaddingRows(Span<T> rowsTbo, int steps, int batch)
    {
        int o = Config.OutputSize;
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < batch; b++)
                if (t >= Stack.Length(b)) rowsTbo.Slice((t * batch + b) * o, o).Clear();
    }

    // (B, D*H): the forward direction's output at the row's last step (t = length-1, T-1 without lengths) and,
    // when bidirectional, the reverse direction's at t = 0.
    private Span<T> LastStepFeature(int steps, int batch)
    {
        int h = Config.HiddenSize, w = Stack.OutputSize;
        Ensure(ref _feature, batch * w);
        Span<T> feat = _feature.AsSpan(0, batch * w);
        ReadOnlySpan<T> outp = HeadInput;
        for (int b = 0; b < batch; b++)
        {
            outp.Slice(((Stack.Length(b) - 1) * batch + b) * w, h).CopyTo(feat.Slice(b * w, h));
            if (Stack.Directions == 2) outp.Slice(b * w + h, h).CopyTo(feat.Slice(b * w + h, h));
        }
        return feat;
    }

    /// <summary>
    /// Backpropagates dOutput (shape of <see cref="Output"/>) from the last forward, adding into
    /// <see cref="ParameterStore{T}.Gradients"/> (call <see cref="ParameterStore{T}.ZeroGradients"/> first).
    /// <paramref name="backwardSteps"/> (0 = all) truncates BPTT to the last k steps of the window, as DL4J's
    /// tBPTTBackwardLength: the head learns from every step, the recurrent layers only from the last k steps,
    /// and the state entering them is a constant.
    /// </summary>
    public void Backward(ReadOnlySpan<T> dOutput, int backwardSteps = 0) => Backward(dOutput, backwardSteps, default);

    /// <summary>Steps T of the last forward.</summary>
    public int StepsOfLastForward => _steps;
    /// <summary>Batch size B of the last forward.</summary>
    public int BatchOfLastForward => _batch;

    /// <summary>
    /// As <see cref="Backward(ReadOnlySpan{T}, int)"/>, plus <paramref name="dStackOutput"/>: a further gradient
    /// with respect to the last recurrent layer's outputs <see cref="RecurrentStack{T}.Output"/> (T,B,D*H), added
    /// to what the head passes back before backward through the stack (empty = none). Activation penalties
    /// (AR/TAR) enter here. With per-row lengths, its values at padding positions are ignored.
    /// </summary>
    public void Backward(ReadOnlySpan<T> dOutput, int backwardSteps, ReadOnlySpan<T> dStackOutput)
    {
        if (!_hasForward) throw new InvalidOperationException("Backward needs a forward pass first.");
        int steps = _steps, batch = _batch, rows = steps * batch, w = Stack.OutputSize;
        if (dOutput.Length != OutputLength(steps, batch))
            throw new ArgumentException($"dOutput has {dOutput.Length} values; expected {OutputLength(steps, batch)}.", nameof(dOutput));
        int k = backwardSteps == 0 ? steps : backwardSteps;
        if (k < 1 || k > steps) throw new ArgumentException($"backwardSteps must be in 0..{steps}, got {backwardSteps}.", nameof(backwardSteps));

        Ensure(ref _dStack, rows * w);
        Span<T> dStack = _dStack.AsSpan(0, rows * w);
        if (Config.Head == HeadKind.PerStep)
        {
            if (Stack.HasLengths)
            {
                // Outputs at padding positions are constants (zero): their gradient is dropped.
                Ensure(ref _dOutMasked, dOutput.Length);
                Span<T> masked = _dOutMasked.AsSpan(0, dOutput.Length);
                dOutput.CopyTo(masked);
                ClearPaddingRows(masked, steps, batch);
                dOutput = masked;
            }
            _head.Backward(HeadInput, dOutput, rows, dStack);
        }
        else
        {
            Ensure(ref _dFeature, batch * w);
            Span<T> dFeat = _dFeature.AsSpan(0, batch * w);
            _head.Backward(_feature.AsSpan(0, batch * w), dOutput, batch, dFeat);
            dStack.Clear();
            int h = Config.HiddenSize;
            for (int b = 0; b < batch; b++)
            {
                dFeat.Slice(b * w, h).CopyTo(dStack.Slice(((Stack.Length(b) - 1) * batch + b) * w, h));
                if (Stack.Directions == 2) dFeat.Slice(b * w + h, h).CopyTo(dStack.Slice(b * w + h, h));
            }
        }
        // The head read stack output ⊙ mask: the gradient of the stack output is the head's times the mask.
        if (_outputDropped) DropoutMasks.Apply(dStack, _outputMask.AsSpan(0, rows * w));

        if (!dStackOutput.IsEmpty)
        {
            if (dStackOutput.Length != rows * w)
                throw new ArgumentException($"dStackOutput has {dStackOutput.Length} values; expected T*B*W = {rows * w}.", nameof(dStackOutput));
            for (int t = 0; t < steps; t++)
                for (int b = 0; b < batch; b++)
                {
                    if (t >= Stack.Length(b)) continue;
                    int o = (t * batch + b) * w;
                    for (int j = 0; j < w; j++) dStack[o + j] += dStackOutput[o + j];
                }
        }

        bool full = k == steps;
        int stateLen = Stack.StateSize(batch);
        Ensure(ref _dh0, stateLen);
        if (Config.Cell.HasCellState()) Ensure(ref _dc0, stateLen);
        int f = Config.StackInputSize;
        if (_tokenPath)
        {
            // The stack adds the embedding-table gradient directly (nothing for one-hot inputs, which are constants).
            // With embedding dropout it read the masked table: its gradient goes to a scratch, and the real
            // table's is that times each row's scale.
            Span<T> dTable = _embedding is null ? default
                : _embeddingDropped ? ClearedMaskedTableGradient()
                : Parameters.Gradient(_embedding.Weight);
            Stack.Backward(dStack, default, default, dTable,
                full ? _dh0.AsSpan(0, stateLen) : default,
                full && Config.Cell.HasCellState() ? _dc0.AsSpan(0, stateLen) : default, k);
            if (!full) { _dh0.AsSpan(0, stateLen).Clear(); if (Config.Cell.HasCellState()) _dc0.AsSpan(0, stateLen).Clear(); }
            if (_embeddingDropped)
            {
                Span<T> dReal = Parameters.Gradient(_embedding!.Weight);
                int e = _embedding.Dimension;
                for (int r = 0; r < Config.InputSize; r++)
                {
                    T scale = _rowScale[r];
                    if (scale == T.Zero) continue;
                    for (int j = 0; j < e; j++) dReal[r * e + j] += dTable[r * e + j] * scale;
                }
            }
            return;
        }
        bool needDx = Config.Input != InputKind.OneHot; // one-hot inputs are constants: skip the (T,B,V) product
        Span<T> dx = default;
        if (needDx)
        {
            Ensure(ref _dx, rows * f);
            dx = _dx.AsSpan(0, rows * f);
            dx.Clear();
        }
        Stack.Backward(dStack, default, default, dx,
            full ? _dh0.AsSpan(0, stateLen) : default,
            full && Config.Cell.HasCellState() ? _dc0.AsSpan(0, stateLen) : default, k);
        if (!full) { _dh0.AsSpan(0, stateLen).Clear(); if (Config.Cell.HasCellState()) _dc0.AsSpan(0, stateLen).Clear(); }
        if (_embeddingDropped) ScaleTokenRows(dx, _ids.AsSpan(0, rows), f);
        _embedding?.Backward(_ids.AsSpan(0, rows), dx, firstRow: (steps - k) * batch);
    }

    private Span<T> ClearedMaskedTableGradient()
    {
        int n = _embedding!.Weight.Length;
        Ensure(ref _dMaskedTable, n);
        Span<T> d = _dMaskedTable.AsSpan(0, n);
        d.Clear();
        return d;
    }

    private void Initialize(Rng rng)
    {
        var c = Config;
        int h = c.HiddenSize, gates = c.Cell.Gates();
        if (_embedding is not null)
        {
            Span<T> e = Parameters.Value(_embedding.Weight);
            switch (c.WeightInit)
            {
                case WeightInit.Uniform: Initializers.Uniform(e, -c.UniformRange, c.UniformRange, rng); break;
                case WeightInit.Zeros: e.Clear(); break;
                case WeightInit.XavierUniform: Initializers.XavierUniform(e, c.InputSize, _embedding.Dimension, rng); break;
                case WeightInit.XavierNormal: Initializers.XavierNormal(e, c.InputSize, _embedding.Dimension, rng); break;
                // A tied table is also the output layer, where N(0, 1) would give logits of size √E: PyTorch's
                // word_language_model example initialises it U(±0.1).
                case var _ when c.TieWeights: Initializers.Uniform(e, -0.1, 0.1, rng); break;
                default: Initializers.Normal(e, 1.0, rng); break; // PyTorch's nn.Embedding: N(0, 1)
            }
        }
        double recurrentDefault = 1.0 / Math.Sqrt(h);
        foreach (var dir in Stack.AllDirections)
        {
            Initializers.GateBlocks(Parameters.Value(dir.WeightIH), gates, h, dir.InputSize, c.WeightInit, c.UniformRange,
                c.InitGain, recurrentDefault, rng);
            Initializers.GateBlocks(Parameters.Value(dir.WeightHH), gates, h, h, c.RecurrentInit, c.UniformRange,
                c.InitGain, recurrentDefault, rng);
            InitBias(Parameters.Value(dir.BiasIH), recurrentDefault, rng);
            InitBias(Parameters.Value(dir.BiasHH), recurrentDefault, rng);
            if (c.Cell == CellKind.Lstm && c.ForgetGateBias is double fb)
            {
                // Gate order i, f, g, o: the forget block is [H, 2H). PyTorch adds both biases, so the
                // whole initial forget bias goes into bias_ih and bias_hh's forget block is zero.
                Parameters.Value(dir.BiasIH).Slice(h, h).Fill(T.CreateChecked(fb));
                Parameters.Value(dir.BiasHH).Slice(h, h).Clear();
            }
            // Peepholes start at zero: the cell begins as a standard LSTM and learns to use them.
            if (dir.Peephole is not null) Parameters.Value(dir.Peephole).Clear();
            InitCellStructure(dir, rng);
        }
        double linearDefault = 1.0 / Math.Sqrt(Stack.OutputSize);
        if (_tiedHead is not null)
        {
            // The projection is an nn.Linear(D*H, E, bias=False); the logits' fan-in is E.
            if (_tiedHead.Projection is not null)
                Initializers.GateBlocks(Parameters.Value(_tiedHead.Projection), 1, _tiedHead.Width, Stack.OutputSize, c.WeightInit,
                    c.UniformRange, c.InitGain, linearDefault, rng);
            InitBias(Parameters.Value(_tiedHead.Bias), 1.0 / Math.Sqrt(_tiedHead.Width), rng);
        }
        else
        {
            Initializers.GateBlocks(Parameters.Value(_linearHead!.Weight), 1, c.OutputSize, Stack.OutputSize, c.WeightInit,
                c.UniformRange, c.InitGain, linearDefault, rng);
            InitBias(Parameters.Value(_linearHead.Bias), linearDefault, rng);
        }

        void InitBias(Span<T> b, double defaultRange, Rng r)
        {
            switch (c.WeightInit)
            {
                case WeightInit.PyTorchDefault: Initializers.Uniform(b, -defaultRange, defaultRange, r); break;
                case WeightInit.Uniform: Initializers.Uniform(b, -c.UniformRange, c.UniformRange, r); break;
                default: b.Clear(); break;
            }
        }
    }

    // Layer normalisation starts as the identity on the normalised values (gains 1, cell bias 0, as nn.LayerNorm); each
    // Mogrifier matrix (or factor) Xavier-uniform on its own (out, in) shape, so the first rounds scale by 2σ(small) ≈ 1.
    private void InitCellStructure(RecurrentDirection<T> dir, Rng rng)
    {
        ParameterStore<T> store = Parameters;
        foreach (var gain in new[] { dir.LayerNormInputGain, dir.LayerNormRecurrentGain, dir.LayerNormCellGain })
            if (gain is not null) store.Value(gain).Fill(T.One);
        if (dir.LayerNormCellBias is not null) store.Value(dir.LayerNormCellBias).Clear();
        if (dir.Mogrifier is null) return;
        foreach (var m in dir.Mogrifier.Parameters)
            Initializers.XavierUniform(store.Value(m), m.Shape[0], m.Shape[1], rng);
    }
}
