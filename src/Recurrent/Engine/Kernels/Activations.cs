// Activations: the scalar non-linearities of the gate kernels and their derivatives expressed through
// the forward output (so backward needs only the stored activations, never the pre-activations).
// Gates: sigmoid, or ONNX's HardSigmoid (alpha 0.2, beta 0.5, as DL4J's HARDSIGMOID; not torch's x/6 + 1/2).
// Cell input/output: tanh, or softsign x / (1 + |x|) (DL4J's SOFTSIGN, ONNX's Softsign); the Elman RNN also has ReLU.
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

    /// <summary>softsign(x) = x / (1 + |x|), in (−1, 1); ±∞ gives NaN (∞/∞), as torch.nn.functional.softsign.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Softsign<T>(T x) where T : IFloatingPointIeee754<T> => x / (T.One + T.Abs(x));

    /// <summary>The slope α = 0.2 of <see cref="HardSigmoid{T}"/> (ONNX HardSigmoid's default alpha).</summary>
    public const double HardSigmoidAlpha = 0.2;
    /// <summary>The offset β = 0.5 of <see cref="HardSigmoid{T}"/> (ONNX HardSigmoid's default beta).</summary>
    public const double HardSigmoidBeta = 0.5;

    /// <summary>hard_sigmoid(x) = max(0, min(1, 0.2·x + 0.5)): linear on (−2.5, 2.5), 0 below, 1 above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T HardSigmoid<T>(T x) where T : IFloatingPointIeee754<T>
    {
        T y = T.CreateTruncating(HardSigmoidAlpha) * x + T.CreateTruncating(HardSigmoidBeta);
        return y > T.One ? T.One : y > T.Zero ? y : T.Zero;   // NaN falls through to 0, never to 1
    }

    /// <summary>d sigmoid / dx given y = sigmoid(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SigmoidGradFromOutput<T>(T y) where T : IFloatingPointIeee754<T> => y * (T.One - y);

    /// <summary>d tanh / dx given y = tanh(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T TanhGradFromOutput<T>(T y) where T : IFloatingPointIeee754<T> => T.One - y * y;

    /// <summary>d softsign / dx = 1 / (1 + |x|)² given y = softsign(x): 1 − |y| = 1 / (1 + |x|), so (1 − |y|)².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SoftsignGradFromOutput<T>(T y) where T : IFloatingPointIeee754<T>
    {
        T s = T.One - T.Abs(y);
        return s * s;
    }

    /// <summary>
    /// d hard_sigmoid / dx given y = hard_sigmoid(x): 0.2 where 0 &lt; y &lt; 1, else 0. At the kinks x = ±2.5 (y exactly
    /// 0 or 1) it takes the flat side's slope 0, the subgradient torch's hardsigmoid backward also takes at its kinks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T HardSigmoidGradFromOutput<T>(T y) where T : IFloatingPointIeee754<T> =>
        y > T.Zero && y < T.One ? T.CreateTruncating(HardSigmoidAlpha) : T.Zero;

    /// <summary>d relu / dx given y = relu(x) (0 at the kink, as PyTorch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReluGradFromOutput<T>(T y) where T : IFloatingPointIeee754<T> => y > T.Zero ? T.One : T.Zero;
}
