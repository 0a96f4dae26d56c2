// Attention: global attention of a decoder over an encoder's outputs, one decoder step at a time (Luong et al.
// 2015, §3.1), with Luong's three score functions' places taken by general, dot and Bahdanau's additive score
// (as OpenNMT-py's GlobalAttention does). For memory e (S,B,E), a valid-position mask (S,B) and a decoder output
// h_t (B,H):
//   scores a[s,b] = score(h_t[b], e[s,b])                  only where mask[s,b]
//   weights α[b,s] = exp(a[s,b]) / Σ_valid exp(a[s',b])   0 at masked positions; all 0 when a row has none valid
//   context c[b] = Σ_s α[b,s] e[s,b]                       (B,E)
//   output h̃[b] = tanh(W_c [c[b]; h_t[b]])                (B,H), the attentional hidden state
// The keys that do not depend on h (W_a e for general, W_k e + b_k for additive) are projected once per memory
// with one GEMM; per step there is only B×S work. Backward runs step by step in reverse (BackwardStep gives dh_t,
// which the decoder's recurrence needs at once); the weight gradients of W_c and W_q are one GEMM over all steps,
// and those of the keys and the memory one GEMM each, in FinishBackward. Masked positions get weight 0, so their
// memory rows receive no gradient. It is not the decoder: input feeding (h̃_{t−1} into the next step's input) is
// the caller's.
using System.Numerics;
using Recurrent.Kernels;
using Recurrent.Tensors;

namespace Recurrent.Layers;

