// MetricsCallback: a TrainingCallback made of delegates — per-update and per-epoch metrics (and the end of
// training) handed to the caller's code, e.g. to print a line or feed a chart. Steps can be thinned with every.
namespace Recurrent.Api;

/// <summary>Calls the given delegates with each update's and each epoch's metrics.</summary>
public sealed class MetricsCallback : TrainingCallback
{
    private readonly Action<StepMetrics>? _onStep;
    private readonly Action<EpochMetrics>? _onEpoch;
    private readonly Action<FitResult>? _onEnd;
    private readonly int _every;

    /// <summary>
    /// <paramref name="onStep"/> runs after every <paramref name="every"/>-th update (step % every == 0),
    /// <paramref name="onEpoch"/> after every epoch and <paramref name="onEnd"/> once at the end.
    /// </summary>
    public MetricsCallback(Action<StepMetrics>? onStep = null, Action<EpochMetrics>? onEpoch = null, Action<FitResult>? onEnd = null, int every = 1)
    {
        if (every <= 0) throw new ArgumentException($"every must be positive, got {every}.", nameof(every));
        _onStep = onStep;
        _onEpoch = onEpoch;
        _onEnd = onEnd;
        _every = every;
    }

    /// <inheritdoc/>
    public override void OnStepEnd(TrainingContext context, StepMetrics metrics)
    {
        if (metrics.Step % _every == 0) _onStep?.Invoke(metrics);
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics) => _onEpoch?.Invoke(metrics);

    /// <inheritdoc/>
    public override void OnTrainEnd(TrainingContext context, FitResult result) => _onEnd?.Invoke(result);
}
