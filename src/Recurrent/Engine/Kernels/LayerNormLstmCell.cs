// LayerNormLstmCell: the element-wise step of the layer-normalised LSTM (Ba et al. 2016), forward and backward, over
// a (B, ·) batch of rows. The gate pre-activations arrive already normalised (RecurrentDirection applies LN to the
// input and recurrent products); this kernel adds the normalisation of the cell inside the output:
//   i, f, o = σ(pre_i, pre_f, pre_o), g = act(pre_g), c_t = f⊙c_{t−1} + i⊙g   (c_t is carried un-normalised)
//   h_t = o ⊙ act(γ_c ⊙ LN(c_t) + β_c)                                          (LN over the H units of a row)
// The row reduction of LN(c_t) splits each direction into two element-wise passes around LayerNormRows: forward the
// gates and c_t, then the output; backward the output's gradient, then the gates'. Each pass has a scalar reference
// (any T) and a Vector<float> path (tails run the scalar one); generic over σ (TGate) and act (TCell) as LstmCell.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Recurrent.Kernels;

internal static class LayerNormLstmCell
{
    private static bool Vectorised<T>() => typeof(T) == typeof(float) && Vector.IsHardwareAccelerated;
    private static ReadOnlySpan<float> F<T>(ReadOnlySpan<T> s) where T : unmanaged => MemoryMarshal.Cast<T, float>(s);
    private static Span<float> F<T>(Span<T> s) where T : unmanaged => MemoryMarshal.Cast<T, float>(s);

