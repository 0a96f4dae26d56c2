// LanguageModelOptions: every setting of a char-rnn style language-model run — architecture, batching,
// optimizer, clipping, weight decay, learning-rate schedule, stopping rules, evaluation, sampling and seed —
// as one immutable record that is stored (as JSON) in every checkpoint, so a resumed run rebuilds exactly
// the same trainer. It also builds the model configuration, optimizer and schedule it describes.
// Not the data: which corpus and tokenizer a run uses is TrainingDataSpec.
using System.Text.Json.Serialization;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Schedules;
using Recurrent.Training;

namespace Recurrent.LanguageModels;

/// <summary>
/// Settings of a language-model training run (<see cref="LanguageModelRun"/>). Defaults are a 2-layer
/// LSTM-128 with a 64-wide embedding, batches of 32 streams × 64 steps, Adam 2e-3 and global-norm clipping at 5.
/// </summary>
public sealed record LanguageModelOptions
{
    // ---- architecture ----
    /// <summary>The recurrent cell.</summary>
    public CellKind Cell { get; init; } = CellKind.Lstm;
    /// <summary>Stacked recurrent layers.</summary>
    public int Layers { get; init; } = 2;
    /// <summary>Hidden units per layer.</summary>
    public int HiddenSize { get; init; } = 128;
    /// <summary>Embedding width; 0 feeds one-hot vectors instead (char-rnn).</summary>
    public int EmbeddingSize { get; init; } = 64;
    /// <summary>Dropout between stacked layers during training, in [0, 1).</summary>
    public double Dropout { get; init; }

    // ---- batching ----
    /// <summary>B: parallel contiguous streams.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>T: time steps per window (truncated BPTT length).</summary>
    public int SequenceLength { get; init; } = 64;

    // ---- optimizer ----
    /// <summary>The update rule.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>Base learning rate.</summary>
    public double LearningRate { get; init; } = 2e-3;
    /// <summary>Momentum factor (Momentum and Nesterov).</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>Adam/AdamW β1.</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>Adam/AdamW β2.</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>RMSprop smoothing constant α (char-rnn's decay_rate 0.95).</summary>
    public double RmsPropAlpha { get; init; } = 0.95;
    /// <summary>Denominator term of Adagrad/RMSprop/Adam; null takes each optimizer's PyTorch default.</summary>
    public double? Epsilon { get; init; }
    /// <summary>Global-norm gradient clipping; null = off.</summary>
    public double? ClipNorm { get; init; } = 5;
    /// <summary>Element-wise gradient clipping; null = off.</summary>
    public double? ClipValue { get; init; }
    /// <summary>Weight decay: decoupled for AdamW, an L2 penalty (λ/2)·Σw² on weights for the others.</summary>
    public double WeightDecay { get; init; }

    // ---- schedule ----
    /// <summary>The learning-rate schedule.</summary>
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Constant;
    /// <summary>Decay factor: per epoch (StepDecay, char-rnn 0.97) or per update (Exponential).</summary>
    public double LrDecay { get; init; } = 0.97;
    /// <summary>StepDecay: completed epochs before the first decay (char-rnn 10).</summary>
    public int LrDecayAfter { get; init; } = 10;
    /// <summary>StepDecay: epochs between decays.</summary>
    public int LrDecayEvery { get; init; } = 1;
    /// <summary>Cosine: warm-up updates.</summary>
    public long WarmupSteps { get; init; }
    /// <summary>Cosine: the update at which the rate reaches <see cref="MinLearningRate"/>; null = the step budget.</summary>
    public long? ScheduleSteps { get; init; }
    /// <summary>Cosine: the floor.</summary>
    public double MinLearningRate { get; init; }

    // ---- stopping ----
    /// <summary>Stop after this many epochs (counted from the start of the run, resumes included).</summary>
    public int? Epochs { get; init; }
    /// <summary>Stop after this many updates (counted from the start of the run).</summary>
    public long? Steps { get; init; }
    /// <summary>Stop once this much wall-clock time has been spent training (resumes included), in seconds.</summary>
    public double? TimeBudgetSeconds { get; init; }
    /// <summary>Stop when this many evaluations in a row have not improved the validation loss; null = never.</summary>
    public int? Patience { get; init; }

