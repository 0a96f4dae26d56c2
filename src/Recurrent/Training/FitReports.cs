// FitReports: what the fit loop tells its callbacks while it runs — each update, each skipped step, each metrics
// line, each evaluation, each checkpoint — and how a run ended (one StopReason, one outcome record for every kind
// of model). Plain records; the loop does no console I/O itself.
namespace Recurrent.Training;

/// <summary>One update.</summary>
/// <param name="Step">Updates done, this one included (1-based).</param>
/// <param name="Epoch">Fractional epoch after the update (completed epochs + position in the current one).</param>
/// <param name="Loss">Mean training loss of the batch before the update (nats/token for cross-entropy).</param>
/// <param name="GradientNorm">Global gradient norm before clipping.</param>
/// <param name="LearningRate">Learning rate used.</param>
public readonly record struct StepReport(long Step, double Epoch, double Loss, double GradientNorm, double LearningRate);

/// <summary>One line of metrics.jsonl.</summary>
/// <param name="Step">Updates done.</param>
/// <param name="Epoch">Fractional epoch.</param>
/// <param name="TrainLoss">Mean training loss of the updates since the previous line (null if none).</param>
/// <param name="ValidationLoss">Validation loss when an evaluation happened at this step.</param>
/// <param name="LearningRate">Learning rate of the last update.</param>
/// <param name="GradientNorm">Gradient norm of the last update.</param>
/// <param name="TokensPerSecond">Training tokens per second since the previous line (training time only).</param>
/// <param name="ElapsedSeconds">Wall-clock seconds since the run started (resumes included).</param>
/// <param name="SkippedSteps">Steps skipped so far in the run (non-finite or diverged loss or gradient; no update made).</param>
/// <param name="Validation">The other metrics of an evaluation at this step (val_accuracy, val_mae, ...), null without one.</param>
/// <param name="AveragedFrom">
/// When the evaluation at this step used averaged weights (OptimizationOptions.AverageWeights): the first update in
/// the average ("averaged_from"; for NT-ASGD, the update after the trigger); null when it used the raw weights.
/// </param>
public sealed record MetricsRecord(long Step, double Epoch, double? TrainLoss, double? ValidationLoss, double LearningRate,
    double GradientNorm, double TokensPerSecond, double ElapsedSeconds, long SkippedSteps = 0,
    IReadOnlyList<KeyValuePair<string, double>>? Validation = null, long? AveragedFrom = null);

/// <summary>A step whose loss or gradient was not finite (or whose loss passed the divergence limit): no update was made.</summary>
/// <param name="Step">Updates done so far (unchanged by the skip).</param>
/// <param name="Loss">The window's loss.</param>
/// <param name="GradientNorm">The gradient norm (NaN or infinite when the gradient was not finite).</param>
/// <param name="InARow">Skipped steps in a row, this one included.</param>
/// <param name="Total">Skipped steps in the whole run.</param>
public sealed record SkippedStepReport(long Step, double Loss, double GradientNorm, int InARow, long Total);

/// <summary>An evaluation on the validation data.</summary>
/// <param name="Step">Updates done.</param>
/// <param name="Evaluation">Its metrics and the monitored one.</param>
/// <param name="Improved">True when the monitored metric is the best so far (the best checkpoint is written).</param>
/// <param name="Final">True for the evaluation at the end of the run (it does not count towards patience).</param>
/// <param name="EvaluationsWithoutImprovement">Periodic evaluations in a row without improvement.</param>
/// <param name="AveragedFrom">The first update in the averaged weights that were evaluated; null when the raw weights were.</param>
/// <param name="AveragingStartsAt">Set when NT-ASGD triggered at this evaluation: the first update that will be averaged.</param>
public sealed record EvaluationReport(long Step, Evaluation Evaluation, bool Improved, bool Final, int EvaluationsWithoutImprovement,
    long? AveragedFrom = null, long? AveragingStartsAt = null)
{
    /// <summary>The validation loss, when the evaluation has one.</summary>
    public double? Loss => Evaluation.Loss;
}

/// <summary>A sample generated during training.</summary>
/// <param name="Step">Updates done.</param>
/// <param name="Text">The generated text.</param>
public sealed record SampleReport(long Step, string Text);

/// <summary>A checkpoint written.</summary>
/// <param name="Step">Updates done.</param>
/// <param name="Path">The file.</param>
public sealed record CheckpointReport(long Step, string Path);

/// <summary>Why a run stopped.</summary>
public enum StopReason
{
    /// <summary>The epoch budget was reached.</summary>
    Epochs,
    /// <summary>The step budget was reached.</summary>
    Steps,
    /// <summary>The wall-clock budget was spent.</summary>
    Time,
    /// <summary>Early stopping: no validation improvement for Patience evaluations.</summary>
    EarlyStopping,
    /// <summary>The caller cancelled (Ctrl+C, SIGTERM).</summary>
    Cancelled,
    /// <summary>A callback stopped the run because the model reached its target (e.g. a demo's pass bar).</summary>
    TargetReached,
}

/// <summary>How a run ended.</summary>
/// <param name="Reason">Why it stopped.</param>
/// <param name="Step">Updates done in total.</param>
/// <param name="Epoch">Fractional epoch.</param>
/// <param name="TrainLoss">Mean training loss of the last updates (since the last metrics line or evaluation), null if none ran.</param>
/// <param name="Validation">The last evaluation, null without validation data.</param>
/// <param name="BestScore">Best value of the monitored metric in the run.</param>
/// <param name="BestStep">Its step.</param>
/// <param name="ElapsedSeconds">Wall-clock seconds of the whole run (resumes included).</param>
/// <param name="StepsThisSession">Updates done by this call of Run.</param>
/// <param name="SkippedSteps">Steps skipped in the whole run (non-finite or diverged; no update made).</param>
public sealed record FitOutcome(StopReason Reason, long Step, double Epoch, double? TrainLoss, Evaluation? Validation,
    double? BestScore, long? BestStep, double ElapsedSeconds, long StepsThisSession, long SkippedSteps = 0)
{
    /// <summary>The last validation loss, when the evaluation has one.</summary>
    public double? ValidationLoss => Validation?.Loss;
}
