// FitOptions: when the fit loop stops, evaluates, logs and checkpoints, and how it treats divergence — the run
// controls every kind of model shares. The model's own settings (architecture, optimizer, data) live with the
// application; these are the ones that may be changed when a run is resumed.
namespace Recurrent.Training;

/// <summary>Budgets, evaluation and logging intervals, and the divergence guard of a <see cref="FitLoop"/>.</summary>
public sealed record FitOptions
{
    /// <summary>Stop after this many epochs (null = no epoch budget).</summary>
    public int? Epochs { get; init; }
    /// <summary>Stop after this many updates (null = no step budget).</summary>
    public long? Steps { get; init; }
    /// <summary>Stop once this much wall-clock time (resumed sessions included) has been spent (null = none).</summary>
    public double? TimeBudgetSeconds { get; init; }
    /// <summary>Stop after this many evaluations without a better monitored metric (null = never).</summary>
    public int? Patience { get; init; }
    /// <summary>
    /// Multiply the learning rate by <see cref="PlateauFactor"/> after every this many evaluations in a row without a
    /// better monitored metric (Keras' ReduceLROnPlateau without cooldown; with <see cref="Patience"/> larger, the
    /// lower rate gets its chance before early stopping); null = never.
    /// </summary>
    public int? PlateauPatience { get; init; }
    /// <summary>What the learning rate is multiplied by on each plateau (between 0 and 1, exclusive).</summary>
    public double PlateauFactor { get; init; } = 0.5;
    /// <summary>Evaluate every this many updates; 0 = only at the end; null = at the end of every epoch.</summary>
    public int? EvalEvery { get; init; }
    /// <summary>Write a metrics line every this many updates (and at every evaluation).</summary>
    public int LogEvery { get; init; } = 10;
    /// <summary>Write a line of training statistics (stats.jsonl: weight, gradient, update and activation histograms) every
    /// this many updates; null = every <see cref="LogEvery"/>; 0 = none.</summary>
    public int? StatsEvery { get; init; }
    /// <summary>Also write the last checkpoint every this many updates (0 = only at evaluations and at the end).</summary>
    public int CheckpointEvery { get; init; }
    /// <summary>Stop after this many steps in a row whose loss or gradient was not finite (or grew past the limit).</summary>
    public int MaxBadSteps { get; init; } = 10;
    /// <summary>
    /// A step whose loss exceeds this factor times max(1, the run's first loss) is skipped like a non-finite one: the
    /// run has diverged (0 = no such limit).
    /// </summary>
    public double DivergenceFactor { get; init; } = 1000;

    /// <summary>Throws ArgumentException naming the first impossible setting.</summary>
    public void Validate()
    {
        if (Epochs is int e && e <= 0) throw Bad(nameof(Epochs), $"must be positive, got {e}");
        if (Steps is long s && s <= 0) throw Bad(nameof(Steps), $"must be positive, got {s}");
        if (TimeBudgetSeconds is double t && !(t > 0 && double.IsFinite(t))) throw Bad(nameof(TimeBudgetSeconds), $"must be positive and finite, got {t}");
        if (Epochs is null && Steps is null && TimeBudgetSeconds is null)
            throw Bad(nameof(Steps), "is needed: give at least one of Epochs, Steps or TimeBudgetSeconds so the run ends");
        if (Patience is int p && p <= 0) throw Bad(nameof(Patience), $"must be positive, got {p}");
        if (PlateauPatience is int pp && pp <= 0) throw Bad(nameof(PlateauPatience), $"must be positive, got {pp}");
        if (!(PlateauFactor is > 0 and < 1)) throw Bad(nameof(PlateauFactor), $"must be between 0 and 1 (exclusive), got {PlateauFactor}");
        if (EvalEvery is int ev && ev < 0) throw Bad(nameof(EvalEvery), $"must be >= 0, got {ev}");
        if (LogEvery <= 0) throw Bad(nameof(LogEvery), $"must be positive, got {LogEvery}");
        if (StatsEvery is int st && st < 0) throw Bad(nameof(StatsEvery), $"must be >= 0 (0 = off), got {st}");
        if (CheckpointEvery < 0) throw Bad(nameof(CheckpointEvery), $"must be >= 0, got {CheckpointEvery}");
        if (MaxBadSteps <= 0) throw Bad(nameof(MaxBadSteps), $"must be positive, got {MaxBadSteps}");
        if (!(DivergenceFactor >= 0 && double.IsFinite(DivergenceFactor))) throw Bad(nameof(DivergenceFactor), $"must be >= 0 and finite, got {DivergenceFactor}");
        if (DivergenceFactor is > 0 and <= 1) throw Bad(nameof(DivergenceFactor), $"must be 0 (off) or above 1, got {DivergenceFactor}");
    }

    private static ArgumentException Bad(string name, string what) => new($"{name} {what}.", name);
}
