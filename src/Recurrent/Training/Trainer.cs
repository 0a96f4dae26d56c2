// Trainer: the SequenceModel front end of the step engine — forward, the loss and its gradient, backward
// (optionally truncated, optionally over a padded batch with per-row lengths); StepEngine then adds the penalty,
// clips and updates. State handling is the caller's: the model starts from whatever initial state it holds
// (zeros unless CarryState was called), which is what TruncatedBptt and the language-model batch source rely on.
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
    private T[] _dStack = [];   // AR/TAR gradient w.r.t. the stack output (T,B,D*H)

    /// <summary>Creates a trainer; the optimizer must be sized for the model's parameters.</summary>
    public Trainer(SequenceModel<T> model, Optimizer<T> optimizer, LearningRateSchedule schedule, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedule);
        if (optimizer.ParameterCount != model.Parameters.Count)
            throw new ArgumentException($"The optimizer has {optimizer.ParameterCount} parameters; the model has {model.Parameters.Count}.", nameof(optimizer));
        Model = model;
        Engine = new StepEngine<T>(model.Parameters, optimizer, schedule, options);
    }

    /// <summary>A front end for <paramref name="model"/> that finishes its steps with an existing <paramref name="engine"/>.</summary>
    public Trainer(SequenceModel<T> model, StepEngine<T> engine)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(engine);
        if (!ReferenceEquals(engine.Parameters, model.Parameters))
            throw new ArgumentException("The step engine trains another model's parameters.", nameof(engine));
        Model = model;
        Engine = engine;
    }

    /// <summary>The update rule shared by every model (penalty, clipping, finiteness check, optimizer step).</summary>
    public StepEngine<T> Engine { get; }

    /// <summary>The model being trained.</summary>
    public SequenceModel<T> Model { get; }
    /// <summary>The update rule.</summary>
    public Optimizer<T> Optimizer => Engine.Optimizer;
    /// <summary>The learning rate per step and epoch.</summary>
    public LearningRateSchedule Schedule => Engine.Schedule;
    /// <summary>Clipping and penalties.</summary>
    public TrainerOptions Options => Engine.Options;
    /// <summary>Updates done so far.</summary>
    public long Step => Engine.Step;
    /// <summary>Sets <see cref="Step"/> when resuming, so the learning-rate schedule continues where it stopped.</summary>
    public void RestoreStep(long step) => Engine.RestoreStep(step);

    /// <summary>Current epoch (0-based), set by the caller's data loop; used by epoch-based schedules.</summary>
    public int Epoch { get => Engine.Epoch; set => Engine.Epoch = value; }

    /// <summary>Test hook: called with the gradient after backward, before the finiteness check (fault injection).</summary>
    internal Action<Span<T>>? GradientHook { get => Engine.GradientHook; set => Engine.GradientHook = value; }

    /// <summary>Cross-entropy step on token inputs. targets: (T,B) per-step or (B) last-step class ids; negative = ignored.</summary>
    public StepResult Train(ReadOnlySpan<int> tokens, ReadOnlySpan<int> targets, int steps, int batch, int backwardSteps = 0)
    {
        Model.Forward(tokens, steps, batch, training: true);
        return Finish(CrossEntropyGradient(targets), backwardSteps);
    }

    /// <summary>
    /// Cross-entropy step on a padded batch of token sequences: <paramref name="lengths"/> (B) gives each row's own
    /// length, so padding never changes a result; targets as for the unpadded form, −1 at padded positions.
    /// </summary>
    public StepResult TrainPadded(ReadOnlySpan<int> tokens, ReadOnlySpan<int> lengths, ReadOnlySpan<int> targets, int steps, int batch)
    {
        Model.Forward(tokens, steps, batch, training: true, lengths);
        return Finish(CrossEntropyGradient(targets), 0, lengths);
    }

    /// <summary>Cross-entropy step on a padded batch of dense sequences (T,B,F) with per-row <paramref name="lengths"/>.</summary>
    public StepResult TrainPadded(ReadOnlySpan<T> features, ReadOnlySpan<int> lengths, ReadOnlySpan<int> targets, int steps, int batch)
    {
        Model.Forward(features, steps, batch, training: true, lengths);
        return Finish(CrossEntropyGradient(targets), 0, lengths);
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

    /// <summary>
    /// MSE step on a padded batch of dense sequences (T,B,F) with per-row <paramref name="lengths"/> (B), so padding
    /// never changes a result: targets (B, OutputSize) for a last-step head, each row read at its own last step.
    /// </summary>
    public StepResult TrainRegressionPadded(ReadOnlySpan<T> features, ReadOnlySpan<int> lengths, ReadOnlySpan<T> targets, int steps, int batch)
    {
        Model.Forward(features, steps, batch, training: true, lengths);
        return Finish(MseGradient(targets, ReadOnlySpan<T>.Empty), 0, lengths);
    }

    /// <summary>
    /// Pinball (quantile) loss step on dense inputs (T,B,F), see <see cref="PinballLoss"/>. The output row holds
    /// V = OutputSize/Q values of Q quantile predictions each, quantile innermost: (B, V·Q) for a last-step head,
    /// (T·B, V·Q) per step; targets are (B, V) or (T,B,V), i.e. Output.Length/Q values. Counted is the number of
    /// output rows, as for <see cref="TrainRegression"/>.
    /// </summary>
    public StepResult TrainQuantiles(ReadOnlySpan<T> features, ReadOnlySpan<T> targets, ReadOnlySpan<double> quantiles, int steps, int batch)
    {
        PinballLoss.Validate(quantiles);
        if (Model.Config.OutputSize % quantiles.Length != 0)
            throw new ArgumentException($"The model's OutputSize {Model.Config.OutputSize} is not a multiple of the {quantiles.Length} quantiles.", nameof(quantiles));
        Model.Forward(features, steps, batch, training: true);
        return Finish(PinballGradient(targets, quantiles), 0);
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

    private (double Loss, int Counted) PinballGradient(ReadOnlySpan<T> targets, ReadOnlySpan<double> quantiles)
    {
        ReadOnlySpan<T> pred = Model.Output;                   // (rows, V·Q)
        EnsureDOutput(pred.Length);
        int values = pred.Length / quantiles.Length;
        if (targets.Length != values)
            throw new ArgumentException($"targets has {targets.Length} values; expected {values} (the output shape {Model.OutputRows}x{Model.Config.OutputSize} over {quantiles.Length} quantiles).", nameof(targets));
        double loss = PinballLoss.LossAndGradient(pred, targets, quantiles, _dOutput.AsSpan(0, pred.Length));
        return (loss, Model.OutputRows);
    }

    private void EnsureDOutput(int n)
    {
        if (_dOutput.Length < n) _dOutput = new T[n];
    }

    private StepResult Finish((double Loss, int Counted) lossInfo, int backwardSteps, ReadOnlySpan<int> lengths = default)
    {
        Model.Parameters.ZeroGradients();
        if (!Options.HasActivationPenalty)
        {
            Model.Backward(_dOutput.AsSpan(0, Model.Output.Length), backwardSteps);
            return Engine.Update(lossInfo.Loss, lossInfo.Counted);
        }
        // AR/TAR on the last recurrent layer's outputs (before output dropout): its gradient joins the head's in
        // dL/dh before backward through the stack. Reported with the L1/L2 penalty, not in the data loss.
        ReadOnlySpan<T> h = Model.Stack.Output;
        if (_dStack.Length < h.Length) _dStack = new T[h.Length];
        Span<T> dh = _dStack.AsSpan(0, h.Length);
        dh.Clear();
        double penalty = ActivationRegularization.PenaltyAndGradient(h, dh, Model.StepsOfLastForward, Model.BatchOfLastForward,
            Model.Stack.OutputSize, Options.ActivationRegularization, Options.TemporalActivationRegularization, lengths);
        Model.Backward(_dOutput.AsSpan(0, Model.Output.Length), backwardSteps, dh);
        return Engine.Update(lossInfo.Loss, lossInfo.Counted, penalty);
    }
}
