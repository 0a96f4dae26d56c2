// ForecastOptions: how a forecaster is trained — the window it reads and the horizon it predicts, windows per
// batch, the optimizer and schedule (OptimizationOptions, shared by every kind of model), the run controls of the
// fit loop (FitOptions: budgets, early stopping, evaluation and logging intervals, divergence guard), the fraction
// of the rows held out at the end of the series and the seed of the initialisation and shuffling. Composed from
// the shared option records, not re-declared.
using Recurrent.Training;

namespace Recurrent.Forecasting;

/// <summary>Training settings of a forecaster.</summary>
public sealed record ForecastOptions
{
    /// <summary>Steps the model reads (W).</summary>
    public int Window { get; init; } = 24;
    /// <summary>Steps it predicts at once (H).</summary>
    public int Horizon { get; init; } = 1;
    /// <summary>Windows per update.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Optimizer, clipping, weight decay and schedule (default Adam 5e-3, clip norm 1).</summary>
    public OptimizationOptions Optimization { get; init; } = new() { LearningRate = 5e-3, ClipNorm = 1 };
    /// <summary>Budgets and early stopping (default 100 epochs, patience 10, evaluation at every epoch end).</summary>
    public FitOptions Fit { get; init; } = new() { Epochs = 100, Patience = 10 };
    /// <summary>Fraction of the rows at the end of the series held out for validation.</summary>
    public double ValidationFraction { get; init; } = 0.2;
    /// <summary>Seed of the initialisation and the shuffling.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>How windows are scaled (default: each window relative to its last value and its own spread).</summary>
    public ForecastNormalization Normalize { get; init; } = ForecastNormalization.Window;
    /// <summary>Train on first differences.</summary>
    public bool Difference { get; init; }
    /// <summary>
    /// Train on seasonal differences y[t] − y[t−S] (0: none); null (the default): with the season's lag when the
    /// data has a season and its training rows' changes over a season keep one sign (Seasonality.SeasonalTrend).
    /// </summary>
    public int? SeasonDifference { get; init; }
    /// <summary>The season of the baselines and MASE; null: detected from the training rows' autocorrelation.</summary>
    public int? Season { get; init; }
    /// <summary>Quantile levels to predict with the pinball loss (increasing, in (0, 1)); null: a point forecast with MSE.</summary>
    public IReadOnlyList<double>? Quantiles { get; init; }

    /// <summary>Throws ArgumentException (ParamName = the property) naming the first impossible setting.</summary>
    public void Validate()
    {
        if (Window <= 0) throw new ArgumentException($"Window must be positive, got {Window}.", nameof(Window));
        if (Horizon <= 0) throw new ArgumentException($"Horizon must be positive, got {Horizon}.", nameof(Horizon));
        if (BatchSize <= 0) throw new ArgumentException($"BatchSize must be positive, got {BatchSize}.", nameof(BatchSize));
        if (!(ValidationFraction > 0 && ValidationFraction < 1))
            throw new ArgumentException($"ValidationFraction must be in (0, 1), got {ValidationFraction}.", nameof(ValidationFraction));
        if (!Enum.IsDefined(Normalize)) throw new ArgumentException($"Normalize must be Window, Global or None, got {Normalize}.", nameof(Normalize));
        if (SeasonDifference < 0) throw new ArgumentException($"SeasonDifference must be null (automatic), 0 (none) or a season length of 2 or more, got {SeasonDifference}.", nameof(SeasonDifference));
        if (SeasonDifference == 1) throw new ArgumentException("SeasonDifference 1 is first differencing; use Difference instead.", nameof(SeasonDifference));
        if (Season is int season && season < 1) throw new ArgumentException($"Season must be at least 1 (1: no season), got {season}.", nameof(Season));
        if (Quantiles is { } q)
        {
            if (q.Count == 0) throw new ArgumentException("Quantiles must hold at least one level, or be null for a point forecast.", nameof(Quantiles));
            foreach (double v in q)
                if (!(v > 0 && v < 1)) throw new ArgumentException($"every quantile level must lie strictly between 0 and 1, got {v}.", nameof(Quantiles));
            if (q.Zip(q.Skip(1)).Any(p => p.Second <= p.First))
                throw new ArgumentException($"quantile levels must increase, got {string.Join(",", q)}.", nameof(Quantiles));
        }
        ArgumentNullException.ThrowIfNull(Optimization, nameof(Optimization));
        ArgumentNullException.ThrowIfNull(Fit, nameof(Fit));
        Optimization.Validate();
        Fit.Validate();
    }
}
