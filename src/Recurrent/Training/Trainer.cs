// Trainer: one optimisation step = forward, loss and its gradient, backward (optionally truncated),
// L1/L2 penalty, clipping, learning-rate schedule and optimizer update, over the model's flat buffers.
// State handling is the caller's: the model starts from whatever initial state it holds
// (zeros unless CarryState was called), which is what TruncatedBptt relies on.
// A step whose loss, penalty or gradient norm is not finite is skipped before the update: parameters, optimizer
// moments and the step count stay as they were, and the result says Skipped (the caller counts and reacts).
using System.Numerics;
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Schedules;

namespace Recurrent.Training;

/// <summary>Performs training steps on a <see cref="SequenceModel{T}"/>.</summary>
public sealed class Trainer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _dOutput = [];

    /// <summary>Creates a trainer; the optimizer must be sized for the model's parameters.</summary>
    public Trainer(SequenceModel<T> model, Optimizer<T> optimizer, LearningRateSchedule schedule, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedule);
        if (optimizer.ParameterCount != model.Parameters.Count)
            throw new ArgumentException($"The optimizer has {optimizer.ParameterCount} parameters; the model has {model.Parameters.Count}.", nameof(optimizer));
        options ??= new TrainerOptions();
        options.Validate();
        Model = model;
        Optimizer = optimizer;
        Schedule = schedule;
        Options = options;
    }

    /// <summary>The model being trained.</summary>
    public SequenceModel<T> Model { get; }
    /// <summary>The update rule.</summary>
    public Optimizer<T> Optimizer { get; }
    /// <summary>The learning rate per step and epoch.</summary>
    public LearningRateSchedule Schedule { get; }
    /// <summary>Clipping and penalties.</summary>
    public TrainerOptions Options { get; }
    /// <summary>Updates done so far.</summary>
    public long Step { get; private set; }
    /// <summary>Sets <see cref="Step"/> when resuming, so the learning-rate schedule continues where it stopped.</summary>
    public void RestoreStep(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "The step cannot be negative.");
        Step = step;
    }

    /// <summary>Current epoch (0-based), set by the caller's data loop; used by epoch-based schedules.</summary>
    public int Epoch { get; set; }

    /// <summary>Test hook: called with the gradient after backward, before the finiteness check (fault injection).</summary>
    internal Action<Span<T>>? GradientHook { get; set; }

    /// <summary>Cross-entropy step on token inputs. targets: (T,B) per-step or (B) last-step class ids; negative = ignored.</summary>
    public StepResult Train(ReadOnlySpan<int> tokens, ReadOnlySpan<int> targets, int steps, int batch, int backwardSteps = 0)
    {
        Model.Forward(tokens, steps, batch, training: true);
        return Finish(CrossEntropyGradient(targets), backwardSteps);
    }

    /// <summary>Cross-entropy step on dense inputs (T,B,F).</summary>
    public StepResult Train(ReadOnlySpan<T> features, ReadOnlySpan<int> targets, int steps, int batch, int backwardSteps = 0)
    {
        Model.Forward(features, steps, batch, training: true);
        return Finish(CrossEntropyGradient(targets), backwardSteps);
    }

    /// <summary>MSE step on dense inputs. targets: shape of the output; mask: one value per output row (1 counts, 0 ignored) or empty.</summary>
    public StepResult TrainRegression(ReadOnlySpan<T> features, ReadOnlySpan<T> targets, ReadOnlySpan<T> mask, int steps, int batch, int backwardSteps = 0)
    {
        Model.Forward(features, steps, batch, training: true);
        return Finish(MseGradient(targets, mask), backwardSteps);
    }

    /// <summary>Mean cross-entropy of the model on a batch, without training (dropout off, no update).</summary>
    public double EvaluateCrossEntropy(ReadOnlySpan<int> tokens, ReadOnlySpan<int> targets, int steps, int batch)
    {
        ReadOnlySpan<T> logits = Model.Forward(tokens, steps, batch, training: false);
        return SoftmaxCrossEntropy.LossAndGradient(logits, targets, Model.Config.OutputSize, Span<T>.Empty, out _);
    }

    private (double Loss, int Counted) CrossEntropyGradient(ReadOnlySpan<int> targets)
    {
        ReadOnlySpan<T> logits = Model.Output;
        EnsureDOutput(logits.Length);
        if (targets.Length != Model.OutputRows)
            throw new ArgumentException($"targets has {targets.Length} values; expected one per output row ({Model.OutputRows}).", nameof(targets));
        double loss = SoftmaxCrossEntropy.LossAndGradient(logits, targets, Model.Config.OutputSize,
            _dOutput.AsSpan(0, logits.Length), out int counted);
        return (loss, counted);
    }

    private (double Loss, int Counted) MseGradient(ReadOnlySpan<T> targets, ReadOnlySpan<T> mask)
    {
        ReadOnlySpan<T> pred = Model.Output;
        EnsureDOutput(pred.Length);
        if (targets.Length != pred.Length)
            throw new ArgumentException($"targets has {targets.Length} values; expected {pred.Length} (the output shape).", nameof(targets));
        double loss = MeanSquaredError.LossAndGradient(pred, targets, Model.Config.OutputSize, mask,
            _dOutput.AsSpan(0, pred.Length), out int counted);
        return (loss, counted);
    }

    private void EnsureDOutput(int n)
    {
        if (_dOutput.Length < n) _dOutput = new T[n];
    }

    private StepResult Finish((double Loss, int Counted) lossInfo, int backwardSteps)
    {
        var store = Model.Parameters;
        store.ZeroGradients();
        Model.Backward(_dOutput.AsSpan(0, Model.Output.Length), backwardSteps);
        GradientHook?.Invoke(store.Gradients);
        double penalty = Regularization.Penalty(store, Options.L1, Options.L2);
        Regularization.AddGradient(store, Options.L1, Options.L2);
        // The reported norm is taken before any clipping. Without value clipping, norm clipping measures that
        // same norm itself, so the gradient is read once rather than twice.
        double norm;
        if (Options.ClipValue is double cv)
        {
            norm = GradientClipping.GlobalNorm<T>(store.Gradients);
            GradientClipping.ClipByValue<T>(store.Gradients, cv);
            if (Options.ClipNorm is double cn) GradientClipping.ClipByGlobalNorm<T>(store.Gradients, cn);
        }
        else
            norm = Options.ClipNorm is double cn
                ? GradientClipping.ClipByGlobalNorm<T>(store.Gradients, cn)
                : GradientClipping.GlobalNorm<T>(store.Gradients);
        double lr = Schedule.At(Step, Epoch);
        // A non-finite loss or gradient would poison the weights and the optimizer moments for good: skip the update.
        // (A NaN anywhere in the gradient makes the norm NaN, an infinity makes it infinite.)
        if (!double.IsFinite(lossInfo.Loss) || !double.IsFinite(penalty) || !double.IsFinite(norm))
            return new StepResult(lossInfo.Loss, penalty, norm, lr, lossInfo.Counted, Skipped: true);
        Optimizer.Step(store.Values, store.Gradients, lr);
        Step++;
        return new StepResult(lossInfo.Loss, penalty, norm, lr, lossInfo.Counted);
    }
}
