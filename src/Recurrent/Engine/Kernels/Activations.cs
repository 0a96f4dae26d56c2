// Activations: the scalar non-linearities of the gate kernels and their derivatives expressed through
// the forward output (so backward needs only the stored activations, never the pre-activations).
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recurrent.Kernels;

internal static class Activations
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sigmoid<T>(T x) where T : IFloatingPointIeee754<T>
    {
        // Split by sign so exp never overflows.
        if (x >= T.Zero) return T.One / (T.One + T.Exp(-x));
        T e = T.Exp(x);
        return e / (T.One + e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Tanh<T>(T x) where T : IFloatingPointIeee754<T> => T.Tanh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Relu<T>(T x) where T : IFloatingPointIeee754<T> => x > T.Zero ? x : T.Zero;

    /// <summary>d sigmoid / dx given y = sigmoid(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SigmoidGradFromOutput<T>(T y) where T : IFloatingPointIeee754<T> => y * (T.One - y);

    /// <summary>d tanh / dx given y = tanh(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T TanhGradFromOutput<T>(T y) where T : IFloatingPointIeee754<T> => T.One - y * y;

    /// <summary>d relu / dx given y = relu(x) (0 at the kink, as PyTorch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReluGradFromOutput<T>(T y) where T : IFloatingPointIeee754<T> => y > T.Zero ? T.One : T.Zero;
}
