// IBatchSource: where the fit loop's updates come from — contiguous language-model windows, bucketed padded
// labelled sequences, forecast windows, seq2seq pairs. A source owns its model's front end: TrainNext runs the
// next batch forward, takes the loss and its gradient, runs backward and finishes the step with the shared
// StepEngine. The order of an epoch depends only on the source's seed and the epoch number, so (epoch,
// position) plus SaveState's bytes (a language model's carried hidden state) say exactly what comes next: that is
// what makes a resumed run bit-identical to one that was never stopped.
using Recurrent.Training;

namespace Recurrent.Training;

/// <summary>The batches of one kind of model and the step that trains on them.</summary>
public interface IBatchSource
{
    /// <summary>Updates in one epoch.</summary>
    long BatchesPerEpoch { get; }

    /// <summary>Batches of the current epoch already trained on (0..<see cref="BatchesPerEpoch"/>).</summary>
    long Position { get; }

    /// <summary>Input steps (tokens, time steps) in one batch, for the throughput figure.</summary>
    long ItemsPerBatch { get; }

    /// <summary>Starts epoch <paramref name="epoch"/> (0-based) at batch <paramref name="position"/>.</summary>
    void Seek(int epoch, long position);

    /// <summary>Trains on the next batch of the current epoch (forward, loss, backward, the engine's update) and moves on.</summary>
    StepResult TrainNext();

    /// <summary>After each step: <paramref name="applied"/> is false when the engine skipped the update.</summary>
    void AfterStep(bool applied);

    /// <summary>What the next batch depends on besides (epoch, position), for checkpoints; empty when nothing.</summary>
    byte[] SaveState();

    /// <summary>Restores <see cref="SaveState"/>'s bytes; <paramref name="source"/> names the checkpoint in errors.</summary>
    void LoadState(byte[] state, string source);
}
