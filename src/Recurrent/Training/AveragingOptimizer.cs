// AveragingOptimizer: any optimizer plus a shadow copy θ̄ of the flat parameters that is updated after every step —
// Keras' `use_ema`, torch.optim.ASGD's `ax` — so every kind of model gets averaged weights from
// OptimizationOptions.CreateOptimizer alone. It wraps rather than changes the optimizers: the update itself is the
// inner optimizer's, bit for bit. The shadow is one more optimizer state buffer ("weight_average"), so checkpoints
// save and load it with the moments and the finiteness check covers it; its count is derived from the step count
// and Start (the first update in the average), and Start — fixed for EMA and Polyak, set by NT-ASGD's trigger — is
// saved in the fit state (FitState.Averaging).
//
// The arithmetic, one form for all kinds: after update t, with n = t − Start + 1 ≥ 1 updates in the average,
//   θ̄ ← θ̄ + w_n·(θ − θ̄),   w_1 = 1 (θ̄ = θ),
//   Polyak / NT-ASGD: w_n = 1/n                    → θ̄ = the plain mean of θ_Start..θ_t;
//   EMA with decay d:  w_n = (1 − d)/(1 − d^n)     → θ̄ = m_t/(1 − d^n) for m ← d·m + (1 − d)·θ from m = 0,
// i.e. the EMA is bias-corrected (as Adam's moments are) rather than started at θ̄ = θ_0: the initial random weights
// would otherwise dominate the first ~1/(1 − d) updates' evaluations (1000 for d = 0.999), while the corrected
// average is from the first update on an exactly normalised, exponentially weighted mean of the weights seen.
//
// Evaluation swaps the average in (SwapIn: raw weights → a scratch buffer, θ̄ → the parameters) and back (SwapOut);
// both buffers are allocated once, here, so no evaluation allocates.
using System.Runtime.CompilerServices;
using Recurrent.Optimizers;

namespace Recurrent.Training;

/// <summary>An optimizer that also keeps an average of the weights it produces; see the file header.</summary>
public sealed class AveragingOptimizer : Optimizer<float>
{
    /// <summary>The name of the average among the optimizer's state buffers (stored as "optimizer.weight_average").</summary>
    public const string AverageStateName = "weight_average";

    private readonly float[] _average; // (ParameterCount) θ̄, valid when Count > 0
    private readonly float[] _raw;     // (ParameterCount) the raw weights while the average is swapped in
    private readonly IReadOnlyList<KeyValuePair<string, float[]>> _state;

    /// <summary>Wraps <paramref name="inner"/>, averaging as <paramref name="averaging"/> says.</summary>
    public AveragingOptimizer(Optimizer<float> inner, WeightAveraging averaging)
        : base((inner ?? throw new ArgumentNullException(nameof(inner))).ParameterCount)
    {
        ArgumentNullException.ThrowIfNull(averaging);
        averaging.Validate();
        if (inner is AveragingOptimizer) throw new ArgumentException("The optimizer already averages its weights.", nameof(inner));
        Inner = inner;
        Averaging = averaging;
        _average = new float[inner.ParameterCount];
        _raw = new float[inner.ParameterCount];
        _state = Array.AsReadOnly([.. inner.State, new KeyValuePair<string, float[]>(AverageStateName, _average)]);
        StepCount = inner.StepCount;
        Begin();
    }

    /// <summary>The optimizer that makes the updates.</summary>
    public Optimizer<float> Inner { get; }
    /// <summary>The kind of average.</summary>
    public WeightAveraging Averaging { get; }
    /// <summary>The first update (1-based step count) whose weights are in the average; null while NT-ASGD has not triggered.</summary>
    public long? Start { get; private set; }
    /// <summary>NT-ASGD's trigger (null for EMA and Polyak), consulted by the fit loop at every periodic evaluation.</summary>
    public NonMonotoneTrigger? Trigger { get; private set; }
    /// <summary>Updates whose weights are in the average (0: no average yet, the raw weights are used).</summary>
    public long Count => Start is long s && StepCount >= s ? StepCount - s + 1 : 0;
    /// <summary>The average θ̄ (ParameterCount); meaningful when <see cref="Count"/> &gt; 0.</summary>
    public ReadOnlySpan<float> Average => _average;
    /// <summary>True between <see cref="SwapIn"/> and <see cref="SwapOut"/>: the parameters hold the average.</summary>
    public bool IsSwappedIn { get; private set; }

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, float[]>> State => _state;

