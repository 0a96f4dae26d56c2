// GruCell: the fused element-wise GRU step (PyTorch formulation, gate order r, z, n, with b_hn inside the
// reset product), forward and backward, over a (B, ·) batch of rows. Generic over the gate function σ (TGate:
// sigmoid or hard sigmoid, for r and z) and the candidate's function act (TCell: tanh or softsign, for n) — ONNX's
// f and g (ActivationOps.cs). One scalar reference (any T) and one Vector<float> path; tests compare them.
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;

namespace Recurrent.Kernels;

internal static class GruCell
{
    /// <summary>
    /// xp (B,3H) = xW_ih^T + b_ih; hh (B,3H) = h_{t-1}W_hh^T + b_hh; hPrev (B,H) →
    /// gates (B,3H) = r, z, n; hhN (B,H) = the hh part of n (kept for backward); h (B,H).
    /// r = σ(xp_r + hh_r), z = σ(xp_z + hh_z), n = act(xp_n + r⊙hh_n), h = (1−z)⊙n + z⊙h_{t-1}; σ = TGate, act = TCell.
    /// </summary>
    public static void Forward<T, TGate, TCell>(ReadOnlySpan<T> xp, ReadOnlySpan<T> hh, ReadOnlySpan<T> hPrev,
        Span<T> gates, Span<T> hhN, Span<T> h, int batch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T> where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
            ForwardVector<TGate, TCell>(Cast(xp), Cast(hh), Cast(hPrev), Cast(gates), Cast(hhN), Cast(h), batch, hidden);
        else
            ForwardScalar<T, TGate, TCell>(xp, hh, hPrev, gates, hhN, h, batch, hidden);
    }

    /// <summary>
    /// From dh (B,H) (from step t+1) + dy (B,H) (from above): dPreIH (B,3H) and dPreHH (B,3H) — they differ
    /// only in n, whose hh part is scaled by r — and dhPrevDirect (B,H) = dh_t⊙z, the path to h_{t-1} that
    /// bypasses W_hh.
    /// </summary>
    public static void Backward<T, TGate, TCell>(ReadOnlySpan<T> gates, ReadOnlySpan<T> hhN, ReadOnlySpan<T> hPrev,
        ReadOnlySpan<T> dh, ReadOnlySpan<T> dy, Span<T> dPreIH, Span<T> dPreHH, Span<T> dhPrevDirect, int batch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T> where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
            BackwardVector<TGate, TCell>(Cast(gates), Cast(hhN), Cast(hPrev), Cast(dh), Cast(dy), Cast(dPreIH), Cast(dPreHH), Cast(dhPrevDirect), batch, hidden);
        else
            BackwardScalar<T, TGate, TCell>(gates, hhN, hPrev, dh, dy, dPreIH, dPreHH, dhPrevDirect, batch, hidden);
    }

    private static ReadOnlySpan<float> Cast<T>(ReadOnlySpan<T> s) where T : unmanaged => MemoryMarshal.Cast<T, float>(s);
    private static Span<float> Cast<T>(Span<T> s) where T : unmanaged => MemoryMarshal.Cast<T, float>(s);

