// RmsProp.cs — RMSprop: step sizes from a moving average of squared gradients,
// as torch.optim.RMSprop without momentum, centering or weight decay.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recurrent.Optimizers;

/// <summary>
/// RMSprop (Tieleman and Hinton, 2012), matching <c>torch.optim.RMSprop</c> with <c>momentum=0</c>,
/// <c>centered=False</c> and <c>weight_decay=0</c>
/// (https://pytorch.org/docs/stable/generated/torch.optim.RMSprop.html):
/// <c>sq = α·sq + (1 − α)·g²; p -= lr·g / (sqrt(sq) + eps)</c>, with <c>sq</c> starting at zero.
/// </summary>
/// <remarks>
/// Karpathy's char-rnn trains with this update (Torch7 <c>optim.rmsprop</c>) using α = 0.95 (its
/// <c>decay_rate</c>), learning rate 2e-3 and element-wise gradient clipping to ±5. State: <c>"square_avg"</c>.
/// </remarks>
/// <typeparam name="T">The element type of parameters, gradients and state.</typeparam>
public sealed class RmsProp<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _squareAvg; // (ParameterCount) moving average of g²
    private readonly IReadOnlyList<KeyValuePair<string, T[]>> _state;

    /// <summary>Creates an RMSprop optimizer.</summary>
    /// <param name="parameterCount">The length of the flat parameter and gradient buffers.</param>
    /// <param name="alpha">The smoothing constant α of the squared-gradient average, in [0, 1);
    /// PyTorch's default 0.99, char-rnn's 0.95.</param>
    /// <param name="eps">The term added to the root of the average, finite and &gt; 0.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public RmsProp(int parameterCount, double alpha = 0.99, double eps = 1e-8)
        : base(parameterCount)
    {
        ArgumentChecks.UnitInterval(alpha);
        ArgumentChecks.PositiveFinite(eps);
        Alpha = alpha;
        Epsilon = eps;
        _squareAvg = new T[parameterCount];
        _state = Array.AsReadOnly([new KeyValuePair<string, T[]>("square_avg", _squareAvg)]);
    }

    /// <summary>The smoothing constant α of the squared-gradient average.</summary>
    public double Alpha { get; }

    /// <summary>The term added to <c>sqrt(sq)</c> in the denominator.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, T[]>> State => _state;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public override void Step(Span<T> parameters, ReadOnlySpan<T> gradients, double learningRate)
    {
        ValidateStep(parameters, gradients, learningRate);
        T lr = T.CreateChecked(learningRate);
        T alpha = T.CreateChecked(Alpha);
        T oneMinusAlpha = T.CreateChecked(1 - Alpha);
        T eps = T.CreateChecked(Epsilon);
        Span<T> sq = _squareAvg;
        for (int i = 0; i < parameters.Length; i++)
        {
            T g = gradients[i];
            T s = alpha * sq[i] + oneMinusAlpha * g * g;
            sq[i] = s;
            parameters[i] -= lr * (g / (T.Sqrt(s) + eps));
        }

        StepCount++;
    }
}