    // ---- reporting ----
    /// <summary>Evaluate on the validation stream every this many updates (0 = only at the end).</summary>
    public int EvalEvery { get; init; } = 200;
    /// <summary>Write a metrics line every this many updates.</summary>
    public int LogEvery { get; init; } = 25;
    /// <summary>Generate a sample every this many updates (0 = never during training).</summary>
    public int SampleEvery { get; init; }
    /// <summary>Tokens per sample.</summary>
    public int SampleLength { get; init; } = 200;
    /// <summary>Softmax temperature of the samples.</summary>
    public double SampleTemperature { get; init; } = 1.0;
    /// <summary>Text the samples start from (null: a newline).</summary>
    public string? SamplePrime { get; init; }
    /// <summary>Seed of initialisation, dropout and sampling.</summary>
    public ulong Seed { get; init; } = 1;

    // ---- faults ----
    /// <summary>
    /// Write last.safetensors every N updates besides the evaluations (0 = only at evaluations and at the end).
    /// Frequent checkpoints bound the work a crash or kill can lose.
    /// </summary>
    public int CheckpointEvery { get; init; }
    /// <summary>
    /// Updates in a row whose loss or gradient is not finite (each is skipped, not applied) before the run stops
    /// with <see cref="TrainingDivergedException"/> (default 10).
    /// </summary>
    public int MaxBadSteps { get; init; } = 10;

    /// <summary>Throws ArgumentException (ParamName = the property) naming the first impossible setting.</summary>
    public void Validate()
    {
        Positive(Layers, nameof(Layers));
        Positive(HiddenSize, nameof(HiddenSize));
        if (EmbeddingSize < 0) throw Bad(nameof(EmbeddingSize), $"must be 0 (one-hot) or positive, got {EmbeddingSize}");
        if (!(Dropout >= 0 && Dropout < 1)) throw Bad(nameof(Dropout), $"must be in [0, 1), got {Dropout}");
        Positive(BatchSize, nameof(BatchSize));
        Positive(SequenceLength, nameof(SequenceLength));
        Optimization().Validate();
        if (Epochs is int ep && ep <= 0) throw Bad(nameof(Epochs), $"must be positive, got {ep}");
        if (Steps is long st && st <= 0) throw Bad(nameof(Steps), $"must be positive, got {st}");
        if (TimeBudgetSeconds is double tb && !(tb > 0 && double.IsFinite(tb))) throw Bad(nameof(TimeBudgetSeconds), $"must be positive and finite, got {tb}");
        if (Epochs is null && Steps is null && TimeBudgetSeconds is null)
            throw Bad(nameof(Steps), "is needed: give at least one of Epochs, Steps or TimeBudgetSeconds so the run ends");
        if (Patience is int p && p <= 0) throw Bad(nameof(Patience), $"must be positive, got {p}");
        if (EvalEvery < 0) throw Bad(nameof(EvalEvery), $"must be >= 0, got {EvalEvery}");
        Positive(LogEvery, nameof(LogEvery));
        if (SampleEvery < 0) throw Bad(nameof(SampleEvery), $"must be >= 0, got {SampleEvery}");
        if (CheckpointEvery < 0) throw Bad(nameof(CheckpointEvery), $"must be >= 0, got {CheckpointEvery}");
        Positive(MaxBadSteps, nameof(MaxBadSteps));
        Positive(SampleLength, nameof(SampleLength));
        if (!(SampleTemperature > 0 && double.IsFinite(SampleTemperature))) throw Bad(nameof(SampleTemperature), $"must be positive and finite, got {SampleTemperature}");
    }

    /// <summary>The model architecture for a vocabulary of <paramref name="vocabularySize"/> tokens.</summary>
    public ModelConfig ModelConfig(int vocabularySize) => new()
    {
        Input = EmbeddingSize > 0 ? InputKind.Embedding : InputKind.OneHot,
        InputSize = vocabularySize,
        EmbeddingSize = EmbeddingSize,
        Cell = Cell,
        HiddenSize = HiddenSize,
        Layers = Layers,
        Dropout = Dropout,
        OutputSize = vocabularySize,
    };

