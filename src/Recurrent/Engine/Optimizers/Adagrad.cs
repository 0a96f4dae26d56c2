// Adagrad.cs — Adagrad: per-parameter step sizes from the running sum of squared gradients,
// as torch.optim.Adagrad without learning-rate decay, weight decay or initial accumulator value.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recurrent.Optimizers;

/// <summary>
/// Adagrad (Duchi, Hazan and Singer, 2011), matching <c>torch.optim.Adagrad</c> with <c>lr_decay=0</c>,
/// <c>weight_decay=0</c> and <c>initial_accumulator_value=0</c>
/// (https://pytorch.org/docs/stable/generated/torch.optim.Adagrad.html):
/// <c>sum += g²; p -= lr·g / (sqrt(sum) + eps)</c>.
/// </summary>
/// <remarks>
/// Karpathy's min-char-rnn uses this update with learning rate 0.1 and element-wise gradient clipping to ±5
/// (<see cref="GradientClipping.ClipByValue{T}(Span{T}, double)"/>). One difference: min-char-rnn puts its
/// epsilon (1e-8) inside the square root, <c>g / sqrt(sum + 1e-8)</c>, where PyTorch and this class add it
/// after: <c>g / (sqrt(sum) + eps)</c>. State: <c>"sum"</c>.
/// </remarks>
/// <typeparam name="T">The element type of parameters, gradients and state.</typeparam>
public sealed class Adagrad<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _sum; // (ParameterCount) running sum of g²
    private readonly IReadOnlyList<KeyValuePair<string, T[]>> _state;

    /// <summary>Creates an Adagrad optimizer.</summary>
    /// <param name="parameterCount">The length of the flat parameter and gradient buffers.</param>
    /// <param name="eps">The term added to the root of the sum, finite and &gt; 0; PyTorch's default 1e-10.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public Adagrad(int parameterCount, double eps = 1e-10)
        : base(parameterCount)
    {
        ArgumentChecks.PositiveFinite(eps);
        Epsilon = eps;
        _sum = new T[parameterCount];
        _state = Array.AsReadOnly([new KeyValuePair<string, T[]>("sum", _sum)]);
    }

    /// <summary>The term added to <c>sqrt(sum)</c> in the denominator.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, T[]>> State => _state;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public override void Step(Span<T> parameters, ReadOnlySpan<T> gradients, double learningRate)
    {
        ValidateStep(parameters, gradients, learningRate);
        T lr = T.CreateChecked(learningRate);
        T eps = T.CreateChecked(Epsilon);
        Span<T> sum = _sum;
        for (int i = 0; i < parameters.Length; i++)
        {
            T g = gradients[i];
            T s = sum[i] + g * g;
            sum[i] = s;
            parameters[i] -= lr * (g / (T.Sqrt(s) + eps));
        }

        StepCount++;
    }
}
