// RnnCell: the element-wise step of the Elman RNN, h = act(pre) with act = tanh or ReLU, and its backward
// dPre = (dh + dy)⊙act'(h), written through the output so backward needs only h. Scalar reference (any T)
// and a Vector<float> path; tests compare them.
using System.Numerics;
using System.Runtime.InteropServices;
using static Recurrent.Kernels.Activations;
using System.Runtime.CompilerServices;

namespace Recurrent.Kernels;

internal static class RnnCell
{
    /// <summary>h (n) = act(pre (n)) element-wise.</summary>
    public static void Forward<T>(ReadOnlySpan<T> pre, Span<T> h, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
            ForwardVector(MemoryMarshal.Cast<T, float>(pre), MemoryMarshal.Cast<T, float>(h), relu);
        else
            ForwardScalar(pre, h, relu);
    }

    /// <summary>dPre (n) = (dh + dy)⊙act'(h) element-wise.</summary>
    public static void Backward<T>(ReadOnlySpan<T> h, ReadOnlySpan<T> dh, ReadOnlySpan<T> dy, Span<T> dPre, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
            BackwardVector(MemoryMarshal.Cast<T, float>(h), MemoryMarshal.Cast<T, float>(dh), MemoryMarshal.Cast<T, float>(dy),
                MemoryMarshal.Cast<T, float>(dPre), relu);
        else
            BackwardScalar(h, dh, dy, dPre, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    internal static void ForwardScalar<T>(ReadOnlySpan<T> pre, Span<T> h, bool relu, int from = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (relu) for (int j = from; j < pre.Length; j++) h[j] = Relu(pre[j]);
        else for (int j = from; j < pre.Length; j++) h[j] = Tanh(pre[j]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    internal static void ForwardVector(ReadOnlySpan<float> pre, Span<float> h, bool relu)
    {
        int n = pre.Length, W = Vector<float>.Count, j = 0;
        for (; j <= n - W; j += W)
        {
            var p = new Vector<float>(pre.Slice(j));
            (relu ? Vector.Max(p, Vector<float>.Zero) : VectorMath.Tanh(p)).CopyTo(h.Slice(j));
        }
        ForwardScalar(pre, h, relu, j);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    internal static void BackwardScalar<T>(ReadOnlySpan<T> h, ReadOnlySpan<T> dh, ReadOnlySpan<T> dy, Span<T> dPre, bool relu, int from = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (relu) for (int j = from; j < h.Length; j++) dPre[j] = (dh[j] + dy[j]) * ReluGradFromOutput(h[j]);
        else for (int j = from; j < h.Length; j++) dPre[j] = (dh[j] + dy[j]) * TanhGradFromOutput(h[j]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    internal static void BackwardVector(ReadOnlySpan<float> h, ReadOnlySpan<float> dh, ReadOnlySpan<float> dy, Span<float> dPre, bool relu)
    {
        int n = h.Length, W = Vector<float>.Count, j = 0;
        for (; j <= n - W; j += W)
        {
            var y = new Vector<float>(h.Slice(j));
            var d = new Vector<float>(dh.Slice(j)) + new Vector<float>(dy.Slice(j));
            var grad = relu
                ? Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero)
                : Vector<float>.One - y * y;
            (d * grad).CopyTo(dPre.Slice(j));
        }
        BackwardScalar(h, dh, dy, dPre, relu, j);
    }
}
