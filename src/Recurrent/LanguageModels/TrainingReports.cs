// TrainingReports: what a LanguageModelTrainer tells its caller while it runs — each update, each metrics line,
// each evaluation, each sample, each checkpoint — and how a run ended. Plain records; the trainer raises them
// as events and does no console I/O itself.
namespace Recurrent.LanguageModels;

/// <summary>One update.</summary>
/// <param name="Step">Updates done, this one included (1-based).</param>
/// <param name="Epoch">Fractional epoch after the update (completed epochs + position in the current one).</param>
/// <param name="Loss">Mean training cross-entropy of the window before the update (nats/token).</param>
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
/// <param name="SkippedSteps">Windows skipped so far in the run (non-finite loss or gradient; no update made).</param>
public sealed record MetricsRecord(long Step, double Epoch, double? TrainLoss, double? ValidationLoss, double LearningRate,
    double GradientNorm, double TokensPerSecond, double ElapsedSeconds, long SkippedSteps = 0);

/// <summary>A window whose loss or gradient was not finite: no update was made, the carried state was reset.</summary>
/// <param name="Step">Updates done so far (unchanged by the skip).</param>
/// <param name="Loss">The window's loss.</param>
/// <param name="GradientNorm">The gradient norm (NaN or infinite when the gradient was not finite).</param>
/// <param name="InARow">Skipped windows in a row, this one included.</param>
/// <param name="Total">Skipped windows in the whole run.</param>
public sealed record SkippedStepReport(long Step, double Loss, double GradientNorm, int InARow, long Total);

/// <summary>An evaluation on the validation stream.</summary>
/// <param name="Step">Updates done.</param>
/// <param name="Loss">Mean validation loss (nats/token).</param>
/// <param name="Improved">True when it is the lowest so far (best.safetensors was written).</param>
/// <param name="Final">True for the evaluation at the end of the run (it does not count towards patience).</param>
/// <param name="EvaluationsWithoutImprovement">Periodic evaluations in a row without improvement.</param>
public sealed record EvaluationReport(long Step, double Loss, bool Improved, bool Final, int EvaluationsWithoutImprovement);

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
    /// <summary>The caller cancelled (Ctrl+C).</summary>
    Cancelled,
}

/// <summary>How a run ended.</summary>
/// <param name="Reason">Why it stopped.</param>
/// <param name="Step">Updates done in total.</param>
/// <param name="Epoch">Fractional epoch.</param>
/// <param name="TrainLoss">Mean training loss of the last updates (since the last metrics line or evaluation), null if none ran.</param>
/// <param name="ValidationLoss">Validation loss at the end, null without validation data.</param>
/// <param name="BestValidationLoss">Lowest validation loss of the run.</param>
/// <param name="BestValidationStep">Its step.</param>
/// <param name="ElapsedSeconds">Wall-clock seconds of the whole run (resumes included).</param>
/// <param name="StepsThisSession">Updates done by this call of Run.</param>
/// <param name="SkippedSteps">Windows skipped in the whole run because the loss or gradient was not finite.</param>
public sealed record TrainingOutcome(StopReason Reason, long Step, double Epoch, double? TrainLoss, double? ValidationLoss,
    double? BestValidationLoss, long? BestValidationStep, double ElapsedSeconds, long StepsThisSession, long SkippedSteps = 0);
