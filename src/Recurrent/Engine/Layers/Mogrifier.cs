// Mogrifier: the mutual gating of a step's input and previous state before an LSTM step (Melis et al. 2019,
// "Mogrifier LSTM"). For rounds j = 1..R, with x = x_t (B,I) and h = h_{t−1} (B,H):
//   j odd : x ← 2σ(h·Q_jᵀ) ⊙ x     Q_j (I,H)
//   j even: h ← 2σ(x·Q_jᵀ) ⊙ h     Q_j (H,I)
// and the LSTM step then reads the modulated x and h (its c_{t−1} and its own output are untouched). With a rank K,
// Q_j = A_j·B_j (A_j (out,K), B_j (K,in)): Melis et al.'s low-rank variant, fewer parameters when K is small.
// Parameter names: {prefix}mogrifier_{j}_{suffix} (full rank) or mogrifier_{j}_a_ / mogrifier_{j}_b_ (rank K).
// Every intermediate x and h version, scale and (rank K) product is kept per step for backward.
using System.Numerics;
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

    // Per step t: x versions (XVersions, B, I), h versions (HVersions, B, H), scales of every round, rank-K products.
    private T[] _xs = [], _hs = [], _scales = [], _mids = [];
    private T[] _da = [], _dm = [];        // (B, max(I,H)), (B, K) backward scratch
    private int _batch;

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
    private int ScalesPerStep(int batch) => batch * (XVersions - 1) * _inputSize + batch * (HVersions - 1) * _hidden;

    private static void Ensure(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[length];
    }

    /// <summary>Sizes the per-step buffers for a sequence of <paramref name="steps"/> steps of <paramref name="batch"/> rows.</summary>
    public void Begin(int steps, int batch)
    {
        _batch = batch;
        Ensure(ref _xs, steps * XVersions * batch * _inputSize);
        Ensure(ref _hs, steps * HVersions * batch * _hidden);
        Ensure(ref _scales, steps * ScalesPerStep(batch));
        if (Rank > 0) Ensure(ref _mids, steps * Rounds * batch * Rank);
        Ensure(ref _da, batch * Math.Max(_inputSize, _hidden));
        if (Rank > 0) Ensure(ref _dm, batch * Rank);
    }

    private Span<T> X(int t, int version) => _xs.AsSpan(((t * XVersions) + version) * _batch * _inputSize, _batch * _inputSize);
    private Span<T> H(int t, int version) => _hs.AsSpan(((t * HVersions) + version) * _batch * _hidden, _batch * _hidden);
    private Span<T> Mid(int t, int j) => _mids.AsSpan(((t * Rounds) + j - 1) * _batch * Rank, _batch * Rank);

    // The scales of round j at step t, (B, out_j): rounds are laid out in order, each B·out_j long.
    private Span<T> Scale(int t, int j)
    {
        int offset = t * ScalesPerStep(_batch);
        for (int i = 1; i < j; i++) offset += _batch * Shape(i).Output;
        return _scales.AsSpan(offset, _batch * Shape(j).Output);
    }

    /// <summary>Step t: x (B,I), h (B,H) → the modulated xOut (B,I) and hOut (B,H).</summary>
    public void Forward(int t, ReadOnlySpan<T> x, ReadOnlySpan<T> h, Span<T> xOut, Span<T> hOut)
    {
        int batch = _batch;
        x.CopyTo(X(t, 0));
        h.CopyTo(H(t, 0));
        T two = T.CreateTruncating(2);
        for (int j = 1; j <= Rounds; j++)
        {
            (int output, int input) = Shape(j);
            bool odd = j % 2 == 1;
            ReadOnlySpan<T> operand = odd ? H(t, (j - 1) / 2) : X(t, j / 2);
            ReadOnlySpan<T> target = odd ? X(t, (j - 1) / 2) : H(t, j / 2 - 1);
            Span<T> result = odd ? X(t, (j + 1) / 2) : H(t, j / 2);
            Span<T> s = Scale(t, j);
            if (Rank == 0)
                Gemm.Multiply(Op.None, Op.Transpose, batch, output, input, operand, input, _store.Value(_full[j - 1]), input, s, output, accumulate: false);
            else
            {
                Span<T> m = Mid(t, j);
                Gemm.Multiply(Op.None, Op.Transpose, batch, Rank, input, operand, input, _store.Value(_right[j - 1]), input, m, Rank, accumulate: false);
                Gemm.Multiply(Op.None, Op.Transpose, batch, output, Rank, m, Rank, _store.Value(_left[j - 1]), Rank, s, output, accumulate: false);
            }
            for (int k = 0; k < s.Length; k++)
            {
                s[k] = two * Activations.Sigmoid(s[k]);
                result[k] = s[k] * target[k];
            }
        }
        X(t, XVersions - 1).CopyTo(xOut);
        H(t, HVersions - 1).CopyTo(hOut);
    }

    /// <summary>
    /// Step t backward: dx (B,I) holds ∂L/∂xOut and becomes ∂L/∂x_t; dh (B,H) holds ∂L/∂hOut and becomes ∂L/∂h_{t−1}
    /// (through the rounds only). Adds into the rounds' parameter gradients.
    /// </summary>
    public void Backward(int t, Span<T> dx, Span<T> dh)
    {
        int batch = _batch;
        T half = T.CreateTruncating(0.5);
        for (int j = Rounds; j >= 1; j--)
        {
            (int output, int input) = Shape(j);
            bool odd = j % 2 == 1;
            ReadOnlySpan<T> operand = odd ? H(t, (j - 1) / 2) : X(t, j / 2);
            ReadOnlySpan<T> target = odd ? X(t, (j - 1) / 2) : H(t, j / 2 - 1);
            Span<T> dTarget = odd ? dx : dh, dOperand = odd ? dh : dx;
            ReadOnlySpan<T> s = Scale(t, j);
            Span<T> da = _da.AsSpan(0, batch * output);
            // result = s ⊙ target, s = 2σ(a): ds = dResult ⊙ target, da = ds ⊙ 2σ(1−σ) = ds ⊙ s ⊙ (1 − s/2).
            for (int k = 0; k < da.Length; k++)
            {
                T g = dTarget[k];
                da[k] = g * target[k] * s[k] * (T.One - half * s[k]);
                dTarget[k] = g * s[k];
            }
            if (Rank == 0)
            {
                Parameter q = _full[j - 1];
                Gemm.Multiply(Op.Transpose, Op.None, output, input, batch, da, output, operand, input, _store.Gradient(q), input, accumulate: true);
                Gemm.Multiply(Op.None, Op.None, batch, input, output, da, output, _store.Value(q), input, dOperand, input, accumulate: true);
            }
            else
            {
                Parameter a = _left[j - 1], b = _right[j - 1];
                Span<T> dm = _dm.AsSpan(0, batch * Rank);
                Gemm.Multiply(Op.Transpose, Op.None, output, Rank, batch, da, output, Mid(t, j), Rank, _store.Gradient(a), Rank, accumulate: true);
                Gemm.Multiply(Op.None, Op.None, batch, Rank, output, da, output, _store.Value(a), Rank, dm, Rank, accumulate: false);
                Gemm.Multiply(Op.Transpose, Op.None, Rank, input, batch, dm, Rank, operand, input, _store.Gradient(b), input, accumulate: true);
                Gemm.Multiply(Op.None, Op.None, batch, input, Rank, dm, Rank, _store.Value(b), input, dOperand, input, accumulate: true);
            }
        }
    }
}
