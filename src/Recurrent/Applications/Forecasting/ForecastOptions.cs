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

    /// <summary>Throws ArgumentException (ParamName = the property) naming the first impossible setting.</summary>
    public void Validate()
    {
        if (Window <= 0) throw new ArgumentException($"Window must be positive, got {Window}.", nameof(Window));
        if (Horizon <= 0) throw new ArgumentException($"Horizon must be positive, got {Horizon}.", nameof(Horizon));
        if (BatchSize <= 0) throw new ArgumentException($"BatchSize must be positive, got {BatchSize}.", nameof(BatchSize));
        if (!(ValidationFraction > 0 && ValidationFraction < 1))
            throw new ArgumentException($"ValidationFraction must be in (0, 1), got {ValidationFraction}.", nameof(ValidationFraction));
        ArgumentNullException.ThrowIfNull(Optimization, nameof(Optimization));
        ArgumentNullException.ThrowIfNull(Fit, nameof(Fit));
        Optimization.Validate();
        Fit.Validate();
    }
}
