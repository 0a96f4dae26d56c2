// Sgd.cs — stochastic gradient descent with optional (Nesterov) momentum, as torch.optim.SGD with dampening 0
// and no weight decay.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recurrent.Optimizers;

/// <summary>
/// Stochastic gradient descent, matching <c>torch.optim.SGD</c> with <c>dampening=0</c> and <c>weight_decay=0</c>
/// (https://pytorch.org/docs/stable/generated/torch.optim.SGD.html).
/// </summary>
/// <remarks>
/// Without momentum: <c>p -= lr·g</c>. With momentum μ the buffer starts as the first gradient
/// (<c>buf = g</c> on the first step, then <c>buf = μ·buf + g</c>); the update is <c>buf</c>, or
/// <c>g + μ·buf</c> with Nesterov momentum; then <c>p -= lr·update</c>. The buffer is kept at zero before the
/// first step (and after <see cref="Optimizer{T}.Reset"/>), so the first step's <c>μ·0 + g</c> is exactly torch's
/// <c>buf = g</c>, and a buffer loaded from a checkpoint is used as is.
/// State: <c>"momentum_buffer"</c> when momentum is non-zero, otherwise none.
/// </remarks>
/// <typeparam name="T">The element type of parameters, gradients and state.</typeparam>
public sealed class Sgd<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[]? _momentumBuffer; // (ParameterCount), null when Momentum == 0
    private readonly IReadOnlyList<KeyValuePair<string, T[]>> _state;

    /// <summary>Creates an SGD optimizer.</summary>
    /// <param name="parameterCount">The length of the flat parameter and gradient buffers.</param>
    /// <param name="momentum">The momentum factor μ, in [0, 1); 0 is plain SGD.</param>
    /// <param name="nesterov">Use Nesterov momentum; requires <paramref name="momentum"/> &gt; 0.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public Sgd(int parameterCount, double momentum = 0, bool nesterov = false)
        : base(parameterCount)
    {
        ArgumentChecks.UnitInterval(momentum);
        if (nesterov && momentum == 0)
        {
            throw new ArgumentException($"nesterov momentum requires momentum > 0, but momentum was {momentum}.", nameof(nesterov));
        }

        Momentum = momentum;
        Nesterov = nesterov;
        if (momentum != 0)
        {
            _momentumBuffer = new T[parameterCount];
            _state = Array.AsReadOnly([new KeyValuePair<string, T[]>("momentum_buffer", _momentumBuffer)]);
        }
        else
        {
            _state = Array.AsReadOnly(Array.Empty<KeyValuePair<string, T[]>>());
        }
    }

    /// <summary>The momentum factor μ.</summary>
    public double Momentum { get; }

    /// <summary>Whether the update uses Nesterov momentum <c>g + μ·buf</c> instead of <c>buf</c>.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, T[]>> State => _state;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public override void Step(Span<T> parameters, ReadOnlySpan<T> gradients, double learningRate)
    {
        ValidateStep(parameters, gradients, learningRate);
        T lr = T.CreateChecked(learningRate);

        if (_momentumBuffer is null)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] -= lr * gradients[i];
            }
        }
        else
        {
            // torch sets buf = g on the first step; the buffer starts at zero, so μ·0 + g gives exactly that.
            T mu = T.CreateChecked(Momentum);
            Span<T> buf = _momentumBuffer;
            for (int i = 0; i < parameters.Length; i++)
            {
                T g = gradients[i];
                T b = mu * buf[i] + g;
                buf[i] = b;
                T update = Nesterov ? g + mu * b : b;
                parameters[i] -= lr * update;
            }
        }

        StepCount++;
    }
}
