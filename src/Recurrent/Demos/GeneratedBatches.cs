// GeneratedBatches: the batch source of the built-in demo tasks for the fit loop — every batch is freshly generated
// by the task (adding problem, copy, Reber strings, ...) from its own seeded generator and trained by the task's
// step function. Generated data has no natural epoch, so an "epoch" is EvaluateEvery batches: the loop evaluates
// the task's criterion at every epoch end. Demos are not resumed, so the source keeps no checkpoint state.
using Recurrent.Models;
using Recurrent.Training;

namespace Recurrent.Demos;

/// <summary>Batches a demo task generates and trains one by one.</summary>
internal sealed class GeneratedBatches(Trainer<float> trainer, Func<Trainer<float>, StepResult> step, long batchesPerEpoch) : IBatchSource
{
    public long BatchesPerEpoch { get; } = batchesPerEpoch;
    public long Position { get; private set; }
    public long ItemsPerBatch => trainer.Model.Output.Length / Math.Max(1, trainer.Model.Config.OutputSize);

    public void Seek(int epoch, long position) => Position = position;

    public StepResult TrainNext()
    {
        Position++;
        return step(trainer);
    }

    public void AfterStep(bool applied) { }
    public byte[] SaveState() => [];
    public void LoadState(byte[] state, string source) { }
}
