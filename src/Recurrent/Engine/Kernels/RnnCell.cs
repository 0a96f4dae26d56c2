// RnnCell: the element-wise step of the Elman RNN, h = act(pre) with act = tanh, softsign or ReLU (TAct,
// ActivationOps.cs), and its backward dPre = (dh + dy)⊙act'(h), written through the output so backward needs only h.
// Scalar reference (any T) and a Vector<float> path; tests compare them.
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;

namespace Recurrent.Kernels;

internal static class RnnCell
{
    /// <summary>h (n) = act(pre (n)) element-wise.</summary>
    public static void Forward<T, TAct>(ReadOnlySpan<T> pre, Span<T> h)
        where T : unmanaged, IFloatingPointIeee754<T> where TAct : struct, IActivationOp
    {
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
            ForwardVector<TAct>(MemoryMarshal.Cast<T, float>(pre), MemoryMarshal.Cast<T, float>(h));
        else
            ForwardScalar<T, TAct>(pre, h);
    }

    /// <summary>dPre (n) = (dh + dy)⊙act'(h) element-wise.</summary>
    public static void Backward<T, TAct>(ReadOnlySpan<T> h, ReadOnlySpan<T> dh, ReadOnlySpan<T> dy, Span<T> dPre)
        where T : unmanaged, IFloatingPointIeee754<T> where TAct : struct, IActivationOp
    {
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
            BackwardVector<TAct>(MemoryMarshal.Cast<T, float>(h), MemoryMarshal.Cast<T, float>(dh), MemoryMarshal.Cast<T, float>(dy),
                MemoryMarshal.Cast<T, float>(dPre));
        else
            BackwardScalar<T, TAct>(h, dh, dy, dPre);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    internal static void ForwardScalar<T, TAct>(ReadOnlySpan<T> pre, Span<T> h, int from = 0)
        where T : unmanaged, IFloatingPointIeee754<T> where TAct : struct, IActivationOp
    {
        for (int j = from; j < pre.Length; j++) h[j] = TAct.Invoke(pre[j]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    internal static void ForwardVector<TAct>(ReadOnlySpan<float> pre, Span<float> h) where TAct : struct, IActivationOp
    {
        int n = pre.Length, W = Vector<float>.Count, j = 0;
        for (; j <= n - W; j += W)
            TAct.Invoke(new Vector<float>(pre.Slice(j))).CopyTo(h.Slice(j));
        ForwardScalar<float, TAct>(pre, h, j);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    internal static void BackwardScalar<T, TAct>(ReadOnlySpan<T> h, ReadOnlySpan<T> dh, ReadOnlySpan<T> dy, Span<T> dPre, int from = 0)
        where T : unmanaged, IFloatingPointIeee754<T> where TAct : struct, IActivationOp
    {
        for (int j = from; j < h.Length; j++) dPre[j] = (dh[j] + dy[j]) * TAct.GradFromOutput(h[j]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    internal static void BackwardVector<TAct>(ReadOnlySpan<float> h, ReadOnlySpan<float> dh, ReadOnlySpan<float> dy, Span<float> dPre)
        where TAct : struct, IActivationOp
    {
        int n = h.Length, W = Vector<float>.Count, j = 0;
        for (; j <= n - W; j += W)
        {
            var y = new Vector<float>(h.Slice(j));
            var d = new Vector<float>(dh.Slice(j)) + new Vector<float>(dy.Slice(j));
            (d * TAct.GradFromOutput(y)).CopyTo(dPre.Slice(j));
        }
        BackwardScalar<float, TAct>(h, dh, dy, dPre, j);
    }
}