    // `from` > 0 processes only the tail [from, H) of each row (the vector path's remainder).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    internal static void ForwardScalar<T, TGate, TCell>(ReadOnlySpan<T> xp, ReadOnlySpan<T> hh, ReadOnlySpan<T> hPrev,
        Span<T> gates, Span<T> hhN, Span<T> h, int batch, int hidden, int from = 0)
        where T : unmanaged, IFloatingPointIeee754<T> where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int H = hidden, G = 3 * hidden;
        for (int b = 0; b < batch; b++)
        {
            int g0 = b * G, r0 = b * H;
            for (int j = from; j < H; j++)
            {
                T r = TGate.Invoke(xp[g0 + j] + hh[g0 + j]);
                T z = TGate.Invoke(xp[g0 + H + j] + hh[g0 + H + j]);
                T hn = hh[g0 + 2 * H + j];
                T n = TCell.Invoke(xp[g0 + 2 * H + j] + r * hn);
                gates[g0 + j] = r; gates[g0 + H + j] = z; gates[g0 + 2 * H + j] = n;
                hhN[r0 + j] = hn;
                h[r0 + j] = (T.One - z) * n + z * hPrev[r0 + j];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    internal static void ForwardVector<TGate, TCell>(ReadOnlySpan<float> xp, ReadOnlySpan<float> hh, ReadOnlySpan<float> hPrev,
        Span<float> gates, Span<float> hhN, Span<float> h, int batch, int hidden)
        where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int H = hidden, G = 3 * hidden, W = Vector<float>.Count;
        for (int b = 0; b < batch; b++)
        {
            int g0 = b * G, r0 = b * H, j = 0;
            for (; j <= H - W; j += W)
            {
                var r = TGate.Invoke(new Vector<float>(xp.Slice(g0 + j)) + new Vector<float>(hh.Slice(g0 + j)));
                var z = TGate.Invoke(new Vector<float>(xp.Slice(g0 + H + j)) + new Vector<float>(hh.Slice(g0 + H + j)));
                var hn = new Vector<float>(hh.Slice(g0 + 2 * H + j));
                var n = TCell.Invoke(new Vector<float>(xp.Slice(g0 + 2 * H + j)) + r * hn);
                r.CopyTo(gates.Slice(g0 + j)); z.CopyTo(gates.Slice(g0 + H + j)); n.CopyTo(gates.Slice(g0 + 2 * H + j));
                hn.CopyTo(hhN.Slice(r0 + j));
                ((Vector<float>.One - z) * n + z * new Vector<float>(hPrev.Slice(r0 + j))).CopyTo(h.Slice(r0 + j));
            }
            if (j < H)
                ForwardScalar<float, TGate, TCell>(xp.Slice(g0), hh.Slice(g0), hPrev.Slice(r0), gates.Slice(g0), hhN.Slice(r0), h.Slice(r0), 1, H, j);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    internal static void BackwardScalar<T, TGate, TCell>(ReadOnlySpan<T> gates, ReadOnlySpan<T> hhN, ReadOnlySpan<T> hPrev,
        ReadOnlySpan<T> dh, ReadOnlySpan<T> dy, Span<T> dPreIH, Span<T> dPreHH, Span<T> dhPrevDirect, int batch, int hidden, int from = 0)
        where T : unmanaged, IFloatingPointIeee754<T> where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int H = hidden, G = 3 * hidden;
        for (int b = 0; b < batch; b++)
        {
            int g0 = b * G, r0 = b * H;
            for (int j = from; j < H; j++)
            {
                T r = gates[g0 + j], z = gates[g0 + H + j], n = gates[g0 + 2 * H + j];
                T dht = dh[r0 + j] + dy[r0 + j];
                T dpn = dht * (T.One - z) * TCell.GradFromOutput(n);
                T dpz = dht * (hPrev[r0 + j] - n) * TGate.GradFromOutput(z);
                T dpr = dpn * hhN[r0 + j] * TGate.GradFromOutput(r);
                dPreIH[g0 + j] = dpr; dPreIH[g0 + H + j] = dpz; dPreIH[g0 + 2 * H + j] = dpn;
                dPreHH[g0 + j] = dpr; dPreHH[g0 + H + j] = dpz; dPreHH[g0 + 2 * H + j] = dpn * r;
                dhPrevDirect[r0 + j] = dht * z;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    internal static void BackwardVector<TGate, TCell>(ReadOnlySpan<float> gates, ReadOnlySpan<float> hhN, ReadOnlySpan<float> hPrev,
        ReadOnlySpan<float> dh, ReadOnlySpan<float> dy, Span<float> dPreIH, Span<float> dPreHH, Span<float> dhPrevDirect, int batch, int hidden)
        where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        int H = hidden, G = 3 * hidden, W = Vector<float>.Count;
        var one = Vector<float>.One;
        for (int b = 0; b < batch; b++)
        {
            int g0 = b * G, r0 = b * H, j = 0;
            for (; j <= H - W; j += W)
            {
                var r = new Vector<float>(gates.Slice(g0 + j));
                var z = new Vector<float>(gates.Slice(g0 + H + j));
                var n = new Vector<float>(gates.Slice(g0 + 2 * H + j));
                var dht = new Vector<float>(dh.Slice(r0 + j)) + new Vector<float>(dy.Slice(r0 + j));
                var dpn = dht * (one - z) * TCell.GradFromOutput(n);
                var dpz = dht * (new Vector<float>(hPrev.Slice(r0 + j)) - n) * TGate.GradFromOutput(z);
                var dpr = dpn * new Vector<float>(hhN.Slice(r0 + j)) * TGate.GradFromOutput(r);
                dpr.CopyTo(dPreIH.Slice(g0 + j)); dpz.CopyTo(dPreIH.Slice(g0 + H + j)); dpn.CopyTo(dPreIH.Slice(g0 + 2 * H + j));
                dpr.CopyTo(dPreHH.Slice(g0 + j)); dpz.CopyTo(dPreHH.Slice(g0 + H + j)); (dpn * r).CopyTo(dPreHH.Slice(g0 + 2 * H + j));
                (dht * z).CopyTo(dhPrevDirect.Slice(r0 + j));
            }
            if (j < H)
                BackwardScalar<float, TGate, TCell>(gates.Slice(g0), hhN.Slice(r0), hPrev.Slice(r0), dh.Slice(r0), dy.Slice(r0), dPreIH.Slice(g0),
                    dPreHH.Slice(g0), dhPrevDirect.Slice(r0), 1, H, j);
        }
    }
}