    /// <summary>
    /// pre (B,4H), cPrev (B,H), gain/bias (H) → gates (B,4H) activated i,f,g,o; c (B,H) raw; cNorm (B,H) = LN(c);
    /// cRstd (B); actC (B,H) = act(gain⊙cNorm + bias); h (B,H) = o⊙actC.
    /// </summary>
    public static void Forward<T, TGate, TCell>(ReadOnlySpan<T> pre, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> gain, ReadOnlySpan<T> bias,
        Span<T> gates, Span<T> c, Span<T> cNorm, Span<T> cRstd, Span<T> actC, Span<T> h, int batch, int hidden, bool scalar = false)
        where T : unmanaged, IFloatingPointIeee754<T> where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int H = hidden, G = 4 * hidden;
        bool vector = !scalar && Vectorised<T>();
        for (int b = 0; b < batch; b++)
        {
            int from = vector ? GatesForwardVector<TGate, TCell>(F(pre.Slice(b * G, G)), F(cPrev.Slice(b * H, H)), F(gates.Slice(b * G, G)), F(c.Slice(b * H, H)), H) : 0;
            GatesForwardScalar<T, TGate, TCell>(pre.Slice(b * G, G), cPrev.Slice(b * H, H), gates.Slice(b * G, G), c.Slice(b * H, H), H, from);
        }
        LayerNormRows.Forward<T>(c.Slice(0, batch * H), batch, H, cNorm, cRstd);
        for (int b = 0; b < batch; b++)
        {
            int from = vector ? OutputForwardVector<TCell>(F(gates.Slice(b * G, G)), F(cNorm.Slice(b * H, H)), F(gain), F(bias), F(actC.Slice(b * H, H)), F(h.Slice(b * H, H)), H) : 0;
            OutputForwardScalar<T, TCell>(gates.Slice(b * G, G), cNorm.Slice(b * H, H), gain, bias, actC.Slice(b * H, H), h.Slice(b * H, H), H, from);
        }
    }

    /// <summary>
    /// Given dh (B,H) from step t+1 plus dy (B,H) from the layer above and dc (B,H) = ∂L/∂c_t from step t+1: writes
    /// dPre (B,4H), replaces dc with ∂L/∂c_{t−1} and adds into dGain, dBias (H). dCellNorm (B,H) is scratch.
    /// </summary>
    public static void Backward<T, TGate, TCell>(ReadOnlySpan<T> gates, ReadOnlySpan<T> cNorm, ReadOnlySpan<T> cRstd, ReadOnlySpan<T> actC,
        ReadOnlySpan<T> cPrev, ReadOnlySpan<T> gain, ReadOnlySpan<T> dh, ReadOnlySpan<T> dy, Span<T> dc, Span<T> dPre,
        Span<T> dGain, Span<T> dBias, Span<T> dCellNorm, int batch, int hidden, bool scalar = false)
        where T : unmanaged, IFloatingPointIeee754<T> where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int H = hidden, G = 4 * hidden;
        bool vector = !scalar && Vectorised<T>();
        // h = o⊙act(u), u = gain⊙ĉ + bias: do, and ∂L/∂ĉ (into dCellNorm) with the affine's gradients.
        for (int b = 0; b < batch; b++)
        {
            int from = vector ? OutputBackwardVector<TGate, TCell>(F(gates.Slice(b * G, G)), F(cNorm.Slice(b * H, H)), F(actC.Slice(b * H, H)), F(gain),
                F(dh.Slice(b * H, H)), F(dy.Slice(b * H, H)), F(dPre.Slice(b * G, G)), F(dGain), F(dBias), F(dCellNorm.Slice(b * H, H)), H) : 0;
            OutputBackwardScalar<T, TGate, TCell>(gates.Slice(b * G, G), cNorm.Slice(b * H, H), actC.Slice(b * H, H), gain, dh.Slice(b * H, H),
                dy.Slice(b * H, H), dPre.Slice(b * G, G), dGain, dBias, dCellNorm.Slice(b * H, H), H, from);
        }
        LayerNormRows.Backward<T>(dCellNorm.Slice(0, batch * H), cNorm, cRstd, batch, H, dCellNorm);
        // c = f⊙c_{t−1} + i⊙g
        for (int b = 0; b < batch; b++)
        {
            int from = vector ? GatesBackwardVector<TGate, TCell>(F(gates.Slice(b * G, G)), F(cPrev.Slice(b * H, H)), F(dCellNorm.Slice(b * H, H)),
                F(dc.Slice(b * H, H)), F(dPre.Slice(b * G, G)), H) : 0;
            GatesBackwardScalar<T, TGate, TCell>(gates.Slice(b * G, G), cPrev.Slice(b * H, H), dCellNorm.Slice(b * H, H), dc.Slice(b * H, H),
                dPre.Slice(b * G, G), H, from);
        }
    }

    // ---- one row each; the vector passes return where their scalar tail starts ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GatesForwardScalar<T, TGate, TCell>(ReadOnlySpan<T> pre, ReadOnlySpan<T> cPrev, Span<T> gates, Span<T> c, int H, int from)
        where T : unmanaged, IFloatingPointIeee754<T> where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        for (int j = from; j < H; j++)
        {
            T i = TGate.Invoke(pre[j]), f = TGate.Invoke(pre[H + j]), g = TCell.Invoke(pre[2 * H + j]), o = TGate.Invoke(pre[3 * H + j]);
            gates[j] = i; gates[H + j] = f; gates[2 * H + j] = g; gates[3 * H + j] = o;
            c[j] = f * cPrev[j] + i * g;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    private static int GatesForwardVector<TGate, TCell>(ReadOnlySpan<float> pre, ReadOnlySpan<float> cPrev, Span<float> gates, Span<float> c, int H)
        where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int W = Vector<float>.Count, j = 0;
        for (; j <= H - W; j += W)
        {
            var i = TGate.Invoke(new Vector<float>(pre.Slice(j)));
            var f = TGate.Invoke(new Vector<float>(pre.Slice(H + j)));
            var g = TCell.Invoke(new Vector<float>(pre.Slice(2 * H + j)));
            var o = TGate.Invoke(new Vector<float>(pre.Slice(3 * H + j)));
            i.CopyTo(gates.Slice(j)); f.CopyTo(gates.Slice(H + j)); g.CopyTo(gates.Slice(2 * H + j)); o.CopyTo(gates.Slice(3 * H + j));
            (f * new Vector<float>(cPrev.Slice(j)) + i * g).CopyTo(c.Slice(j));
        }
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputForwardScalar<T, TCell>(ReadOnlySpan<T> gates, ReadOnlySpan<T> cNorm, ReadOnlySpan<T> gain, ReadOnlySpan<T> bias,
        Span<T> actC, Span<T> h, int H, int from) where T : unmanaged, IFloatingPointIeee754<T> where TCell : struct, IActivationOp
    {
        for (int j = from; j < H; j++)
        {
            T a = TCell.Invoke(gain[j] * cNorm[j] + bias[j]);
            actC[j] = a;
            h[j] = gates[3 * H + j] * a;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    private static int OutputForwardVector<TCell>(ReadOnlySpan<float> gates, ReadOnlySpan<float> cNorm, ReadOnlySpan<float> gain, ReadOnlySpan<float> bias,
        Span<float> actC, Span<float> h, int H) where TCell : struct, IActivationOp
    {
        int W = Vector<float>.Count, j = 0;
        for (; j <= H - W; j += W)
        {
            var a = TCell.Invoke(new Vector<float>(gain.Slice(j)) * new Vector<float>(cNorm.Slice(j)) + new Vector<float>(bias.Slice(j)));
            a.CopyTo(actC.Slice(j));
            (new Vector<float>(gates.Slice(3 * H + j)) * a).CopyTo(h.Slice(j));
        }
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputBackwardScalar<T, TGate, TCell>(ReadOnlySpan<T> gates, ReadOnlySpan<T> cNorm, ReadOnlySpan<T> actC, ReadOnlySpan<T> gain,
        ReadOnlySpan<T> dh, ReadOnlySpan<T> dy, Span<T> dPre, Span<T> dGain, Span<T> dBias, Span<T> dCellNorm, int H, int from)
        where T : unmanaged, IFloatingPointIeee754<T> where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        for (int j = from; j < H; j++)
        {
            T o = gates[3 * H + j], a = actC[j], dht = dh[j] + dy[j];
            dPre[3 * H + j] = dht * a * TGate.GradFromOutput(o);
            T du = dht * o * TCell.GradFromOutput(a);
            dGain[j] += du * cNorm[j];
            dBias[j] += du;
            dCellNorm[j] = du * gain[j];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    private static int OutputBackwardVector<TGate, TCell>(ReadOnlySpan<float> gates, ReadOnlySpan<float> cNorm, ReadOnlySpan<float> actC, ReadOnlySpan<float> gain,
        ReadOnlySpan<float> dh, ReadOnlySpan<float> dy, Span<float> dPre, Span<float> dGain, Span<float> dBias, Span<float> dCellNorm, int H)
        where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int W = Vector<float>.Count, j = 0;
        for (; j <= H - W; j += W)
        {
            var o = new Vector<float>(gates.Slice(3 * H + j));
            var a = new Vector<float>(actC.Slice(j));
            var dht = new Vector<float>(dh.Slice(j)) + new Vector<float>(dy.Slice(j));
            (dht * a * TGate.GradFromOutput(o)).CopyTo(dPre.Slice(3 * H + j));
            var du = dht * o * TCell.GradFromOutput(a);
            (new Vector<float>(dGain.Slice(j)) + du * new Vector<float>(cNorm.Slice(j))).CopyTo(dGain.Slice(j));
            (new Vector<float>(dBias.Slice(j)) + du).CopyTo(dBias.Slice(j));
            (du * new Vector<float>(gain.Slice(j))).CopyTo(dCellNorm.Slice(j));
        }
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GatesBackwardScalar<T, TGate, TCell>(ReadOnlySpan<T> gates, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> dcFromOutput, Span<T> dc,
        Span<T> dPre, int H, int from) where T : unmanaged, IFloatingPointIeee754<T> where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        for (int j = from; j < H; j++)
        {
            T i = gates[j], f = gates[H + j], g = gates[2 * H + j];
            T dct = dc[j] + dcFromOutput[j];
            dPre[j] = dct * g * TGate.GradFromOutput(i);
            dPre[H + j] = dct * cPrev[j] * TGate.GradFromOutput(f);
            dPre[2 * H + j] = dct * i * TCell.GradFromOutput(g);
            dc[j] = dct * f;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    private static int GatesBackwardVector<TGate, TCell>(ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> dcFromOutput,
        Span<float> dc, Span<float> dPre, int H) where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int W = Vector<float>.Count, j = 0;
        for (; j <= H - W; j += W)
        {
            var i = new Vector<float>(gates.Slice(j));
            var f = new Vector<float>(gates.Slice(H + j));
            var g = new Vector<float>(gates.Slice(2 * H + j));
            var dct = new Vector<float>(dc.Slice(j)) + new Vector<float>(dcFromOutput.Slice(j));
            (dct * g * TGate.GradFromOutput(i)).CopyTo(dPre.Slice(j));
            (dct * new Vector<float>(cPrev.Slice(j)) * TGate.GradFromOutput(f)).CopyTo(dPre.Slice(H + j));
            (dct * i * TCell.GradFromOutput(g)).CopyTo(dPre.Slice(2 * H + j));
            (dct * f).CopyTo(dc.Slice(j));
        }
        return j;
    }
}
