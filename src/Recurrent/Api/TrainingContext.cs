// TrainingContext: what a callback sees of a running SequenceTrainer — the model, the step engine, the step and
// epoch — and what it may do: evaluate held-out tokens (the carried training state is saved and put back) and
// ask the trainer to stop after the current update.
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Models;
using Recurrent.Training;

namespace Recurrent.Api;

/// <summary>The running training, as seen by a <see cref="TrainingCallback"/>.</summary>
public sealed class TrainingContext
{
    private readonly SequenceTrainer _owner;

    internal TrainingContext(SequenceTrainer owner) => _owner = owner;

    /// <summary>The model being trained.</summary>
    public SequenceModel<float> Model => _owner.Model;

    /// <summary>The step engine (optimizer, schedule, clipping).</summary>
    public Trainer<float> Trainer => _owner.Trainer;

    /// <summary>Updates done.</summary>
    public long Step => _owner.Step;

    /// <summary>Completed epochs.</summary>
    public int Epoch => _owner.Epoch;

    /// <summary>The trainer's options.</summary>
    public SequenceTrainerOptions Options => _owner.Options;

    /// <summary>True once a callback asked to stop.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>Why the stop was asked for.</summary>
    public StopReason? RequestedReason { get; private set; }

    /// <summary>Makes the trainer stop after the current update (and its callbacks) with <paramref name="reason"/>.</summary>
    public void RequestStop(StopReason reason = StopReason.EarlyStopping)
    {
        StopRequested = true;
        RequestedReason ??= reason;
    }

    /// <summary>
    /// Mean next-token cross-entropy (nats/token) of the model on <paramref name="tokens"/>, dropout off
    /// (<see cref="LanguageModelEvaluator"/>, in the trainer's batch and sequence length). The training state carried between windows is kept.
    /// </summary>
    public double Evaluate(TokenStream tokens) => _owner.Evaluate(tokens);

    internal void ClearStop()
    {
        StopRequested = false;
        RequestedReason = null;
    }
}