/// <summary>
/// Global attention over encoder outputs with a Luong attentional output h̃ = tanh(W_c[c; h]) (Luong et al. 2015);
/// scores <see cref="AttentionKind.Luong"/> (general), <see cref="AttentionKind.LuongDot"/> or
/// <see cref="AttentionKind.Bahdanau"/> (additive, Bahdanau et al. 2015). Parameters: <c>{prefix}out.weight</c>
/// (H, E+H); general: <c>{prefix}score.weight</c> (H, E); additive: <c>{prefix}query.weight</c> (A, H),
/// <c>{prefix}key.weight</c> (A, E), <c>{prefix}key.bias</c> (A), <c>{prefix}v.weight</c> (1, A) — as the
/// torch.nn.Linear modules of the same names (biases only on the key).
/// </summary>
public sealed class Attention<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ParameterStore<T> _store;
    private T[] _memory = [];     // (S,B,E) encoder outputs
    private bool[] _mask = [];    // (S,B) true where a position may be attended
    private T[] _keys = [];       // (S,B,K) general: W_a e (K=H); additive: W_k e + b_k (K=A)
    private T[] _dKeys = [];      // (S,B,K)
    private T[] _dMemory = [];    // (S,B,E)
    private T[] _h = [];          // (T,B,H) decoder outputs of each step
    private T[] _q = [];          // (T,B,A) additive: W_q h
    private T[] _u = [];          // (T,S,B,A) additive: tanh(q + key)
    private T[] _alpha = [];      // (T,B,S) attention weights
    private T[] _ch = [];         // (T,B,E+H) [context; h]
    private T[] _out = [];        // (T,B,H) h̃
    private T[] _dz = [];         // (T,B,H) gradient of W_c [c; h]
    private T[] _dq = [];         // (T,B,A) additive: gradient of q
    private T[] _dch = [];        // (B,E+H) one step's gradient of [c; h]
    private T[] _dAlpha = [];     // (S) one row's gradient of the weights
    private int _sourceSteps, _batch, _steps;

    /// <summary>
    /// Registers the parameters. <paramref name="memorySize"/> E is the encoder output width, <paramref name="hiddenSize"/>
    /// H the decoder's, <paramref name="attentionSize"/> A the additive score's hidden width (ignored otherwise).
    /// </summary>
    public Attention(ParameterStore<T> store, string prefix, AttentionKind kind, int memorySize, int hiddenSize, int attentionSize)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (kind == AttentionKind.None || !Enum.IsDefined(kind))
            throw new ArgumentException($"kind must be Bahdanau, Luong or LuongDot, got {kind}.", nameof(kind));
        if (memorySize <= 0) throw new ArgumentException($"memorySize must be positive, got {memorySize}.", nameof(memorySize));
        if (hiddenSize <= 0) throw new ArgumentException($"hiddenSize must be positive, got {hiddenSize}.", nameof(hiddenSize));
        if (kind == AttentionKind.Bahdanau && attentionSize <= 0)
            throw new ArgumentException($"attentionSize must be positive, got {attentionSize}.", nameof(attentionSize));
        if (kind == AttentionKind.LuongDot && memorySize != hiddenSize)
            throw new ArgumentException($"Luong dot attention needs encoder outputs as wide as the decoder state; got E = {memorySize}, H = {hiddenSize} (use Luong general or Bahdanau).", nameof(memorySize));
        _store = store;
        Kind = kind;
        MemorySize = memorySize;
        HiddenSize = hiddenSize;
        AttentionSize = kind == AttentionKind.Bahdanau ? attentionSize : 0;
        OutWeight = store.Add(prefix + "out.weight", ParameterRole.Weight, hiddenSize, memorySize + hiddenSize);
        if (kind == AttentionKind.Luong)
            ScoreWeight = store.Add(prefix + "score.weight", ParameterRole.Weight, hiddenSize, memorySize);
        if (kind == AttentionKind.Bahdanau)
        {
            QueryWeight = store.Add(prefix + "query.weight", ParameterRole.Weight, attentionSize, hiddenSize);
            KeyWeight = store.Add(prefix + "key.weight", ParameterRole.Weight, attentionSize, memorySize);
            KeyBias = store.Add(prefix + "key.bias", ParameterRole.Bias, attentionSize);
            V = store.Add(prefix + "v.weight", ParameterRole.Weight, 1, attentionSize);
        }
    }

    /// <summary>The score function.</summary>
    public AttentionKind Kind { get; }
    /// <summary>E, the width of the encoder outputs.</summary>
    public int MemorySize { get; }
    /// <summary>H, the width of the decoder state and of the attentional output.</summary>
    public int HiddenSize { get; }
    /// <summary>A, the additive score's hidden width (0 for the multiplicative scores).</summary>
    public int AttentionSize { get; }
    /// <summary>W_c (H, E+H).</summary>
    public Parameter OutWeight { get; }
    /// <summary>W_a (H, E) of the general score, or null.</summary>
    public Parameter? ScoreWeight { get; }
    /// <summary>W_q (A, H) of the additive score, or null.</summary>
    public Parameter? QueryWeight { get; }
    /// <summary>W_k (A, E) of the additive score, or null.</summary>
    public Parameter? KeyWeight { get; }
    /// <summary>b_k (A) of the additive score, or null.</summary>
    public Parameter? KeyBias { get; }
    /// <summary>v (1, A) of the additive score, or null.</summary>
    public Parameter? V { get; }

    /// <summary>Source positions S of the current memory.</summary>
    public int SourceSteps => _sourceSteps;
    /// <summary>Batch rows B of the current memory.</summary>
    public int Batch => _batch;
    /// <summary>The current memory, (S,B,E).</summary>
    public ReadOnlySpan<T> Memory => _memory.AsSpan(0, _sourceSteps * _batch * MemorySize);
    /// <summary>The current mask, (S,B).</summary>
    public ReadOnlySpan<bool> Mask => _mask.AsSpan(0, _sourceSteps * _batch);
    /// <summary>
    /// Whether backward computes <see cref="MemoryGradient"/> (default true). Set false when the memory is a fixed
    /// input (features of a frozen network): the gradient then stays zero and its B·S·E work per step and the
    /// (S·B, E, K) GEMM are skipped.
    /// </summary>
    public bool ComputesMemoryGradient { get; set; } = true;
    /// <summary>Gradient of the memory after <see cref="FinishBackward"/>, (S,B,E).</summary>
    public ReadOnlySpan<T> MemoryGradient => _dMemory.AsSpan(0, _sourceSteps * _batch * MemorySize);

    /// <summary>The attention weights of step <paramref name="t"/> of the last forward, (B,S).</summary>
    public ReadOnlySpan<T> Weights(int t) => _alpha.AsSpan(t * _batch * _sourceSteps, _batch * _sourceSteps);

    private int KeySize => Kind == AttentionKind.Luong ? HiddenSize : AttentionSize;

    /// <summary>
    /// Sets the memory: encoder outputs (S,B,E) and the mask (S,B; true = may be attended), copied. Projects the keys
    /// and makes room for <paramref name="steps"/> decoder steps.
    /// </summary>
    public void SetMemory(ReadOnlySpan<T> memory, ReadOnlySpan<bool> mask, int sourceSteps, int batch, int steps)
    {
        if (sourceSteps <= 0 || batch <= 0 || steps <= 0)
            throw new ArgumentException($"sourceSteps, batch and steps must be positive, got {sourceSteps}, {batch} and {steps}.", nameof(sourceSteps));
        int e = MemorySize, n = sourceSteps * batch;
        if (memory.Length != n * e)
            throw new ArgumentException($"memory has {memory.Length} values; expected (S,B,E) = {sourceSteps}*{batch}*{e}.", nameof(memory));
        if (mask.Length != n)
            throw new ArgumentException($"mask has {mask.Length} values; expected (S,B) = {sourceSteps}*{batch}.", nameof(mask));
        (_sourceSteps, _batch) = (sourceSteps, batch);
        Ensure(ref _memory, n * e);
        memory.CopyTo(_memory);
        if (_mask.Length < n) _mask = new bool[n];
        mask.CopyTo(_mask);
        if (Kind != AttentionKind.LuongDot)
        {
            int k = KeySize;
            Ensure(ref _keys, n * k);
            Span<T> keys = _keys.AsSpan(0, n * k);
            // keys (S·B, K) = memory (S·B, E) · W^T (+ b_k)
            if (Kind == AttentionKind.Bahdanau) Gemm.BroadcastRows<T>(_store.Value(KeyBias!), n, k, keys);
            Gemm.Multiply(Op.None, Op.Transpose, n, k, e, Memory, e, _store.Value(Kind == AttentionKind.Luong ? ScoreWeight! : KeyWeight!), e,
                keys, k, accumulate: Kind == AttentionKind.Bahdanau);
        }
        EnsureSteps(steps);
    }

    /// <summary>Makes room for <paramref name="steps"/> decoder steps over the current memory (kept buffers only grow).</summary>
    public void Reserve(int steps)
    {
        if (steps <= 0) throw new ArgumentException($"steps must be positive, got {steps}.", nameof(steps));
        EnsureSteps(steps);
    }

    private void EnsureSteps(int steps)
    {
        int b = _batch, h = HiddenSize, s = _sourceSteps, a = AttentionSize, e = MemorySize;
        _steps = steps;
        Ensure(ref _h, steps * b * h);
        Ensure(ref _alpha, steps * b * s);
        Ensure(ref _ch, steps * b * (e + h));
        Ensure(ref _out, steps * b * h);
        Ensure(ref _dz, steps * b * h);
        Ensure(ref _dch, b * (e + h));
        Ensure(ref _dAlpha, s);
        if (Kind == AttentionKind.Bahdanau)
        {
            Ensure(ref _q, steps * b * a);
            Ensure(ref _dq, steps * b * a);
            Ensure(ref _u, steps * s * b * a);
        }
    }

    /// <summary>
    /// Step <paramref name="t"/> (0 ≤ t &lt; the steps given to <see cref="SetMemory"/>): attends with the decoder output
    /// <paramref name="h"/> (B,H) and writes h̃ (B,H) into <paramref name="output"/>.
    /// </summary>
    public void Forward(int t, ReadOnlySpan<T> h, Span<T> output)
    {
        int b = _batch, hs = HiddenSize, s = _sourceSteps, e = MemorySize, a = AttentionSize, w = e + hs;
        if ((uint)t >= (uint)_steps) throw new ArgumentException($"step {t} is outside 0..{_steps - 1}.", nameof(t));
        if (h.Length != b * hs) throw new ArgumentException($"h has {h.Length} values; expected (B,H) = {b}*{hs}.", nameof(h));
        if (output.Length != b * hs) throw new ArgumentException($"output has {output.Length} values; expected (B,H) = {b}*{hs}.", nameof(output));
        Span<T> hT = _h.AsSpan(t * b * hs, b * hs);
        h.CopyTo(hT);
        Span<T> alpha = _alpha.AsSpan(t * b * s, b * s);
        Span<T> ch = _ch.AsSpan(t * b * w, b * w);
        ReadOnlySpan<T> memory = Memory;
        Span<T> q = default;
        if (Kind == AttentionKind.Bahdanau)
        {
            q = _q.AsSpan(t * b * a, b * a);
            // q (B,A) = h (B,H) · W_q^T
            Gemm.Multiply(Op.None, Op.Transpose, b, a, hs, h, hs, _store.Value(QueryWeight!), hs, q, a, accumulate: false);
        }
        ReadOnlySpan<T> v = Kind == AttentionKind.Bahdanau ? _store.Value(V!) : default;
        for (int r = 0; r < b; r++)
        {
            ReadOnlySpan<T> hr = h.Slice(r * hs, hs);
            Span<T> row = alpha.Slice(r * s, s);
            T max = T.NegativeInfinity;
            for (int j = 0; j < s; j++)
            {
                if (!_mask[j * b + r]) { row[j] = T.Zero; continue; }
                int at = j * b + r;
                T score;
                switch (Kind)
                {
                    case AttentionKind.LuongDot: score = Gemm.Dot(hr, memory.Slice(at * e, e)); break;
                    case AttentionKind.Luong: score = Gemm.Dot(hr, _keys.AsSpan(at * hs, hs)); break;
                    default:
                        Span<T> u = _u.AsSpan(((t * s + j) * b + r) * a, a);
                        ReadOnlySpan<T> key = _keys.AsSpan(at * a, a), qr = q.Slice(r * a, a);
                        for (int i = 0; i < a; i++) u[i] = T.Tanh(qr[i] + key[i]);
                        score = Gemm.Dot<T>(v, u);
                        break;
                }
                row[j] = score;
                if (score > max) max = score;
            }
            // Masked softmax: exp(a - max) over valid positions only; a row with none valid stays all zero.
            T sum = T.Zero;
            for (int j = 0; j < s; j++)
                if (_mask[j * b + r]) { row[j] = T.Exp(row[j] - max); sum += row[j]; }
            if (sum > T.Zero)
                for (int j = 0; j < s; j++) row[j] /= sum;
            Span<T> c = ch.Slice(r * w, e);
            c.Clear();
            for (int j = 0; j < s; j++)
                if (row[j] != T.Zero) Gemm.Axpy(row[j], memory.Slice((j * b + r) * e, e), c);
            hr.CopyTo(ch.Slice(r * w + e, hs));
        }
        // z (B,H) = [c; h] (B,E+H) · W_c^T; h̃ = tanh(z)
        Span<T> o = _out.AsSpan(t * b * hs, b * hs);
        Gemm.Multiply(Op.None, Op.Transpose, b, hs, w, ch, w, _store.Value(OutWeight), w, o, hs, accumulate: false);
        for (int i = 0; i < o.Length; i++) o[i] = T.Tanh(o[i]);
        o.CopyTo(output);
    }

    /// <summary>Clears the memory gradient; call before the first <see cref="BackwardStep"/>.</summary>
    public void BeginBackward()
    {
        Ensure(ref _dMemory, _sourceSteps * _batch * MemorySize);
        _dMemory.AsSpan(0, _sourceSteps * _batch * MemorySize).Clear();
        if (Kind != AttentionKind.LuongDot)
        {
            Ensure(ref _dKeys, _sourceSteps * _batch * KeySize);
            _dKeys.AsSpan(0, _sourceSteps * _batch * KeySize).Clear();
        }
    }

    /// <summary>
    /// Backpropagates dh̃ (B,H) of step <paramref name="t"/>: writes the gradient of that step's decoder output into
    /// <paramref name="dh"/> (B,H) and adds into the memory and key gradients (steps in any order, each once).
    /// </summary>
    public void BackwardStep(int t, ReadOnlySpan<T> dOutput, Span<T> dh)
    {
        int b = _batch, hs = HiddenSize, s = _sourceSteps, e = MemorySize, a = AttentionSize, w = e + hs;
        if ((uint)t >= (uint)_steps) throw new ArgumentException($"step {t} is outside 0..{_steps - 1}.", nameof(t));
        if (dOutput.Length != b * hs) throw new ArgumentException($"dOutput has {dOutput.Length} values; expected (B,H) = {b}*{hs}.", nameof(dOutput));
        if (dh.Length != b * hs) throw new ArgumentException($"dh has {dh.Length} values; expected (B,H) = {b}*{hs}.", nameof(dh));
        // h̃ = tanh(z): dz = dh̃ (1 − h̃²)
        ReadOnlySpan<T> o = _out.AsSpan(t * b * hs, b * hs);
        Span<T> dz = _dz.AsSpan(t * b * hs, b * hs);
        for (int i = 0; i < dz.Length; i++) dz[i] = dOutput[i] * (T.One - o[i] * o[i]);
        // z = [c; h] W_c^T: d[c; h] (B,E+H) = dz (B,H) · W_c
        Span<T> dch = _dch.AsSpan(0, b * w);
        Gemm.Multiply(Op.None, Op.None, b, w, hs, dz, hs, _store.Value(OutWeight), w, dch, w, accumulate: false);
        ReadOnlySpan<T> hT = _h.AsSpan(t * b * hs, b * hs);
        ReadOnlySpan<T> alpha = _alpha.AsSpan(t * b * s, b * s);
        ReadOnlySpan<T> memory = Memory;
        Span<T> dMemory = _dMemory.AsSpan(0, s * b * e);
        Span<T> dq = Kind == AttentionKind.Bahdanau ? _dq.AsSpan(t * b * a, b * a) : default;
        dq.Clear();
        ReadOnlySpan<T> v = Kind == AttentionKind.Bahdanau ? _store.Value(V!) : default;
        Span<T> dv = Kind == AttentionKind.Bahdanau ? _store.Gradient(V!) : default;
        Span<T> dAlpha = _dAlpha.AsSpan(0, s);
        for (int r = 0; r < b; r++)
        {
            ReadOnlySpan<T> dc = dch.Slice(r * w, e);
            Span<T> dhr = dh.Slice(r * hs, hs);
            dch.Slice(r * w + e, hs).CopyTo(dhr);
            ReadOnlySpan<T> row = alpha.Slice(r * s, s);
            // c = Σ α_j e_j: dα_j = dc·e_j, de_j += α_j dc
            T weighted = T.Zero;
            for (int j = 0; j < s; j++)
            {
                if (!_mask[j * b + r]) { dAlpha[j] = T.Zero; continue; }
                ReadOnlySpan<T> ej = memory.Slice((j * b + r) * e, e);
                dAlpha[j] = Gemm.Dot(dc, ej);
                weighted += row[j] * dAlpha[j];
                if (ComputesMemoryGradient) Gemm.Axpy(row[j], dc, dMemory.Slice((j * b + r) * e, e));
            }
            ReadOnlySpan<T> hr = hT.Slice(r * hs, hs);
            for (int j = 0; j < s; j++)
            {
                if (!_mask[j * b + r]) continue;
                int at = j * b + r;
                // softmax: da_j = α_j (dα_j − Σ_k α_k dα_k)
                T da = row[j] * (dAlpha[j] - weighted);
                switch (Kind)
                {
                    case AttentionKind.LuongDot: // a = h·e
                        Gemm.Axpy(da, memory.Slice(at * e, e), dhr);
                        if (ComputesMemoryGradient) Gemm.Axpy(da, hr, dMemory.Slice(at * e, e));
                        break;
                    case AttentionKind.Luong: // a = h·key, key = W_a e
                        Gemm.Axpy(da, _keys.AsSpan(at * hs, hs), dhr);
                        Gemm.Axpy(da, hr, _dKeys.AsSpan(at * hs, hs));
                        break;
                    default: // a = v·u, u = tanh(q + key)
                        ReadOnlySpan<T> u = _u.AsSpan(((t * s + j) * b + r) * a, a);
                        Span<T> dKey = _dKeys.AsSpan(at * a, a), dqr = dq.Slice(r * a, a);
                        for (int i = 0; i < a; i++)
                        {
                            dv[i] += da * u[i];
                            T dPre = da * v[i] * (T.One - u[i] * u[i]);
                            dqr[i] += dPre;
                            dKey[i] += dPre;
                        }
                        break;
                }
            }
        }
        // q = h W_q^T: dh += dq (B,A) · W_q (A,H)
        if (Kind == AttentionKind.Bahdanau)
            Gemm.Multiply(Op.None, Op.None, b, hs, a, dq, a, _store.Value(QueryWeight!), hs, dh, hs, accumulate: true);
    }

    /// <summary>
    /// After <see cref="BackwardStep"/> for each of the first <paramref name="steps"/> steps: adds the weight gradients
    /// (one GEMM over all steps each) and the keys' share of <see cref="MemoryGradient"/>.
    /// </summary>
    public void FinishBackward(int steps)
    {
        if (steps <= 0 || steps > _steps) throw new ArgumentException($"steps must be in 1..{_steps}, got {steps}.", nameof(steps));
        int rows = steps * _batch, hs = HiddenSize, e = MemorySize, w = e + hs, n = _sourceSteps * _batch, a = AttentionSize;
        // dW_c (H,E+H) += dZ^T (H, T·B) · [C; H] (T·B, E+H)
        Gemm.Multiply(Op.Transpose, Op.None, hs, w, rows, _dz, hs, _ch, w, _store.Gradient(OutWeight), w, accumulate: true);
        if (Kind == AttentionKind.LuongDot) return;
        if (Kind == AttentionKind.Bahdanau)
            // dW_q (A,H) += dQ^T (A, T·B) · H (T·B, H)
            Gemm.Multiply(Op.Transpose, Op.None, a, hs, rows, _dq, a, _h, hs, _store.Gradient(QueryWeight!), hs, accumulate: true);
        int k = KeySize;
        Parameter keyWeight = Kind == AttentionKind.Luong ? ScoreWeight! : KeyWeight!;
        ReadOnlySpan<T> dKeys = _dKeys.AsSpan(0, n * k);
        // keys = memory W^T (+ b): dW (K,E) += dKeys^T · memory; db += Σ rows; dMemory += dKeys · W
        Gemm.Multiply(Op.Transpose, Op.None, k, e, n, dKeys, k, Memory, e, _store.Gradient(keyWeight), e, accumulate: true);
        if (Kind == AttentionKind.Bahdanau) Gemm.AddRowsInto(dKeys, n, k, _store.Gradient(KeyBias!));
        if (ComputesMemoryGradient)
            Gemm.Multiply(Op.None, Op.None, n, e, k, dKeys, k, _store.Value(keyWeight), e, _dMemory.AsSpan(0, n * e), e, accumulate: true);
    }

    private static void Ensure(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[length];
    }
}