    /// <summary>The optimizer, clipping, weight decay and schedule part of these options.</summary>
    public OptimizationOptions Optimization() => new()
    {
        Optimizer = Optimizer, LearningRate = LearningRate, Momentum = Momentum, Beta1 = Beta1, Beta2 = Beta2,
        RmsPropAlpha = RmsPropAlpha, Epsilon = Epsilon, ClipNorm = ClipNorm, ClipValue = ClipValue, WeightDecay = WeightDecay,
        Schedule = Schedule, LrDecay = LrDecay, LrDecayAfter = LrDecayAfter, LrDecayEvery = LrDecayEvery, WarmupSteps = WarmupSteps,
        ScheduleSteps = ScheduleSteps, MinLearningRate = MinLearningRate,
    };

    /// <summary>These options with the optimizer, clipping, weight-decay and schedule settings of <paramref name="o"/>.</summary>
    public LanguageModelOptions WithOptimization(OptimizationOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return this with
        {
            Optimizer = o.Optimizer, LearningRate = o.LearningRate, Momentum = o.Momentum, Beta1 = o.Beta1, Beta2 = o.Beta2,
            RmsPropAlpha = o.RmsPropAlpha, Epsilon = o.Epsilon, ClipNorm = o.ClipNorm, ClipValue = o.ClipValue, WeightDecay = o.WeightDecay,
            Schedule = o.Schedule, LrDecay = o.LrDecay, LrDecayAfter = o.LrDecayAfter, LrDecayEvery = o.LrDecayEvery,
            WarmupSteps = o.WarmupSteps, ScheduleSteps = o.ScheduleSteps, MinLearningRate = o.MinLearningRate,
        };
    }

    /// <summary>These options with the run controls of <paramref name="f"/> (budgets, patience, intervals, divergence guard).</summary>
    public LanguageModelOptions WithFit(FitOptions f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return this with
        {
            Epochs = f.Epochs, Steps = f.Steps, TimeBudgetSeconds = f.TimeBudgetSeconds, Patience = f.Patience,
            EvalEvery = f.EvalEvery ?? 0, LogEvery = f.LogEvery, CheckpointEvery = f.CheckpointEvery, MaxBadSteps = f.MaxBadSteps,
        };
    }

    /// <summary>The optimizer, sized for <paramref name="parameterCount"/> parameters.</summary>
    public Optimizer<float> CreateOptimizer(int parameterCount) => Optimization().CreateOptimizer(parameterCount);

    /// <summary>Clipping and penalties for the step engine.</summary>
    public TrainerOptions TrainerOptions() => Optimization().TrainerOptions();

    /// <summary>The learning-rate schedule.</summary>
    public LearningRateSchedule CreateSchedule() => Optimization().CreateSchedule();

    /// <summary>The run controls of the fit loop: budgets, patience, evaluation, logging and checkpoint intervals, divergence guard.</summary>
    public FitOptions FitOptions() => new()
    {
        Epochs = Epochs, Steps = Steps, TimeBudgetSeconds = TimeBudgetSeconds, Patience = Patience, EvalEvery = EvalEvery,
        LogEvery = LogEvery, CheckpointEvery = CheckpointEvery, MaxBadSteps = MaxBadSteps,
    };

    /// <summary>These options with the settings a resumed run may change (stopping, reporting) taken from <paramref name="other"/>.</summary>
    public LanguageModelOptions WithRunControlsFrom(LanguageModelOptions other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return this with
        {
            Epochs = other.Epochs, Steps = other.Steps, TimeBudgetSeconds = other.TimeBudgetSeconds, Patience = other.Patience,
            EvalEvery = other.EvalEvery, LogEvery = other.LogEvery, SampleEvery = other.SampleEvery,
            CheckpointEvery = other.CheckpointEvery, MaxBadSteps = other.MaxBadSteps,
            SampleLength = other.SampleLength, SampleTemperature = other.SampleTemperature, SamplePrime = other.SamplePrime,
        };
    }

    private static void Positive(long value, string name)
    {
        if (value <= 0) throw Bad(name, $"must be positive, got {value}");
    }

    private static ArgumentException Bad(string name, string what) => new($"{name} {what}.", name);
}
