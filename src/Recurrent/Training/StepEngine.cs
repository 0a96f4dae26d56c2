// StepEngine: the one update rule every model trains with. A model's own front end runs forward, the loss and
// backward into its ParameterStore's gradients; the engine then adds the L1/L2 penalty, measures and clips the
// gradient, and — only when the loss, the penalty and the gradient norm are all finite — lets the optimizer take
// a step at the schedule's learning rate. A step whose numbers are not finite is skipped: parameters, optimizer
// moments and the step count stay as they were, and the result says Skipped (the fit loop counts and reacts);
// so is a step whose loss is above LossLimit (the fit loop sets it to catch a loss that grows by orders of magnitude).
// With a Reducer (data parallelism), the local gradient, loss and count become the global ones first
// (GradientReduction), so the penalty, the clip, the guard and the update are the same on every rank.
// Trainer (SequenceModel), the seq2seq and the one-to-many front ends all finish their steps here.
using System.Numerics;
using Recurrent.Optimizers;
using Recurrent.Schedules;
using Recurrent.Tensors;

namespace Recurrent.Training;

/// <summary>Penalty, clipping, finiteness check and optimizer update over one flat parameter store.</summary>
public sealed class StepEngine<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>An engine for <paramref name="parameters"/>; the optimizer must be sized for them.</summary>
    /// <remarks>
    /// With a <paramref name="reducer"/> the engine trains data-parallel: each step first turns this rank's gradient,
    /// loss and count into the global ones (<see cref="GradientReduction.Reduce"/>), and batch sources built over this
    /// engine take their rank's share of each batch. Null: a single process, exactly as without the parameter.
    /// </remarks>
    public StepEngine(ParameterStore<T> parameters, Optimizer<T> optimizer, LearningRateSchedule schedule, TrainerOptions? options = null,
        IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedule);
        if (optimizer.ParameterCount != parameters.Count)
            throw new ArgumentException($"The optimizer has {optimizer.ParameterCount} parameters; the model has {parameters.Count}.", nameof(optimizer));
        options ??= new TrainerOptions();
        options.Validate();
        Parameters = parameters;
        Optimizer = optimizer;
        Schedule = schedule;
        Options = options;
        Reducer = reducer;
    }

    /// <summary>The sums over the ranks of a data-parallel job, or null (a single process).</summary>
    public IGradientReducer? Reducer { get; }

    /// <summary>The parameters and gradients being trained.</summary>
    public ParameterStore<T> Parameters { get; }
    /// <summary>The update rule.</summary>
    public Optimizer<T> Optimizer { get; }
    /// <summary>The learning rate per step and epoch.</summary>
    public LearningRateSchedule Schedule { get; }
    /// <summary>Clipping and penalties.</summary>
    public TrainerOptions Options { get; }
    /// <summary>Updates applied so far.</summary>
    public long Step { get; private set; }
    /// <summary>Current epoch (0-based), set by the data loop; used by epoch-based schedules.</summary>
    public int Epoch { get; set; }

    /// <summary>
    /// Multiplies the schedule's learning rate (1 = as scheduled): a callback lowers it for a fine-tuning phase
    /// (Keras' ReduceLROnPlateau); the fit loop saves it in checkpoints.
    /// </summary>
    public double LearningRateFactor
    {
        get;
        set => field = value > 0 && double.IsFinite(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The learning-rate factor must be positive and finite.");
    } = 1;

    /// <summary>
    /// A data loss above this is treated like a non-finite one (the step is skipped): a loss that has grown by
    /// orders of magnitude means the run has diverged even while the numbers are still finite. +∞ = no limit.
    /// </summary>
    public double LossLimit { get; set; } = double.PositiveInfinity;

    /// <summary>Test hook: called with the gradient after backward, before the finiteness check (fault injection).</summary>
    internal Action<Span<T>>? GradientHook { get; set; }

    /// <summary>Sets <see cref="Step"/> when resuming, so the learning-rate schedule continues where it stopped.</summary>
    public void RestoreStep(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "The step cannot be negative.");
        Step = step;
    }

    /// <summary>
    /// Finishes a step whose gradient of the mean data loss <paramref name="loss"/> is in <see cref="Parameters"/>'
    /// gradients: penalty, clipping, and the update unless something is not finite.
    /// </summary>
    public StepResult Update(double loss, int counted) => Update(loss, counted, 0);

    /// <summary>
    /// As <see cref="Update(double, int)"/>, for a front end that has already added the gradient of a further
    /// penalty <paramref name="activationPenalty"/> (AR/TAR) to the parameters' gradients: it is reported in
    /// <see cref="StepResult.Penalty"/> with the L1/L2 penalty and a non-finite one skips the step.
    /// </summary>
    public StepResult Update(double loss, int counted, double activationPenalty)
    {
        var store = Parameters;
        GradientHook?.Invoke(store.Gradients);
        // Data parallelism: from here on every number is global, and identical on every rank. The L1/L2 penalty
        // below depends only on the weights (the same everywhere), so it is added after the sum, once.
        if (Reducer is not null) (loss, counted, activationPenalty) = GradientReduction.Reduce(Reducer, store.Gradients, loss, counted, activationPenalty);
        double penalty = Regularization.Penalty(store, Options.L1, Options.L2);
        if (activationPenalty != 0) penalty += activationPenalty;
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
        double lr = LearningRateFactor == 1 ? Schedule.At(Step, Epoch) : Schedule.At(Step, Epoch) * LearningRateFactor;
        // A non-finite loss or gradient would poison the weights and the optimizer moments for good: skip the update.
        // (A NaN anywhere in the gradient makes the norm NaN, an infinity makes it infinite.)
        if (!double.IsFinite(loss) || !double.IsFinite(penalty) || !double.IsFinite(norm) || loss > LossLimit)
            return new StepResult(loss, penalty, norm, lr, counted, Skipped: true);
        Optimizer.Step(store.Values, store.Gradients, lr);
        Step++;
        return new StepResult(loss, penalty, norm, lr, counted);
    }
}
