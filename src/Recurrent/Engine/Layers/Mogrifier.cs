// Mogrifier: the mutual gating of a step's input and previous state before an LSTM step (Melis et al. 2019,
// "Mogrifier LSTM"). For rounds j = 1..R, with x = x_t (B,I) and h = h_{t−1} (B,H):
//   j odd : x ← 2σ(h·Q_jᵀ) ⊙ x     Q_j (I,H)
//   j even: h ← 2σ(x·Q_jᵀ) ⊙ h     Q_j (H,I)
// and the LSTM step then reads the modulated x and h (its c_{t−1} and its own output are untouched). With a rank K,
// Q_j = A_j·B_j (A_j (out,K), B_j (K,in)): Melis et al.'s low-rank variant, fewer parameters when K is small.
// Parameter names: {prefix}mogrifier_{j}_{suffix} (full rank) or mogrifier_{j}_a_ / mogrifier_{j}_b_ (rank K).
// Structured as RecurrentDirection: the rounds are sequential per step (each reads the previous step's h), so each
// step runs one small product per round against matrices packed once per pass (float); every x and h version, scale
// and rank-K product is kept, stored version-major (version, t, B, ·) so that after backward each round's weight
// gradient is one product over all backpropagated steps instead of one per step.
using System.Numerics;
using System.Runtime.InteropServices;
using Recurrent.Kernels;
using Recurrent.Tensors;

namespace Recurrent.Layers;

