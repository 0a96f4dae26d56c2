// FitCallback: the one way to hook into a FitLoop (Keras callbacks, Lightning hooks). Every behaviour all models
// share and that is not the loop itself — the metrics log, checkpoints, best-weight restore, samples, the progress
// display, a demo's pass bar — is a callback. Callbacks run on the training thread in the order they were added;
// one can stop the run (FitLoop.RequestStop). A callback whose behaviour depends on state of its own (a sampler's
// generator) saves it in every checkpoint through StateKey/SaveState/LoadState, so a resumed run continues it.
using System.Text.Json.Nodes;

namespace Recurrent.Training;

/// <summary>Base class of <see cref="FitLoop"/> callbacks; override the hooks you need.</summary>
public abstract class FitCallback
{
    /// <summary>Before the first update of a Run call.</summary>
    public virtual void OnTrainBegin(FitLoop loop) { }

    /// <summary>After every applied update.</summary>
    public virtual void OnStepEnd(FitLoop loop, StepReport step) { }

    /// <summary>After a step that was skipped (non-finite or diverged loss or gradient).</summary>
    public virtual void OnStepSkipped(FitLoop loop, SkippedStepReport skipped) { }

    /// <summary>After the last update of every epoch; <paramref name="epochs"/> is the number of epochs now completed.</summary>
    public virtual void OnEpochEnd(FitLoop loop, int epochs) { }

    /// <summary>After every evaluation (periodic and final).</summary>
    public virtual void OnEvaluated(FitLoop loop, EvaluationReport evaluation) { }

    /// <summary>After every metrics line.</summary>
    public virtual void OnLogged(FitLoop loop, MetricsRecord record) { }

    /// <summary>When the last checkpoint is due: at evaluations, every CheckpointEvery updates and at the end.</summary>
    public virtual void OnCheckpoint(FitLoop loop) { }

    /// <summary>Once, after the last update of a Run call (also after cancellation or early stopping).</summary>
    public virtual void OnTrainEnd(FitLoop loop, FitOutcome outcome) { }

    /// <summary>The key of this callback's state in checkpoints; null when it has none.</summary>
    public virtual string? StateKey => null;

    /// <summary>This callback's state, for a checkpoint.</summary>
    public virtual JsonNode? SaveState() => null;

    /// <summary>Restores <see cref="SaveState"/>'s value when a run resumes.</summary>
    public virtual void LoadState(JsonNode? state, string source) { }
}
