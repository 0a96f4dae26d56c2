// EarlyStopping: evaluates the model on held-out tokens every N updates (or at every epoch end), keeps a copy
// of the weights with the lowest loss, asks the trainer to stop after `patience` evaluations in a row without
// an improvement of more than minDelta, and at the end of training puts the best weights back
// (Keras' EarlyStopping(restore_best_weights=True); DL4J's EarlyStoppingTrainer). Callbacks added after it
// (a checkpoint, say) see the restored weights in OnTrainEnd.
using Recurrent.Data;

namespace Recurrent.Api;

/// <summary>Stops training when the validation loss stops improving and restores the best weights.</summary>
public sealed class EarlyStopping : TrainingCallback
{
    private readonly TokenStream _validation;
    private readonly int _everySteps;
    private readonly double _minDelta;
    private float[]? _bestWeights;

    /// <summary>
    /// Evaluates on <paramref name="validation"/> (at least 2 tokens) every <paramref name="everySteps"/> updates, or at
    /// every epoch end when it is 0; stops after <paramref name="patience"/> evaluations without an improvement
    /// greater than <paramref name="minDelta"/>; restores the best weights at the end when <paramref name="restoreBest"/>.
    /// </summary>
    public EarlyStopping(TokenStream validation, int patience, int everySteps = 0, bool restoreBest = true, double minDelta = 0)
    {
        ArgumentNullException.ThrowIfNull(validation);
        if (validation.Length < 2) throw new ArgumentException($"The validation data needs at least 2 tokens, got {validation.Length}.", nameof(validation));
        if (patience <= 0) throw new ArgumentException($"patience must be positive, got {patience}.", nameof(patience));
        if (everySteps < 0) throw new ArgumentException($"everySteps must be >= 0 (0 = at every epoch end), got {everySteps}.", nameof(everySteps));
        if (!(minDelta >= 0 && double.IsFinite(minDelta))) throw new ArgumentException($"minDelta must be finite and >= 0, got {minDelta}.", nameof(minDelta));
        _validation = validation;
        Patience = patience;
        _everySteps = everySteps;
        RestoreBest = restoreBest;
        _minDelta = minDelta;
    }

    /// <summary>Evaluates on <paramref name="validation"/> token ids; see the other constructor.</summary>
    public EarlyStopping(int[] validation, int patience, int everySteps = 0, bool restoreBest = true, double minDelta = 0)
        : this(TokenStream.FromArray(validation ?? throw new ArgumentNullException(nameof(validation))), patience, everySteps, restoreBest, minDelta) { }

    /// <summary>Evaluations without improvement after which training stops.</summary>
    public int Patience { get; }
    /// <summary>Whether the best weights are put back at the end.</summary>
    public bool RestoreBest { get; }
    /// <summary>Lowest validation loss seen (nats/token), null before the first evaluation.</summary>
    public double? BestLoss { get; private set; }
    /// <summary>The step of <see cref="BestLoss"/>.</summary>
    public long? BestStep { get; private set; }
    /// <summary>Evaluations in a row without improvement.</summary>
    public int EvaluationsWithoutImprovement { get; private set; }
    /// <summary>True when this callback stopped the training.</summary>
    public bool Stopped { get; private set; }
    /// <summary>True when the best weights were put back at the end of the last Fit call (false when the final weights were already the best).</summary>
    public bool Restored { get; private set; }

    /// <summary>Raised after every evaluation.</summary>
    public event Action<ValidationMetrics>? Evaluated;

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingContext context)
    {
        BestLoss = null;
        BestStep = null;
        EvaluationsWithoutImprovement = 0;
        Stopped = false;
        Restored = false;
        _bestWeights = null;
    }

    /// <inheritdoc/>
    public override void OnStepEnd(TrainingContext context, StepMetrics metrics)
    {
        if (_everySteps > 0 && metrics.Step % _everySteps == 0) Check(context);
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        if (_everySteps == 0) Check(context);
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(TrainingContext context, FitResult result)
    {
        if (!RestoreBest || _bestWeights is null) return;
        // Restored says whether the weights changed: when the best evaluation was the last one there is nothing to put back.
        Span<float> current = context.Model.Parameters.Values;
        Restored = !current.SequenceEqual(_bestWeights);
        _bestWeights.CopyTo(current);
    }

    private void Check(TrainingContext context)
    {
        double loss = context.Evaluate(_validation);
        bool improved = double.IsFinite(loss) && (BestLoss is not double best || loss < best - _minDelta);
        if (improved)
        {
            BestLoss = loss;
            BestStep = context.Step;
            EvaluationsWithoutImprovement = 0;
            if (RestoreBest)
            {
                float[] values = context.Model.Parameters.Values;
                _bestWeights ??= new float[values.Length];
                values.CopyTo(_bestWeights, 0);
            }
        }
        else
        {
            EvaluationsWithoutImprovement++;
        }
        Evaluated?.Invoke(new ValidationMetrics(context.Step, loss, improved, EvaluationsWithoutImprovement));
        if (EvaluationsWithoutImprovement >= Patience)
        {
            Stopped = true;
            context.RequestStop(LanguageModels.StopReason.EarlyStopping);
        }
    }
}
