// OptimizationOptions: how any model is optimised — the update rule and its hyper-parameters, gradient clipping,
// weight decay and the learning-rate schedule — as one immutable record that every kind of run stores in its
// checkpoints and that builds the optimizer, schedule and step-engine options it describes. "Off" is null for
// both clipping settings.
using System.Text.Json.Serialization;
using Recurrent.Training;
using Recurrent.Optimizers;
using Recurrent.Schedules;

namespace Recurrent.Training;

/// <summary>The update rule of a run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OptimizerKind>))]
public enum OptimizerKind
{
    /// <summary>Plain SGD.</summary>
    Sgd,
    /// <summary>SGD with momentum.</summary>
    Momentum,
    /// <summary>SGD with Nesterov momentum.</summary>
    Nesterov,
    /// <summary>Adagrad.</summary>
    Adagrad,
    /// <summary>RMSprop.</summary>
    RmsProp,
    /// <summary>Adam.</summary>
    Adam,
    /// <summary>Adam with decoupled weight decay.</summary>
    AdamW,
}

/// <summary>The learning-rate schedule of a run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LearningRateScheduleKind>))]
public enum LearningRateScheduleKind
{
    /// <summary>The same rate throughout.</summary>
    Constant,
    /// <summary>char-rnn: × LrDecay every LrDecayEvery epochs after LrDecayAfter epochs.</summary>
    StepDecay,
    /// <summary>× LrDecay every update.</summary>
    Exponential,
    /// <summary>Linear warm-up, then cosine down to MinLearningRate at ScheduleSteps.</summary>
    Cosine,
    /// <summary>
    /// The learning-rate range test's sweep (<see cref="LearningRateFinder"/>): from LearningRate up to
    /// RangeEndLearningRate, geometrically, over ScheduleSteps updates.
    /// </summary>
    RangeTest,
}

/// <summary>Optimizer, clipping, weight decay and schedule of a run.</summary>
public sealed record OptimizationOptions
{
    /// <summary>The update rule.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>The (initial) learning rate.</summary>
    public double LearningRate { get; init; } = 2e-3;
    /// <summary>Momentum for Momentum/Nesterov.</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>Adam β1.</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>Adam β2.</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>RMSprop smoothing α (char-rnn's 0.95).</summary>
    public double RmsPropAlpha { get; init; } = 0.95;
    /// <summary>Optimizer ε (null = PyTorch's default for each).</summary>
    public double? Epsilon { get; init; }
    /// <summary>Clip the global gradient norm to this (null = off).</summary>
    public double? ClipNorm { get; init; } = 5;
    /// <summary>Clip every gradient element to ±this (null = off).</summary>
    public double? ClipValue { get; init; }
    /// <summary>Weight decay: an L2 penalty, decoupled for AdamW.</summary>
    public double WeightDecay { get; init; }
    /// <summary>
    /// AWD-LSTM activation regularisation α: penalty α·mean(h²) on the last recurrent layer's outputs (0 = off);
    /// applied by models trained through <see cref="Trainer{T}"/>, see <see cref="ActivationRegularization"/>.
    /// </summary>
    public double ActivationRegularization { get; init; }
    /// <summary>AWD-LSTM temporal activation regularisation β: penalty β·mean((h_t − h_{t−1})²) on the same outputs (0 = off).</summary>
    public double TemporalActivationRegularization { get; init; }
    /// <summary>
    /// Averaged weights (EMA, Polyak or NT-ASGD; null = off): evaluation, best checkpoints and the final model use the
    /// average while training goes on from the raw weights; see <see cref="WeightAveraging"/> and <see cref="AveragingOptimizer"/>.
    /// </summary>
    public WeightAveraging? AverageWeights { get; init; }
    /// <summary>The learning-rate schedule.</summary>
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Constant;
    /// <summary>Decay factor of the step and exponential schedules.</summary>
    public double LrDecay { get; init; } = 0.97;
    /// <summary>Step schedule: epochs before the first decay.</summary>
    public int LrDecayAfter { get; init; } = 10;
    /// <summary>Step schedule: epochs between decays.</summary>
    public int LrDecayEvery { get; init; } = 1;
    /// <summary>Cosine schedule: warm-up updates.</summary>
    public long WarmupSteps { get; init; }
    /// <summary>Cosine schedule: the update where it reaches MinLearningRate (null: the step budget).</summary>
    public long? ScheduleSteps { get; init; }
    /// <summary>Cosine schedule: the final learning rate.</summary>
    public double MinLearningRate { get; init; }
    /// <summary>Range-test schedule: the rate of the sweep's last update (it starts at LearningRate); null for other schedules.</summary>
    public double? RangeEndLearningRate { get; init; }

