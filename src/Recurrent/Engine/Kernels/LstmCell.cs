// LstmCell: the fused element-wise LSTM step, forward and backward, over a (B, ·) batch of rows.
// Forward reads the gate pre-activations (xW_ih^T + hW_hh^T + biases, gate order i, f, g, o) and writes
// the activated gates, c_t, act(c_t) and h_t; backward turns dh_t and dc_t into the pre-activation
// gradients and dc_{t-1}. Generic over the gate function σ (TGate: sigmoid or hard sigmoid, for i, f, o) and
// the cell function act (TCell: tanh or softsign, for g and for h = o⊙act(c)) — ONNX's f and g = h
// (ActivationOps.cs). One scalar reference (any T) and one Vector<float> path; tests compare them.
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;

namespace Recurrent.Kernels;

internal static class LstmCell
{
    /// <summary>
    /// pre (B,4H) gate pre-activations; cPrev (B,H); peep (3H: i, f, o) or empty →
    /// gates (B,4H) activated i,f,g,o; c (B,H); actC (B,H); h (B,H).
    /// i = σ(pre_i + p_i⊙c_{t-1}), f = σ(pre_f + p_f⊙c_{t-1}), g = act(pre_g), c = f⊙c_{t-1} + i⊙g,
    /// o = σ(pre_o + p_o⊙c), h = o⊙act(c); σ = TGate, act = TCell.
    /// </summary>
    public static void Forward<T, TGate, TCell>(ReadOnlySpan<T> pre, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> peep,
        Span<T> gates, Span<T> c, Span<T> actC, Span<T> h, int batch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T> where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
            ForwardVector<TGate, TCell>(Cast(pre), Cast(cPrev), Cast(peep), Cast(gates), Cast(c), Cast(actC), Cast(h), batch, hidden);
        else
            ForwardScalar<T, TGate, TCell>(pre, cPrev, peep, gates, c, actC, h, batch, hidden);
    }

    /// <summary>
    /// Given dh (B,H) from step t+1 plus dy (B,H) from the layer above, and dc (B,H) = ∂L/∂c_t from step t+1,
    /// writes dPre (B,4H) and replaces dc with ∂L/∂c_{t-1}; adds the peephole gradients into dPeep (3H).
    /// </summary>
    public static void Backward<T, TGate, TCell>(ReadOnlySpan<T> gates, ReadOnlySpan<T> c, ReadOnlySpan<T> actC, ReadOnlySpan<T> cPrev,
        ReadOnlySpan<T> peep, ReadOnlySpan<T> dh, ReadOnlySpan<T> dy, Span<T> dc, Span<T> dPre, Span<T> dPeep, int batch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T> where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
            BackwardVector<TGate, TCell>(Cast(gates), Cast(c), Cast(actC), Cast(cPrev), Cast(peep), Cast(dh), Cast(dy), Cast(dc), Cast(dPre), Cast(dPeep), batch, hidden);
        else
            BackwardScalar<T, TGate, TCell>(gates, c, actC, cPrev, peep, dh, dy, dc, dPre, dPeep, batch, hidden);
    }

    private static ReadOnlySpan<float> Cast<T>(ReadOnlySpan<T> s) where T : unmanaged => MemoryMarshal.Cast<T, float>(s);
    private static Span<float> Cast<T>(Span<T> s) where T : unmanaged => MemoryMarshal.Cast<T, float>(s);