/// <summary>The Mogrifier rounds of one LSTM layer and direction.</summary>
internal sealed class Mogrifier<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ParameterStore<T> _store;
    private readonly int _inputSize, _hidden;
    private readonly Parameter[] _full;    // [j-1] Q_j (full rank)
    private readonly Parameter[] _left;    // [j-1] A_j (out_j, K) (rank K)
    private readonly Parameter[] _right;   // [j-1] B_j (K, in_j) (rank K)

    // Version-major per-step values: x versions (XVersions, T, B, I), h versions (HVersions, T, B, H); per round j the
    // scales s_j = 2σ(a_j) and their gradients da_j (T, B, out_j), one region per round; rank K: m_j = operand·B_jᵀ and
    // dm_j (R, T, B, K).
    private T[] _xs = [], _hs = [], _scales = [], _dScales = [], _mids = [], _dMids = [];
    private int _steps, _batch;
    // Packed matrices (float, batch ≥ Gemm.SmallM): per round, the forward operand (Q_jᵀ, or B_jᵀ then A_jᵀ) and the
    // backward one (Q_j, or A_j then B_j).
    private PackedMatrix?[] _forwardFirst = [], _forwardSecond = [], _backwardFirst = [], _backwardSecond = [];
    private bool _packed;

    public Mogrifier(ParameterStore<T> store, string prefix, string suffix, int inputSize, int hiddenSize, int rounds, int rank)
    {
        if (rounds < 1) throw new ArgumentException($"Mogrifier rounds must be at least 1, got {rounds}.", nameof(rounds));
        if (rank < 0) throw new ArgumentException($"Mogrifier rank must be 0 (full) or positive, got {rank}.", nameof(rank));
        _store = store;
        _inputSize = inputSize;
        _hidden = hiddenSize;
        Rounds = rounds;
        Rank = rank;
        _full = new Parameter[rank == 0 ? rounds : 0];
        _left = new Parameter[rank == 0 ? 0 : rounds];
        _right = new Parameter[rank == 0 ? 0 : rounds];
        for (int j = 1; j <= rounds; j++)
        {
            (int output, int input) = Shape(j);
            if (rank == 0) _full[j - 1] = store.Add($"{prefix}mogrifier_{j}_{suffix}", ParameterRole.Weight, output, input);
            else
            {
                _left[j - 1] = store.Add($"{prefix}mogrifier_{j}_a_{suffix}", ParameterRole.Weight, output, rank);
                _right[j - 1] = store.Add($"{prefix}mogrifier_{j}_b_{suffix}", ParameterRole.Weight, rank, input);
            }
        }
    }

    /// <summary>Number of rounds R.</summary>
    public int Rounds { get; }
    /// <summary>0 for full-rank Q_j, else the rank K of Q_j = A_j·B_j.</summary>
    public int Rank { get; }
    /// <summary>Every matrix of every round (Q_j, or A_j and B_j), for initialisation.</summary>
    public IEnumerable<Parameter> Parameters => _full.Concat(_left).Concat(_right);

    // Round j scales x (odd j: out = I, in = H) or h (even j: out = H, in = I).
    private (int Output, int Input) Shape(int j) => j % 2 == 1 ? (_inputSize, _hidden) : (_hidden, _inputSize);
    private int XVersions => (Rounds + 1) / 2 + 1;
    private int HVersions => Rounds / 2 + 1;
    // Values per step row of all rounds' scales together: Σ_j out_j.
    private int ScaleWidth => (XVersions - 1) * _inputSize + (HVersions - 1) * _hidden;

    private static void Ensure(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[length];
    }

    /// <summary>Sizes the buffers for a pass over <paramref name="steps"/> steps of <paramref name="batch"/> rows and packs the
    /// round matrices for its forward products.</summary>
    public void Begin(int steps, int batch)
    {
        _steps = steps;
        _batch = batch;
        int rows = steps * batch;
        Ensure(ref _xs, XVersions * rows * _inputSize);
        Ensure(ref _hs, HVersions * rows * _hidden);
        Ensure(ref _scales, rows * ScaleWidth);
        if (Rank > 0) Ensure(ref _mids, Rounds * rows * Rank);
        _packed = typeof(T) == typeof(float) && batch >= Gemm.SmallM && steps > 1;
        if (!_packed) return;
        if (_forwardFirst.Length != Rounds)
        {
            _forwardFirst = new PackedMatrix?[Rounds]; _forwardSecond = new PackedMatrix?[Rounds];
            _backwardFirst = new PackedMatrix?[Rounds]; _backwardSecond = new PackedMatrix?[Rounds];
        }
        for (int j = 1; j <= Rounds; j++)
        {
            (int output, int input) = Shape(j);
            if (Rank == 0) (_forwardFirst[j - 1] ??= new PackedMatrix()).Pack(Op.Transpose, input, output, Floats(_store.Value(_full[j - 1])), input);
            else
            {
                (_forwardFirst[j - 1] ??= new PackedMatrix()).Pack(Op.Transpose, input, Rank, Floats(_store.Value(_right[j - 1])), input);
                (_forwardSecond[j - 1] ??= new PackedMatrix()).Pack(Op.Transpose, Rank, output, Floats(_store.Value(_left[j - 1])), Rank);
            }
        }
    }

    private static ReadOnlySpan<float> Floats(ReadOnlySpan<T> x) => MemoryMarshal.Cast<T, float>(x);
    private static Span<float> FloatsW(Span<T> x) => MemoryMarshal.Cast<T, float>(x);

    private int Rows => _steps * _batch;
    private Span<T> X(int t, int version) => _xs.AsSpan((version * Rows + t * _batch) * _inputSize, _batch * _inputSize);
    private Span<T> H(int t, int version) => _hs.AsSpan((version * Rows + t * _batch) * _hidden, _batch * _hidden);
    // Round j's scales (or their gradients) for all steps, (T, B, out_j): the rounds' regions follow one another.
    private Span<T> Scales(T[] buffer, int j)
    {
        int offset = 0;
        for (int i = 1; i < j; i++) offset += Rows * Shape(i).Output;
        return buffer.AsSpan(offset, Rows * Shape(j).Output);
    }
    private Span<T> Scale(T[] buffer, int t, int j) { int n = _batch * Shape(j).Output; return Scales(buffer, j).Slice(t * n, n); }
    private Span<T> Mid(T[] buffer, int t, int j) => buffer.AsSpan(((j - 1) * Rows + t * _batch) * Rank, _batch * Rank);

    // The operand (read) and target (scaled) of round j: odd rounds read h (after (j−1)/2 even rounds) and scale x; even
    // rounds read x (after j/2 odd rounds) and scale h.
    private (int Version, bool IsX) OperandOf(int j) => j % 2 == 1 ? ((j - 1) / 2, false) : (j / 2, true);
    private Span<T> Operand(int t, int j) { var (v, isX) = OperandOf(j); return isX ? X(t, v) : H(t, v); }
    private Span<T> Target(int t, int j) => j % 2 == 1 ? X(t, (j - 1) / 2) : H(t, j / 2 - 1);
    private Span<T> Result(int t, int j) => j % 2 == 1 ? X(t, (j + 1) / 2) : H(t, j / 2);

    // dest (B, n) = a (B, k) · Wᵀ, W stored (n, k): from the packed Wᵀ when packed.
    private void ProductT(ReadOnlySpan<T> a, int k, ReadOnlySpan<T> w, int n, PackedMatrix? packed, Span<T> dest, bool accumulate)
    {
        if (_packed) Sgemm.Multiply(Op.None, _batch, Floats(a), k, packed!, FloatsW(dest), n, accumulate);
        else Gemm.Multiply(Op.None, Op.Transpose, _batch, n, k, a, k, w, k, dest, n, accumulate);
    }

    // dest (B, n) += a (B, k) · W, W stored (k, n): from the packed W when packed.
    private void Product(ReadOnlySpan<T> a, int k, ReadOnlySpan<T> w, int n, PackedMatrix? packed, Span<T> dest, bool accumulate)
    {
        if (_packed) Sgemm.Multiply(Op.None, _batch, Floats(a), k, packed!, FloatsW(dest), n, accumulate);
        else Gemm.Multiply(Op.None, Op.None, _batch, n, k, a, k, w, n, dest, n, accumulate);
    }

    /// <summary>Step t: x (B,I), h (B,H) → the modulated xOut (B,I) and hOut (B,H).</summary>
    public void Forward(int t, ReadOnlySpan<T> x, ReadOnlySpan<T> h, Span<T> xOut, Span<T> hOut)
    {
        x.CopyTo(X(t, 0));
        h.CopyTo(H(t, 0));
        for (int j = 1; j <= Rounds; j++)
        {
            (int output, int input) = Shape(j);
            Span<T> s = Scale(_scales, t, j);
            if (Rank == 0)
                ProductT(Operand(t, j), input, _store.Value(_full[j - 1]), output, _packed ? _forwardFirst[j - 1] : null, s, accumulate: false);
            else
            {
                Span<T> m = Mid(_mids, t, j);
                ProductT(Operand(t, j), input, _store.Value(_right[j - 1]), Rank, _packed ? _forwardFirst[j - 1] : null, m, accumulate: false);
                ProductT(m, Rank, _store.Value(_left[j - 1]), output, _packed ? _forwardSecond[j - 1] : null, s, accumulate: false);
            }
            ScaleForward(s, Target(t, j), Result(t, j));
        }
        X(t, XVersions - 1).CopyTo(xOut);
        H(t, HVersions - 1).CopyTo(hOut);
    }

    /// <summary>Sizes the gradient buffers and packs the round matrices for the backward products; call before the steps' <see cref="Backward"/>.</summary>
    public void BeginBackward()
    {
        Ensure(ref _dScales, Rows * ScaleWidth);
        if (Rank > 0) Ensure(ref _dMids, Rounds * Rows * Rank);
        if (!_packed) return;
        for (int j = 1; j <= Rounds; j++)
        {
            (int output, int input) = Shape(j);
            if (Rank == 0) (_backwardFirst[j - 1] ??= new PackedMatrix()).Pack(Op.None, output, input, Floats(_store.Value(_full[j - 1])), input);
            else
            {
                (_backwardFirst[j - 1] ??= new PackedMatrix()).Pack(Op.None, output, Rank, Floats(_store.Value(_left[j - 1])), Rank);
                (_backwardSecond[j - 1] ??= new PackedMatrix()).Pack(Op.None, Rank, input, Floats(_store.Value(_right[j - 1])), input);
            }
        }
    }

    /// <summary>
    /// Step t backward: dx (B,I) holds ∂L/∂xOut and becomes ∂L/∂x_t; dh (B,H) holds ∂L/∂hOut and becomes ∂L/∂h_{t−1}
    /// (through the rounds only). Keeps the rounds' gradients for <see cref="AccumulateWeightGradients"/>.
    /// </summary>
    public void Backward(int t, Span<T> dx, Span<T> dh)
    {
        for (int j = Rounds; j >= 1; j--)
        {
            (int output, int input) = Shape(j);
            bool odd = j % 2 == 1;
            Span<T> dTarget = odd ? dx : dh, dOperand = odd ? dh : dx;
            Span<T> da = Scale(_dScales, t, j);
            ScaleBackward(Scale(_scales, t, j), Target(t, j), dTarget, da);
            if (Rank == 0)
                Product(da, output, _store.Value(_full[j - 1]), input, _packed ? _backwardFirst[j - 1] : null, dOperand, accumulate: true);
            else
            {
                Span<T> dm = Mid(_dMids, t, j);
                Product(da, output, _store.Value(_left[j - 1]), Rank, _packed ? _backwardFirst[j - 1] : null, dm, accumulate: false);
                Product(dm, Rank, _store.Value(_right[j - 1]), input, _packed ? _backwardSecond[j - 1] : null, dOperand, accumulate: true);
            }
        }
    }

    /// <summary>Adds every round's weight gradient over the backpropagated steps [t0, t0 + count): one product per matrix.</summary>
    public void AccumulateWeightGradients(int t0, int count)
    {
        int rows = count * _batch, first = t0 * _batch;
        for (int j = 1; j <= Rounds; j++)
        {
            (int output, int input) = Shape(j);
            var (version, isX) = OperandOf(j);
            ReadOnlySpan<T> operand = isX ? _xs.AsSpan((version * Rows + first) * _inputSize, rows * _inputSize)
                : _hs.AsSpan((version * Rows + first) * _hidden, rows * _hidden);
            ReadOnlySpan<T> da = Scales(_dScales, j).Slice(first * output, rows * output);
            if (Rank == 0)
                Gemm.Multiply(Op.Transpose, Op.None, output, input, rows, da, output, operand, input, _store.Gradient(_full[j - 1]), input, accumulate: true);
            else
            {
                Gemm.Multiply(Op.Transpose, Op.None, output, Rank, rows, da, output, _mids.AsSpan(((j - 1) * Rows + first) * Rank, rows * Rank), Rank,
                    _store.Gradient(_left[j - 1]), Rank, accumulate: true);
                Gemm.Multiply(Op.Transpose, Op.None, Rank, input, rows, _dMids.AsSpan(((j - 1) * Rows + first) * Rank, rows * Rank), Rank, operand, input,
                    _store.Gradient(_right[j - 1]), input, accumulate: true);
            }
        }
    }

    // s ← 2σ(s) (s holds the pre-activations a), result = s ⊙ target; a Vector<float> path for float, the scalar reference for
    // the rest and the tails.
    internal static void ScaleForward(Span<T> s, ReadOnlySpan<T> target, Span<T> result)
    {
        int k = 0;
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
        {
            Span<float> sf = MemoryMarshal.Cast<T, float>(s), rf = MemoryMarshal.Cast<T, float>(result);
            ReadOnlySpan<float> tf = MemoryMarshal.Cast<T, float>(target);
            var two = new Vector<float>(2f);
            for (; k <= s.Length - Vector<float>.Count; k += Vector<float>.Count)
            {
                var scale = two * VectorMath.Sigmoid(new Vector<float>(sf.Slice(k)));
                scale.CopyTo(sf.Slice(k));
                (scale * new Vector<float>(tf.Slice(k))).CopyTo(rf.Slice(k));
            }
        }
        T twoT = T.CreateTruncating(2);
        for (; k < s.Length; k++)
        {
            s[k] = twoT * Activations.Sigmoid(s[k]);
            result[k] = s[k] * target[k];
        }
    }

    // result = s ⊙ target, s = 2σ(a): da = dResult ⊙ target ⊙ s ⊙ (1 − s/2) (2σ' = 2σ(1−σ)), and dTarget ← dResult ⊙ s.
    internal static void ScaleBackward(ReadOnlySpan<T> s, ReadOnlySpan<T> target, Span<T> dTarget, Span<T> da)
    {
        int k = 0;
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<float> sf = MemoryMarshal.Cast<T, float>(s), tf = MemoryMarshal.Cast<T, float>(target);
            Span<float> df = MemoryMarshal.Cast<T, float>(dTarget), af = MemoryMarshal.Cast<T, float>(da);
            var half = new Vector<float>(0.5f);
            for (; k <= da.Length - Vector<float>.Count; k += Vector<float>.Count)
            {
                var g = new Vector<float>(df.Slice(k));
                var sk = new Vector<float>(sf.Slice(k));
                (g * new Vector<float>(tf.Slice(k)) * sk * (Vector<float>.One - half * sk)).CopyTo(af.Slice(k));
                (g * sk).CopyTo(df.Slice(k));
            }
        }
        T halfT = T.CreateTruncating(0.5);
        for (; k < da.Length; k++)
        {
            T g = dTarget[k];
            da[k] = g * target[k] * s[k] * (T.One - halfT * s[k]);
            dTarget[k] = g * s[k];
        }
    }
}
