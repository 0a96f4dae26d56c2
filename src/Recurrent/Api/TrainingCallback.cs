// TrainingCallback: hooks a SequenceTrainer calls while it trains (Keras callbacks, DL4J listeners):
// OnTrainBegin, OnStepEnd after every update, OnEpochEnd after every epoch, OnTrainEnd once with the result.
// Callbacks run on the training thread, in the order they were added; a callback can ask the trainer to stop
// (TrainingContext.RequestStop) and can evaluate the model on held-out tokens without disturbing training.
namespace Recurrent.Api;

/// <summary>Base class of <see cref="SequenceTrainer"/> callbacks; override the hooks you need.</summary>
public abstract class TrainingCallback
{
    /// <summary>Before the first update of a Fit call.</summary>
    public virtual void OnTrainBegin(TrainingContext context) { }

    /// <summary>After every update.</summary>
    public virtual void OnStepEnd(TrainingContext context, StepMetrics metrics) { }

    /// <summary>After the last update of every epoch (the carried state has been reset).</summary>
    public virtual void OnEpochEnd(TrainingContext context, EpochMetrics metrics) { }

    /// <summary>Once, after the last update of a Fit call (also after cancellation or early stopping).</summary>
    public virtual void OnTrainEnd(TrainingContext context, FitResult result) { }
}
