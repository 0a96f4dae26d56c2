// LayerNormLstmCell: the element-wise step of the layer-normalised LSTM (Ba et al. 2016), forward and backward, over
// a (B, ·) batch of rows. The gate pre-activations arrive already normalised (RecurrentDirection applies LN to the
// input and recurrent products); this kernel adds the normalisation of the cell inside the output:
//   i, f, o = σ(pre_i, pre_f, pre_o), g = act(pre_g), c_t = f⊙c_{t−1} + i⊙g   (c_t is carried un-normalised)
//   h_t = o ⊙ act(γ_c ⊙ LN(c_t) + β_c)                                          (LN over the H units of a row)
// Generic over σ (TGate) and act (TCell) as LstmCell; one scalar path for any T — the cell's row reductions make it
// two passes per row, and the step's cost stays in its two products.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recurrent.Kernels;

internal static class LayerNormLstmCell
{
    /// <summary>
    /// pre (B,4H), cPrev (B,H), gain/bias (H) → gates (B,4H) activated i,f,g,o; c (B,H) raw; cNorm (B,H) = LN(c);
    /// cRstd (B); actC (B,H) = act(gain⊙cNorm + bias); h (B,H) = o⊙actC.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public static void Forward<T, TGate, TCell>(ReadOnlySpan<T> pre, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> gain, ReadOnlySpan<T> bias,
        Span<T> gates, Span<T> c, Span<T> cNorm, Span<T> cRstd, Span<T> actC, Span<T> h, int batch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T> where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int H = hidden, G = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            int g0 = b * G, r0 = b * H;
            for (int j = 0; j < H; j++)
            {
                T i = TGate.Invoke(pre[g0 + j]), f = TGate.Invoke(pre[g0 + H + j]);
                T g = TCell.Invoke(pre[g0 + 2 * H + j]), o = TGate.Invoke(pre[g0 + 3 * H + j]);
                gates[g0 + j] = i; gates[g0 + H + j] = f; gates[g0 + 2 * H + j] = g; gates[g0 + 3 * H + j] = o;
                c[r0 + j] = f * cPrev[r0 + j] + i * g;
            }
        }
        LayerNormRows.Forward<T>(c.Slice(0, batch * H), batch, H, cNorm, cRstd);
        for (int b = 0; b < batch; b++)
        {
            int g0 = b * G, r0 = b * H;
            for (int j = 0; j < H; j++)
            {
                T a = TCell.Invoke(gain[j] * cNorm[r0 + j] + bias[j]);
                actC[r0 + j] = a;
                h[r0 + j] = gates[g0 + 3 * H + j] * a;
            }
        }
    }

    /// <summary>
    /// Given dh (B,H) from step t+1 plus dy (B,H) from the layer above and dc (B,H) = ∂L/∂c_t from step t+1: writes
    /// dPre (B,4H), replaces dc with ∂L/∂c_{t−1} and adds into dGain, dBias (H). dCellNorm (B,H) is scratch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public static void Backward<T, TGate, TCell>(ReadOnlySpan<T> gates, ReadOnlySpan<T> cNorm, ReadOnlySpan<T> cRstd, ReadOnlySpan<T> actC,
        ReadOnlySpan<T> cPrev, ReadOnlySpan<T> gain, ReadOnlySpan<T> dh, ReadOnlySpan<T> dy, Span<T> dc, Span<T> dPre,
        Span<T> dGain, Span<T> dBias, Span<T> dCellNorm, int batch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T> where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int H = hidden, G = 4 * hidden;
        // h = o⊙act(u), u = gain⊙ĉ + bias: do, and ∂L/∂ĉ (into dCellNorm) with the affine's gradients.
        for (int b = 0; b < batch; b++)
        {
            int g0 = b * G, r0 = b * H;
            for (int j = 0; j < H; j++)
            {
                T o = gates[g0 + 3 * H + j], a = actC[r0 + j];
                T dht = dh[r0 + j] + dy[r0 + j];
                dPre[g0 + 3 * H + j] = dht * a * TGate.GradFromOutput(o);
                T du = dht * o * TCell.GradFromOutput(a);
                dGain[j] += du * cNorm[r0 + j];
                dBias[j] += du;
                dCellNorm[r0 + j] = du * gain[j];
            }
        }
        LayerNormRows.Backward<T>(dCellNorm.Slice(0, batch * H), cNorm, cRstd, batch, H, dCellNorm);
        // c = f⊙c_{t−1} + i⊙g
        for (int b = 0; b < batch; b++)
        {
            int g0 = b * G, r0 = b * H;
            for (int j = 0; j < H; j++)
            {
                T i = gates[g0 + j], f = gates[g0 + H + j], g = gates[g0 + 2 * H + j];
                T dct = dc[r0 + j] + dCellNorm[r0 + j];
                dPre[g0 + j] = dct * g * TGate.GradFromOutput(i);
                dPre[g0 + H + j] = dct * cPrev[r0 + j] * TGate.GradFromOutput(f);
                dPre[g0 + 2 * H + j] = dct * i * TCell.GradFromOutput(g);
                dc[r0 + j] = dct * f;
            }
        }
    }
}
