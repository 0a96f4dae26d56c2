// DemoResult: what a built-in task reports — the criterion's metric, PASS/FAIL, training steps, loss and time.
// Task-specific results derive from it and add their own details.
namespace Recurrent.Demos;

/// <summary>Outcome of one run of a built-in task.</summary>
/// <param name="Passed">True when the held-out test set meets the task's criterion.</param>
/// <param name="Metric">The criterion's metric on the held-out test set (its meaning is the task's).</param>
/// <param name="MetricText">The metric as a short phrase, e.g. "99.8% within 0.04".</param>
/// <param name="Steps">Training steps taken.</param>
/// <param name="FinalLoss">Training loss of the last step.</param>
/// <param name="Seconds">Wall-clock time of training and evaluation.</param>
public record DemoResult(bool Passed, double Metric, string MetricText, int Steps, double FinalLoss, double Seconds)
{
    /// <summary>Extra lines a task prints after training (examples, baselines); empty by default.</summary>
    public virtual IReadOnlyList<string> Details => [];
}