    /// <summary>Throws ArgumentException (ParamName = the property) naming the first impossible setting.</summary>
    public void Validate()
    {
        if (!(LearningRate > 0 && double.IsFinite(LearningRate))) throw Bad(nameof(LearningRate), $"must be positive and finite, got {LearningRate}");
        UnitInterval(Momentum, nameof(Momentum));
        if (Optimizer is OptimizerKind.Momentum or OptimizerKind.Nesterov && Momentum == 0)
            throw Bad(nameof(Momentum), $"must be positive for the {Optimizer} optimizer, got 0");
        UnitInterval(Beta1, nameof(Beta1));
        UnitInterval(Beta2, nameof(Beta2));
        UnitInterval(RmsPropAlpha, nameof(RmsPropAlpha));
        if (Epsilon is double e && !(e > 0 && double.IsFinite(e))) throw Bad(nameof(Epsilon), $"must be positive and finite, got {e}");
        if (ClipNorm is double cn && !(cn > 0 && double.IsFinite(cn))) throw Bad(nameof(ClipNorm), $"must be positive and finite, got {cn}");
        if (ClipValue is double cv && !(cv > 0 && double.IsFinite(cv))) throw Bad(nameof(ClipValue), $"must be positive and finite, got {cv}");
        if (!(WeightDecay >= 0 && double.IsFinite(WeightDecay))) throw Bad(nameof(WeightDecay), $"must be finite and >= 0, got {WeightDecay}");
        if (!(ActivationRegularization >= 0 && double.IsFinite(ActivationRegularization))) throw Bad(nameof(ActivationRegularization), $"must be finite and >= 0, got {ActivationRegularization}");
        if (!(TemporalActivationRegularization >= 0 && double.IsFinite(TemporalActivationRegularization))) throw Bad(nameof(TemporalActivationRegularization), $"must be finite and >= 0, got {TemporalActivationRegularization}");
        AverageWeights?.Validate();
        if (!(LrDecay > 0 && double.IsFinite(LrDecay))) throw Bad(nameof(LrDecay), $"must be positive and finite, got {LrDecay}");
        if (LrDecayAfter < 0) throw Bad(nameof(LrDecayAfter), $"must be >= 0, got {LrDecayAfter}");
        if (LrDecayEvery <= 0) throw Bad(nameof(LrDecayEvery), $"must be positive, got {LrDecayEvery}");
        if (WarmupSteps < 0) throw Bad(nameof(WarmupSteps), $"must be >= 0, got {WarmupSteps}");
        if (ScheduleSteps is long ss && ss < WarmupSteps) throw Bad(nameof(ScheduleSteps), $"must be >= the warm-up ({WarmupSteps}), got {ss}");
        if (Schedule == LearningRateScheduleKind.RangeTest)
        {
            if (!(RangeEndLearningRate is double end && end > LearningRate && double.IsFinite(end)))
                throw Bad(nameof(RangeEndLearningRate), $"must be finite and above the start rate {LearningRate}, got {RangeEndLearningRate?.ToString() ?? "none"}");
            if (ScheduleSteps is not long sweep || sweep < 2) throw Bad(nameof(ScheduleSteps), $"must be 2 or more for the range test, got {ScheduleSteps?.ToString() ?? "none"}");
        }
        if (!(MinLearningRate >= 0 && MinLearningRate <= LearningRate)) throw Bad(nameof(MinLearningRate), $"must be in [0, learning rate {LearningRate}], got {MinLearningRate}");
    }

    /// <summary>
    /// The optimizer, sized for <paramref name="parameterCount"/> parameters; with <see cref="AverageWeights"/> wrapped
    /// in an <see cref="AveragingOptimizer"/> (so every kind of run averages, and saves the average with the moments).
    /// </summary>
    public Optimizer<float> CreateOptimizer(int parameterCount) =>
        AverageWeights is WeightAveraging averaging ? new AveragingOptimizer(CreateUpdateRule(parameterCount), averaging) : CreateUpdateRule(parameterCount);

