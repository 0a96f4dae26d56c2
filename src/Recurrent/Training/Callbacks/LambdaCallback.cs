// LambdaCallback: a fit-loop callback made of delegates (Keras' LambdaCallback) — hand each update, epoch end,
// evaluation, metrics line or the end of training to the caller's code, e.g. to print a line or feed a chart.
namespace Recurrent.Training.Callbacks;

/// <summary>Calls the delegates that are set.</summary>
public sealed class LambdaCallback : FitCallback
{
    /// <summary>Before the first update.</summary>
    public Action<FitLoop>? TrainBegin { get; init; }
    /// <summary>After every applied update.</summary>
    public Action<StepReport>? StepEnd { get; init; }
    /// <summary>After every skipped step.</summary>
    public Action<SkippedStepReport>? StepSkipped { get; init; }
    /// <summary>After every epoch, with the number of epochs completed.</summary>
    public Action<int>? EpochEnd { get; init; }
    /// <summary>After every evaluation.</summary>
    public Action<EvaluationReport>? Evaluated { get; init; }
    /// <summary>After every metrics line.</summary>
    public Action<MetricsRecord>? Logged { get; init; }
    /// <summary>Once at the end.</summary>
    public Action<FitOutcome>? TrainEnd { get; init; }

    /// <inheritdoc/>
    public override void OnTrainBegin(FitLoop loop) => TrainBegin?.Invoke(loop);
    /// <inheritdoc/>
    public override void OnStepEnd(FitLoop loop, StepReport step) => StepEnd?.Invoke(step);
    /// <inheritdoc/>
    public override void OnStepSkipped(FitLoop loop, SkippedStepReport skipped) => StepSkipped?.Invoke(skipped);
    /// <inheritdoc/>
    public override void OnEpochEnd(FitLoop loop, int epochs) => EpochEnd?.Invoke(epochs);
    /// <inheritdoc/>
    public override void OnEvaluated(FitLoop loop, EvaluationReport evaluation) => Evaluated?.Invoke(evaluation);
    /// <inheritdoc/>
    public override void OnLogged(FitLoop loop, MetricsRecord record) => Logged?.Invoke(record);
    /// <inheritdoc/>
    public override void OnTrainEnd(FitLoop loop, FitOutcome outcome) => TrainEnd?.Invoke(outcome);
}
