// ActivationOps: the non-linearities the fused cell kernels are generic over, one readonly struct per function
// (as TensorPrimitives' operator structs): the scalar form for any T (the reference, and the vector loops' tails),
// the Vector<float> form, and the derivative from the forward output in both forms. A kernel instantiated with
// struct type arguments is compiled once per combination with the calls inlined, so choosing an activation costs
// nothing per element, and <SigmoidOp, TanhOp> is the very same arithmetic as the kernels before the choice existed.
// This file maps nothing from the public enums: the layers pick the instantiation (RecurrentDirection, StepInference).
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recurrent.Kernels;

/// <summary>An element-wise activation y = f(x) with f'(x) written through y.</summary>
internal interface IActivationOp
{
    /// <summary>f(x) for a scalar of any floating-point type.</summary>
    static abstract T Invoke<T>(T x) where T : IFloatingPointIeee754<T>;
    /// <summary>f(x) lane by lane.</summary>
    static abstract Vector<float> Invoke(Vector<float> x);
    /// <summary>f'(x) given y = f(x).</summary>
    static abstract T GradFromOutput<T>(T y) where T : IFloatingPointIeee754<T>;
    /// <summary>f'(x) given y = f(x), lane by lane.</summary>
    static abstract Vector<float> GradFromOutput(Vector<float> y);
}

/// <summary>σ(x) = 1 / (1 + e^(−x)); σ' = y(1 − y).</summary>
internal readonly struct SigmoidOp : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Invoke<T>(T x) where T : IFloatingPointIeee754<T> => Activations.Sigmoid(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<float> Invoke(Vector<float> x) => VectorMath.Sigmoid(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T GradFromOutput<T>(T y) where T : IFloatingPointIeee754<T> => Activations.SigmoidGradFromOutput(y);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<float> GradFromOutput(Vector<float> y) => y * (Vector<float>.One - y);
}

/// <summary>max(0, min(1, 0.2x + 0.5)); derivative 0.2 where 0 &lt; y &lt; 1, else 0 (0 at the kinks).</summary>
internal readonly struct HardSigmoidOp : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Invoke<T>(T x) where T : IFloatingPointIeee754<T> => Activations.HardSigmoid(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<float> Invoke(Vector<float> x) => VectorMath.HardSigmoid(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T GradFromOutput<T>(T y) where T : IFloatingPointIeee754<T> => Activations.HardSigmoidGradFromOutput(y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> GradFromOutput(Vector<float> y)
    {
        var inside = Vector.BitwiseAnd(Vector.GreaterThan(y, Vector<float>.Zero), Vector.LessThan(y, Vector<float>.One));
        return Vector.ConditionalSelect(inside, new Vector<float>((float)Activations.HardSigmoidAlpha), Vector<float>.Zero);
    }
}

/// <summary>tanh(x); tanh' = 1 − y².</summary>
internal readonly struct TanhOp : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Invoke<T>(T x) where T : IFloatingPointIeee754<T> => Activations.Tanh(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<float> Invoke(Vector<float> x) => VectorMath.Tanh(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T GradFromOutput<T>(T y) where T : IFloatingPointIeee754<T> => Activations.TanhGradFromOutput(y);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<float> GradFromOutput(Vector<float> y) => Vector<float>.One - y * y;
}

/// <summary>x / (1 + |x|); derivative 1 / (1 + |x|)² = (1 − |y|)².</summary>
internal readonly struct SoftsignOp : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Invoke<T>(T x) where T : IFloatingPointIeee754<T> => Activations.Softsign(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<float> Invoke(Vector<float> x) => VectorMath.Softsign(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T GradFromOutput<T>(T y) where T : IFloatingPointIeee754<T> => Activations.SoftsignGradFromOutput(y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> GradFromOutput(Vector<float> y)
    {
        var s = Vector<float>.One - Vector.Abs(y);
        return s * s;
    }
}

/// <summary>max(0, x) (the Elman RNN's other non-linearity); derivative 1 where y &gt; 0, else 0 (0 at the kink, as PyTorch).</summary>
internal readonly struct ReluOp : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Invoke<T>(T x) where T : IFloatingPointIeee754<T> => Activations.Relu(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<float> Invoke(Vector<float> x) => Vector.Max(x, Vector<float>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T GradFromOutput<T>(T y) where T : IFloatingPointIeee754<T> => Activations.ReluGradFromOutput(y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> GradFromOutput(Vector<float> y) =>
        Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero);
}