    private Optimizer<float> CreateUpdateRule(int parameterCount) => Optimizer switch
    {
        OptimizerKind.Sgd => new Sgd<float>(parameterCount),
        OptimizerKind.Momentum => new Sgd<float>(parameterCount, Momentum),
        OptimizerKind.Nesterov => new Sgd<float>(parameterCount, Momentum, nesterov: true),
        OptimizerKind.Adagrad => new Adagrad<float>(parameterCount, Epsilon ?? 1e-10),
        OptimizerKind.RmsProp => new RmsProp<float>(parameterCount, RmsPropAlpha, Epsilon ?? 1e-8),
        OptimizerKind.Adam => new Adam<float>(parameterCount, Beta1, Beta2, Epsilon ?? 1e-8),
        OptimizerKind.AdamW => new AdamW<float>(parameterCount, Beta1, Beta2, Epsilon ?? 1e-8, WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "Unknown optimizer."),
    };

    /// <summary>Buffers of one value per parameter the optimizer keeps (for the memory estimate): its moments, plus the
    /// average and the raw weights' place while it is swapped in when averaging.</summary>
    public int OptimizerBuffers => Optimizer switch
    {
        OptimizerKind.Sgd => 0,
        OptimizerKind.Adam or OptimizerKind.AdamW => 2,
        _ => 1,
    } + (AverageWeights is null ? 0 : 2);

    /// <summary>Clipping and the L2 penalty (weight decay, unless AdamW decouples it).</summary>
    public TrainerOptions TrainerOptions() => new()
    {
        ClipNorm = ClipNorm,
        ClipValue = ClipValue,
        L2 = Optimizer == OptimizerKind.AdamW ? 0 : WeightDecay,
        ActivationRegularization = ActivationRegularization,
        TemporalActivationRegularization = TemporalActivationRegularization,
    };

    /// <summary>The schedule; the cosine schedule needs <see cref="ScheduleSteps"/>.</summary>
    public LearningRateSchedule CreateSchedule() => Schedule switch
    {
        LearningRateScheduleKind.Constant => new ConstantSchedule(LearningRate),
        LearningRateScheduleKind.StepDecay => new StepDecaySchedule(LearningRate, LrDecayAfter, LrDecay, LrDecayEvery),
        LearningRateScheduleKind.Exponential => new ExponentialSchedule(LearningRate, LrDecay),
        LearningRateScheduleKind.Cosine => new CosineWarmupSchedule(LearningRate, WarmupSteps,
            ScheduleSteps ?? throw Bad(nameof(ScheduleSteps), "is needed by the cosine schedule: set it, or give a step or epoch budget"),
            MinLearningRate),
        LearningRateScheduleKind.RangeTest => new ExponentialRangeSchedule(LearningRate,
            RangeEndLearningRate ?? throw Bad(nameof(RangeEndLearningRate), "is needed by the range test: the rate of its last update"),
            ScheduleSteps ?? throw Bad(nameof(ScheduleSteps), "is needed by the range test: the number of updates of the sweep")),
        _ => throw new ArgumentOutOfRangeException(nameof(Schedule), Schedule, "Unknown schedule."),
    };

    /// <summary>
    /// For the cosine schedule without <see cref="ScheduleSteps"/>: these options with it set to the planned length
    /// of the run (the step budget, or epochs × <paramref name="batchesPerEpoch"/>); ArgumentException when only a
    /// time budget is set. Other schedules: unchanged.
    /// </summary>
    public OptimizationOptions WithPlannedSchedule(FitOptions fit, long batchesPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (Schedule != LearningRateScheduleKind.Cosine || ScheduleSteps is not null) return this;
        long? byEpochs = fit.Epochs is int e ? e * batchesPerEpoch : null;
        long? planned = fit.Steps is long s && byEpochs is long b ? Math.Min(s, b) : fit.Steps ?? byEpochs;
        return this with
        {
            ScheduleSteps = planned ?? throw Bad(nameof(ScheduleSteps),
                "is needed by the cosine schedule when only a time budget is set: give it, or a step or epoch budget"),
        };
    }

    private static void UnitInterval(double value, string name)
    {
        if (!(value >= 0 && value < 1)) throw Bad(name, $"must be in [0, 1), got {value}");
    }

    private static ArgumentException Bad(string name, string what) => new($"{name} {what}.", name);
}
