// Adam.cs — Adam with bias-corrected first and second moments, as torch.optim.Adam (no weight decay, no amsgrad).
// Also holds the one update loop AdamW reuses (with a decoupled weight-decay factor).
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recurrent.Optimizers;

/// <summary>
/// Adam (Kingma and Ba, 2015), matching <c>torch.optim.Adam</c> with <c>weight_decay=0</c> and
/// <c>amsgrad=False</c> (https://pytorch.org/docs/stable/generated/torch.optim.Adam.html).
/// </summary>
/// <remarks>
/// With t the 1-based step number: <c>m = β1·m + (1 − β1)·g</c>; <c>v = β2·v + (1 − β2)·g²</c>;
/// <c>bc1 = 1 − β1^t</c>, <c>bc2 = 1 − β2^t</c>; <c>denom = sqrt(v) / sqrt(bc2) + eps</c>;
/// <c>p -= (lr / bc1)·m / denom</c>. State: <c>"exp_avg"</c> (m) and <c>"exp_avg_sq"</c> (v).
/// </remarks>
/// <typeparam name="T">The element type of parameters, gradients and state.</typeparam>
public class Adam<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _expAvg;   // (ParameterCount) m, first moment
    private readonly T[] _expAvgSq; // (ParameterCount) v, second moment
    private readonly IReadOnlyList<KeyValuePair<string, T[]>> _state;

    /// <summary>Creates an Adam optimizer.</summary>
    /// <param name="parameterCount">The length of the flat parameter and gradient buffers.</param>
    /// <param name="beta1">The decay rate β1 of the first moment, in [0, 1).</param>
    /// <param name="beta2">The decay rate β2 of the second moment, in [0, 1).</param>
    /// <param name="eps">The term added to the denominator, finite and &gt; 0.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public Adam(int parameterCount, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
        : base(parameterCount)
    {
        ArgumentChecks.UnitInterval(beta1);
        ArgumentChecks.UnitInterval(beta2);
        ArgumentChecks.PositiveFinite(eps);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = eps;
        _expAvg = new T[parameterCount];
        _expAvgSq = new T[parameterCount];
        _state = Array.AsReadOnly(
        [
            new KeyValuePair<string, T[]>("exp_avg", _expAvg),
            new KeyValuePair<string, T[]>("exp_avg_sq", _expAvgSq),
        ]);
    }

    /// <summary>The decay rate β1 of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>The decay rate β2 of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>The term added to the bias-corrected root of the second moment.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public sealed override IReadOnlyList<KeyValuePair<string, T[]>> State => _state;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public override void Step(Span<T> parameters, ReadOnlySpan<T> gradients, double learningRate)
    {
        ValidateStep(parameters, gradients, learningRate);
        Update(parameters, gradients, learningRate, parameterScale: 1.0);
    }

    /// <summary>
    /// The Adam update after scaling each parameter by <paramref name="parameterScale"/>:
    /// <c>p = p·scale − (lr / bc1)·(m / denom)</c>. Adam passes 1 (an exact no-op); AdamW passes
    /// <c>1 − lr·weightDecay</c>. Arguments are already validated.
    /// </summary>
    private protected void Update(Span<T> parameters, ReadOnlySpan<T> gradients, double learningRate, double parameterScale)
    {
        long t = StepCount + 1;
        double biasCorrection1 = 1 - Math.Pow(Beta1, t);
        double biasCorrection2 = 1 - Math.Pow(Beta2, t);

        T beta1 = T.CreateChecked(Beta1);
        T oneMinusBeta1 = T.CreateChecked(1 - Beta1);
        T beta2 = T.CreateChecked(Beta2);
        T oneMinusBeta2 = T.CreateChecked(1 - Beta2);
        T stepSize = T.CreateChecked(learningRate / biasCorrection1);
        T biasCorrection2Sqrt = T.CreateChecked(Math.Sqrt(biasCorrection2));
        T eps = T.CreateChecked(Epsilon);
        T scale = T.CreateChecked(parameterScale);

        Span<T> m = _expAvg;
        Span<T> v = _expAvgSq;
        for (int i = 0; i < parameters.Length; i++)
        {
            T g = gradients[i];
            T mi = beta1 * m[i] + oneMinusBeta1 * g;
            T vi = beta2 * v[i] + oneMinusBeta2 * g * g;
            m[i] = mi;
            v[i] = vi;
            T denom = T.Sqrt(vi) / biasCorrection2Sqrt + eps;
            parameters[i] = parameters[i] * scale - stepSize * (mi / denom);
        }

        StepCount = t;
    }
}