    /// <summary>The weight w_n of the n-th averaged update (see the file header).</summary>
    public static double Weight(WeightAveraging averaging, long n)
    {
        ArgumentNullException.ThrowIfNull(averaging);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (n == 1) return 1;
        return averaging.Kind == WeightAveragingKind.Ema
            ? (1 - averaging.Decay) / (1 - Math.Pow(averaging.Decay, n))
            : 1.0 / n;
    }

    /// <inheritdoc/>
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients, double learningRate)
    {
        if (IsSwappedIn)
            throw new InvalidOperationException("The averaged weights are swapped in; swap the raw weights back (SwapOut) before training on.");
        Inner.Step(parameters, gradients, learningRate);
        StepCount++;
        long n = Count;
        if (n >= 1) Accumulate(_average, parameters, (float)Weight(Averaging, n));
    }

    /// <summary>θ̄ ← θ̄ + w·(θ − θ̄) over the flat buffers; w = 1 copies θ exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one pass per update, like the optimizers' loops
    internal static void Accumulate(Span<float> average, ReadOnlySpan<float> values, float w)
    {
        if (w == 1f)
        {
            values.CopyTo(average);
            return;
        }
        for (int i = 0; i < average.Length; i++)
            average[i] += w * (values[i] - average[i]);
    }

    /// <summary>NT-ASGD: starts the average with update <paramref name="firstStep"/> (normally the next one).</summary>
    public void StartAt(long firstStep)
    {
        if (Start is not null) throw new InvalidOperationException($"The average already started at update {Start}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(firstStep, 1);
        Start = firstStep;
    }

    /// <summary>
    /// Puts the average into <paramref name="parameters"/>, keeping the raw weights aside; false (nothing done) when
    /// there is no average yet or it is already swapped in.
    /// </summary>
    public bool SwapIn(Span<float> parameters)
    {
        if (IsSwappedIn || Count == 0) return false;
        parameters.CopyTo(_raw);
        _average.CopyTo(parameters);
        IsSwappedIn = true;
        return true;
    }

    /// <summary>Puts the raw weights kept by <see cref="SwapIn"/> back into <paramref name="parameters"/> (nothing when not swapped in).</summary>
    public void SwapOut(Span<float> parameters)
    {
        if (!IsSwappedIn) return;
        _raw.CopyTo(parameters);
        IsSwappedIn = false;
    }

    /// <inheritdoc/>
    public override void RestoreStepCount(long stepCount)
    {
        base.RestoreStepCount(stepCount);
        Inner.RestoreStepCount(stepCount);
    }

    /// <inheritdoc/>
    public override void Reset()
    {
        base.Reset();
        Inner.Reset();
        IsSwappedIn = false;
        Begin();
    }

    /// <summary>What the fit state keeps: the start and NT-ASGD's trigger state.</summary>
    public WeightAveragingState SaveState() => new() { Start = Start, Trigger = Trigger?.SaveState() };

    /// <summary>Restores <see cref="SaveState"/>'s value (null: as a fresh optimizer).</summary>
    public void LoadState(WeightAveragingState? state)
    {
        Begin();
        if (state is null) return;
        if (Averaging.Kind == WeightAveragingKind.NonMonotone)
        {
            if (state.Start is long s && s < 1) throw new InvalidDataException($"The averaging state starts at update {s}.");
            Start = state.Start;
            if (state.Trigger is not null) Trigger!.LoadState(state.Trigger);
        }
    }

    private void Begin()
    {
        Start = Averaging.Kind switch
        {
            WeightAveragingKind.Ema => 1,
            WeightAveragingKind.Polyak => Averaging.Start,
            _ => null,
        };
        Trigger = Averaging.Kind == WeightAveragingKind.NonMonotone ? new NonMonotoneTrigger(Averaging.Interval) : null;
    }
}

/// <summary>The part of an <see cref="AveragingOptimizer"/>'s state kept in the fit state (the average itself is an optimizer buffer).</summary>
public sealed record WeightAveragingState
{
    /// <summary>The first update in the average, null before NT-ASGD triggers.</summary>
    public long? Start { get; init; }
    /// <summary>NT-ASGD's trigger state.</summary>
    public NonMonotoneTriggerState? Trigger { get; init; }
}
