// DemoCriterion: the fit-loop callback of the built-in demo tasks — at every evaluation it reports progress, stops
// the run as soon as the task's pass criterion is met (StopReason.TargetReached), and once the metric passes the
// fine-tuning mark lowers the learning rate to a fifth for the rest of the run.
using Recurrent.Training;

namespace Recurrent.Demos;

/// <summary>Stops a demo at its criterion and switches to fine-tuning.</summary>
internal sealed class DemoCriterion(Func<double, bool>? fineTuneWhen, Action<DemoProgress>? progress) : FitCallback
{
    /// <summary>The learning rate is multiplied by this once the fine-tuning mark is passed.</summary>
    public const double FineTuneFactor = 0.2;

    private double _lastLoss = double.NaN;

    public override void OnStepEnd(FitLoop loop, StepReport step) => _lastLoss = step.Loss;

    public override void OnEvaluated(FitLoop loop, EvaluationReport evaluation)
    {
        double metric = evaluation.Evaluation.Score;
        bool stop = evaluation.Evaluation["stop"] == 1;
        progress?.Invoke(new DemoProgress((int)evaluation.Step, _lastLoss, metric, stop));
        if (stop) loop.RequestStop(StopReason.TargetReached);
        else if (loop.Engine.LearningRateFactor == 1 && fineTuneWhen is not null && fineTuneWhen(metric))
            loop.Engine.LearningRateFactor = FineTuneFactor;
    }
}
