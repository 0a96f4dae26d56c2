// BestWeights: the fit-loop callback that keeps, in memory, a copy of the parameters of the evaluation with the
// best monitored metric and puts them back into the model when training ends — early stopping's best-weight
// restore (Keras restore_best_weights) for library users who write no run directory.
namespace Recurrent.Training.Callbacks;

/// <summary>Restores the best evaluation's parameters at the end of a run.</summary>
public sealed class BestWeights : FitCallback
{
    private float[]? _best;

    /// <summary>True when the weights were put back at the end (false when the last ones were the best or no evaluation ran).</summary>
    public bool Restored { get; private set; }

    /// <summary>Step of the kept parameters, or null.</summary>
    public long? Step { get; private set; }

    /// <inheritdoc/>
    public override void OnEvaluated(FitLoop loop, EvaluationReport evaluation)
    {
        if (!evaluation.Improved) return;
        float[] values = loop.Model.Parameters.Values;
        _best ??= new float[values.Length];
        values.CopyTo(_best, 0);
        Step = evaluation.Step;
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(FitLoop loop, FitOutcome outcome)
    {
        Restored = _best is not null && Step != loop.Step;
        if (Restored) _best!.CopyTo(loop.Model.Parameters.Values, 0);
    }
}
