// AdamW.cs — Adam with decoupled weight decay, as torch.optim.AdamW (no amsgrad).
// The update loop is Adam's; this class only supplies the decay factor.
using System.Numerics;

namespace Recurrent.Optimizers;

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019), matching <c>torch.optim.AdamW</c> with <c>amsgrad=False</c>
/// (https://pytorch.org/docs/stable/generated/torch.optim.AdamW.html): first <c>p *= 1 − lr·weightDecay</c>,
/// then the <see cref="Adam{T}"/> update. With <c>weightDecay = 0</c> it gives exactly Adam's result.
/// </summary>
/// <remarks>State: <c>"exp_avg"</c> and <c>"exp_avg_sq"</c>, as Adam.</remarks>
/// <typeparam name="T">The element type of parameters, gradients and state.</typeparam>
public sealed class AdamW<T> : Adam<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates an AdamW optimizer.</summary>
    /// <param name="parameterCount">The length of the flat parameter and gradient buffers.</param>
    /// <param name="beta1">The decay rate β1 of the first moment, in [0, 1).</param>
    /// <param name="beta2">The decay rate β2 of the second moment, in [0, 1).</param>
    /// <param name="eps">The term added to the denominator, finite and &gt; 0.</param>
    /// <param name="weightDecay">The decoupled weight-decay coefficient, finite and &gt;= 0; PyTorch's default 0.01.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public AdamW(int parameterCount, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.01)
        : base(parameterCount, beta1, beta2, eps)
    {
        ArgumentChecks.NonNegativeFinite(weightDecay);
        WeightDecay = weightDecay;
    }

    /// <summary>The decoupled weight-decay coefficient.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc/>
    public override void Step(Span<T> parameters, ReadOnlySpan<T> gradients, double learningRate)
    {
        ValidateStep(parameters, gradients, learningRate);
        Update(parameters, gradients, learningRate, parameterScale: 1 - learningRate * WeightDecay);
    }
}
