// CheckpointWriter: the fit-loop callback that keeps a run's last.safetensors and best.safetensors. The last
// checkpoint is written before the first update (so a run can be resumed from any moment), whenever the loop says
// one is due (evaluations, every CheckpointEvery updates, the end) and the best one whenever an evaluation
// improves the monitored metric. Each write is atomic and carries the loop's whole state; a model whose weights or
// optimizer moments are not finite is never written (the previous file stays). What a file holds besides the
// state — the model, its task description, its tokenizer — is the application's: it passes the save function.
namespace Recurrent.Training.Callbacks;

/// <summary>Writes last and best checkpoints of a run directory with an application's save function.</summary>
/// <param name="run">The run directory.</param>
/// <param name="save">Writes the model, the optimizer and the given training state to the path (atomically).</param>
public sealed class CheckpointWriter(RunDirectory run, Action<string, FitState> save) : FitCallback
{
    /// <summary>The run directory written to.</summary>
    public RunDirectory Run { get; } = run;

    /// <summary>After every checkpoint written.</summary>
    public event Action<CheckpointReport>? Saved;

    /// <inheritdoc/>
    public override void OnTrainBegin(FitLoop loop)
    {
        Run.EnsureWritable();
        if (!File.Exists(Run.Last)) Write(loop, Run.Last);
    }

    /// <inheritdoc/>
    public override void OnEvaluated(FitLoop loop, EvaluationReport evaluation)
    {
        if (evaluation.Improved) Write(loop, Run.Best);
    }

    /// <inheritdoc/>
    public override void OnCheckpoint(FitLoop loop) => Write(loop, Run.Last);

    private void Write(FitLoop loop, string path)
    {
        loop.EnsureFinite(path);
        save(path, loop.CaptureState());
        Saved?.Invoke(new CheckpointReport(loop.Step, path));
    }
}