    // `from` > 0 processes only the tail [from, H) of each row (the vector path's remainder).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    internal static void ForwardScalar<T, TGate, TCell>(ReadOnlySpan<T> pre, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> peep,
        Span<T> gates, Span<T> c, Span<T> actC, Span<T> h, int batch, int hidden, int from = 0)
        where T : unmanaged, IFloatingPointIeee754<T> where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int H = hidden, G = 4 * hidden;
        bool hasPeep = !peep.IsEmpty;
        for (int b = 0; b < batch; b++)
        {
            int g0 = b * G, r0 = b * H;
            for (int j = from; j < H; j++)
            {
                T cp = cPrev[r0 + j];
                T pi = pre[g0 + j], pf = pre[g0 + H + j], pg = pre[g0 + 2 * H + j], po = pre[g0 + 3 * H + j];
                if (hasPeep) { pi += peep[j] * cp; pf += peep[H + j] * cp; }
                T i = TGate.Invoke(pi), f = TGate.Invoke(pf), g = TCell.Invoke(pg);
                T ct = f * cp + i * g;
                if (hasPeep) po += peep[2 * H + j] * ct;
                T o = TGate.Invoke(po), tc = TCell.Invoke(ct);
                gates[g0 + j] = i; gates[g0 + H + j] = f; gates[g0 + 2 * H + j] = g; gates[g0 + 3 * H + j] = o;
                c[r0 + j] = ct; actC[r0 + j] = tc; h[r0 + j] = o * tc;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    internal static void ForwardVector<TGate, TCell>(ReadOnlySpan<float> pre, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> peep,
        Span<float> gates, Span<float> c, Span<float> actC, Span<float> h, int batch, int hidden)
        where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int H = hidden, G = 4 * hidden, W = Vector<float>.Count;
        bool hasPeep = !peep.IsEmpty;
        for (int b = 0; b < batch; b++)
        {
            int g0 = b * G, r0 = b * H, j = 0;
            for (; j <= H - W; j += W)
            {
                var cp = new Vector<float>(cPrev.Slice(r0 + j));
                var pi = new Vector<float>(pre.Slice(g0 + j));
                var pf = new Vector<float>(pre.Slice(g0 + H + j));
                var pg = new Vector<float>(pre.Slice(g0 + 2 * H + j));
                var po = new Vector<float>(pre.Slice(g0 + 3 * H + j));
                if (hasPeep)
                {
                    pi += new Vector<float>(peep.Slice(j)) * cp;
                    pf += new Vector<float>(peep.Slice(H + j)) * cp;
                }
                var i = TGate.Invoke(pi);
                var f = TGate.Invoke(pf);
                var g = TCell.Invoke(pg);
                var ct = f * cp + i * g;
                if (hasPeep) po += new Vector<float>(peep.Slice(2 * H + j)) * ct;
                var o = TGate.Invoke(po);
                var tc = TCell.Invoke(ct);
                i.CopyTo(gates.Slice(g0 + j)); f.CopyTo(gates.Slice(g0 + H + j));
                g.CopyTo(gates.Slice(g0 + 2 * H + j)); o.CopyTo(gates.Slice(g0 + 3 * H + j));
                ct.CopyTo(c.Slice(r0 + j)); tc.CopyTo(actC.Slice(r0 + j)); (o * tc).CopyTo(h.Slice(r0 + j));
            }
            if (j < H)
                ForwardScalar<float, TGate, TCell>(pre.Slice(g0), cPrev.Slice(r0), peep, gates.Slice(g0), c.Slice(r0), actC.Slice(r0), h.Slice(r0), 1, H, j);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    internal static void BackwardScalar<T, TGate, TCell>(ReadOnlySpan<T> gates, ReadOnlySpan<T> c, ReadOnlySpan<T> actC, ReadOnlySpan<T> cPrev,
        ReadOnlySpan<T> peep, ReadOnlySpan<T> dh, ReadOnlySpan<T> dy, Span<T> dc, Span<T> dPre, Span<T> dPeep, int batch, int hidden,
        int from = 0)
        where T : unmanaged, IFloatingPointIeee754<T> where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int H = hidden, G = 4 * hidden;
        bool hasPeep = !peep.IsEmpty;
        for (int b = 0; b < batch; b++)
        {
            int g0 = b * G, r0 = b * H;
            for (int j = from; j < H; j++)
            {
                T i = gates[g0 + j], f = gates[g0 + H + j], g = gates[g0 + 2 * H + j], o = gates[g0 + 3 * H + j];
                T tc = actC[r0 + j], cp = cPrev[r0 + j];
                T dht = dh[r0 + j] + dy[r0 + j];
                // h = o·act(c)
                T dpo = dht * tc * TGate.GradFromOutput(o);
                T dct = dc[r0 + j] + dht * o * TCell.GradFromOutput(tc);
                if (hasPeep) dct += dpo * peep[2 * H + j];       // o saw c_t through its peephole
                // c = f·c_{t-1} + i·g
                T dpi = dct * g * TGate.GradFromOutput(i);
                T dpg = dct * i * TCell.GradFromOutput(g);
                T dpf = dct * cp * TGate.GradFromOutput(f);
                T dcp = dct * f;
                if (hasPeep)
                {
                    dcp += dpi * peep[j] + dpf * peep[H + j];       // i and f saw c_{t-1}
                    dPeep[j] += dpi * cp;
                    dPeep[H + j] += dpf * cp;
                    dPeep[2 * H + j] += dpo * c[r0 + j];
                }
                dPre[g0 + j] = dpi; dPre[g0 + H + j] = dpf; dPre[g0 + 2 * H + j] = dpg; dPre[g0 + 3 * H + j] = dpo;
                dc[r0 + j] = dcp;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    internal static void BackwardVector<TGate, TCell>(ReadOnlySpan<float> gates, ReadOnlySpan<float> c, ReadOnlySpan<float> actC, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> peep, ReadOnlySpan<float> dh, ReadOnlySpan<float> dy, Span<float> dc, Span<float> dPre, Span<float> dPeep, int batch, int hidden)
        where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int H = hidden, G = 4 * hidden, W = Vector<float>.Count;
        bool hasPeep = !peep.IsEmpty;
        for (int b = 0; b < batch; b++)
        {
            int g0 = b * G, r0 = b * H, j = 0;
            for (; j <= H - W; j += W)
            {
                var i = new Vector<float>(gates.Slice(g0 + j));
                var f = new Vector<float>(gates.Slice(g0 + H + j));
                var g = new Vector<float>(gates.Slice(g0 + 2 * H + j));
                var o = new Vector<float>(gates.Slice(g0 + 3 * H + j));
                var tc = new Vector<float>(actC.Slice(r0 + j));
                var cp = new Vector<float>(cPrev.Slice(r0 + j));
                var dht = new Vector<float>(dh.Slice(r0 + j)) + new Vector<float>(dy.Slice(r0 + j));
                var dpo = dht * tc * TGate.GradFromOutput(o);
                var dct = new Vector<float>(dc.Slice(r0 + j)) + dht * o * TCell.GradFromOutput(tc);
                if (hasPeep) dct += dpo * new Vector<float>(peep.Slice(2 * H + j));
                var dpi = dct * g * TGate.GradFromOutput(i);
                var dpg = dct * i * TCell.GradFromOutput(g);
                var dpf = dct * cp * TGate.GradFromOutput(f);
                var dcp = dct * f;
                if (hasPeep)
                {
                    dcp += dpi * new Vector<float>(peep.Slice(j)) + dpf * new Vector<float>(peep.Slice(H + j));
                    (new Vector<float>(dPeep.Slice(j)) + dpi * cp).CopyTo(dPeep.Slice(j));
                    (new Vector<float>(dPeep.Slice(H + j)) + dpf * cp).CopyTo(dPeep.Slice(H + j));
                    (new Vector<float>(dPeep.Slice(2 * H + j)) + dpo * new Vector<float>(c.Slice(r0 + j))).CopyTo(dPeep.Slice(2 * H + j));
                }
                dpi.CopyTo(dPre.Slice(g0 + j)); dpf.CopyTo(dPre.Slice(g0 + H + j));
                dpg.CopyTo(dPre.Slice(g0 + 2 * H + j)); dpo.CopyTo(dPre.Slice(g0 + 3 * H + j));
                dcp.CopyTo(dc.Slice(r0 + j));
            }
            if (j < H)
                BackwardScalar<float, TGate, TCell>(gates.Slice(g0), c.Slice(r0), actC.Slice(r0), cPrev.Slice(r0), peep, dh.Slice(r0), dy.Slice(r0),
                    dc.Slice(r0), dPre.Slice(g0), dPeep, 1, H, j);
        }
    }
}
