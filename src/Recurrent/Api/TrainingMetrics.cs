// TrainingMetrics: what a SequenceTrainer reports to its callbacks — each update, each epoch, each validation
// evaluation — and how a Fit call ended. Plain records.
using Recurrent.LanguageModels;

namespace Recurrent.Api;

/// <summary>One update of <see cref="SequenceTrainer"/>.</summary>
/// <param name="Step">Updates done, this one included (1-based, counted over all Fit calls).</param>
/// <param name="Epoch">Fractional epoch after the update (completed epochs + position in the current one).</param>
/// <param name="Loss">Mean training cross-entropy of the window before the update (nats/token).</param>
/// <param name="GradientNorm">Global gradient norm before clipping.</param>
/// <param name="LearningRate">Learning rate used.</param>
/// <param name="TokensPerSecond">Training tokens per second of this update.</param>
public readonly record struct StepMetrics(long Step, double Epoch, double Loss, double GradientNorm, double LearningRate, double TokensPerSecond);

/// <summary>A completed epoch.</summary>
/// <param name="Epoch">Epochs completed (1 after the first).</param>
/// <param name="Step">Updates done.</param>
/// <param name="MeanLoss">Mean training loss of the epoch's updates.</param>
public readonly record struct EpochMetrics(int Epoch, long Step, double MeanLoss);

/// <summary>A validation evaluation made by <see cref="EarlyStopping"/>.</summary>
/// <param name="Step">Updates done.</param>
/// <param name="Loss">Mean validation cross-entropy (nats/token).</param>
/// <param name="Improved">True when it is the best so far (its weights were kept).</param>
/// <param name="EvaluationsWithoutImprovement">Evaluations in a row without improvement.</param>
public readonly record struct ValidationMetrics(long Step, double Loss, bool Improved, int EvaluationsWithoutImprovement);

/// <summary>How a <see cref="SequenceTrainer.Fit(Recurrent.Data.TokenStream, CancellationToken)"/> call ended.</summary>
/// <param name="Reason">Why it stopped: step or epoch budget, early stopping or cancellation.</param>
/// <param name="Step">Updates done in total.</param>
/// <param name="Epoch">Fractional epoch.</param>
/// <param name="LastLoss">Training loss of the last update, null if none ran.</param>
/// <param name="StepsThisCall">Updates done by this call.</param>
/// <param name="ElapsedSeconds">Wall-clock seconds of this call.</param>
public sealed record FitResult(StopReason Reason, long Step, double Epoch, double? LastLoss, long StepsThisCall, double ElapsedSeconds);
