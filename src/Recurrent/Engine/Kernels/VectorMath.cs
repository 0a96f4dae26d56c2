// VectorMath: the gate non-linearities on whole vectors (System.Numerics.Vector<float>, 8 lanes with AVX2,
// 4 with SSE only), written so that large |x| saturates cleanly (exp overflowing to +inf gives exactly
// 0 or ±1, never NaN). Softsign and hard sigmoid need no exponential: one division, or one multiply-add and
// two clamps. Scalar equivalents are in Activations.cs; tests compare the two.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recurrent.Kernels;

internal static class VectorMath
{
    /// <summary>σ(x) = 1 / (1 + e^(−x)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sigmoid(Vector<float> x) => Vector<float>.One / (Vector<float>.One + Vector.Exp(-x));

    /// <summary>tanh(x) = 1 − 2 / (e^(2x) + 1): one exponential; absolute error near float epsilon.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Tanh(Vector<float> x)
    {
        var two = new Vector<float>(2f);
        return Vector<float>.One - two / (Vector.Exp(two * x) + Vector<float>.One);
    }

    /// <summary>Scalar twin of <see cref="Tanh(Vector{float})"/>, for loop tails, so every element of a row uses the same formula.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => 1f - 2f / (MathF.Exp(2f * x) + 1f);

    /// <summary>Scalar twin of <see cref="Sigmoid(Vector{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>softsign(x) = x / (1 + |x|) (±∞ gives NaN, as the scalar one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Softsign(Vector<float> x) => x / (Vector<float>.One + Vector.Abs(x));

    /// <summary>hard_sigmoid(x) = max(0, min(1, 0.2·x + 0.5)), ONNX's HardSigmoid with its default alpha and beta. The native
    /// min/max (one instruction each) are exact here; only a NaN input may come out differently from the scalar one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> HardSigmoid(Vector<float> x) =>
        Vector.MaxNative(Vector.MinNative(new Vector<float>((float)Activations.HardSigmoidAlpha) * x + new Vector<float>((float)Activations.HardSigmoidBeta),
            Vector<float>.One), Vector<float>.Zero);
}
