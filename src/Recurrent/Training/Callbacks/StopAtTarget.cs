// StopAtTarget: the fit-loop callback that ends a run as soon as an evaluation reaches a target value of one of its
// metrics — a demo's pass bar (the addition task stops at 99% per-character accuracy) — with
// StopReason.TargetReached. "Reached" means at or above the target where higher is better, at or below it
// otherwise; the direction is the evaluation's (that of its monitored metric) unless given.
namespace Recurrent.Training.Callbacks;

/// <summary>Stops the run when <see cref="Metric"/> reaches <see cref="Target"/>.</summary>
public sealed class StopAtTarget : FitCallback
{
    /// <summary>
    /// Stops when <paramref name="metric"/> (null: the evaluation's monitored metric) reaches <paramref name="target"/>
    /// at an evaluation; <paramref name="higherIsBetter"/> (null: the evaluation's direction) says which side is reached.
    /// Throws ArgumentException for a target that is not finite.
    /// </summary>
    public StopAtTarget(double target, string? metric = null, bool? higherIsBetter = null)
    {
        if (!double.IsFinite(target)) throw new ArgumentException($"target must be finite, got {target}.", nameof(target));
        Target = target;
        Metric = metric;
        HigherIsBetter = higherIsBetter;
    }

    /// <summary>The value to reach.</summary>
    public double Target { get; }
    /// <summary>The metric watched (null: the monitored one).</summary>
    public string? Metric { get; }
    /// <summary>The direction (null: the evaluation's).</summary>
    public bool? HigherIsBetter { get; }
    /// <summary>The step at which the target was reached, or null.</summary>
    public long? ReachedAt { get; private set; }

    /// <inheritdoc/>
    public override void OnEvaluated(FitLoop loop, EvaluationReport evaluation)
    {
        var e = evaluation.Evaluation;
        if (e[Metric ?? e.Monitor] is not double value || double.IsNaN(value)) return;
        if ((HigherIsBetter ?? e.HigherIsBetter) ? value >= Target : value <= Target)
        {
            ReachedAt ??= evaluation.Step;
            loop.RequestStop(StopReason.TargetReached);
        }
    }
}
