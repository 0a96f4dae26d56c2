// ForecastFit: what Forecaster.CreateFit assembles — the fit loop (no callbacks yet), the optimizer (its moments go
// into checkpoints) and the number of training and validation windows, for a run or a caller's own loop.
using Recurrent.Optimizers;
using Recurrent.Training;

namespace Recurrent.Forecasting;

/// <summary>A fit loop for a forecaster and the pieces it was made from.</summary>
/// <param name="Loop">The loop (no callbacks yet).</param>
/// <param name="Optimizer">The optimizer (saved in checkpoints).</param>
/// <param name="TrainWindows">Training windows.</param>
/// <param name="ValidationWindows">Validation windows.</param>
public sealed record ForecastFit(FitLoop Loop, Optimizer<float> Optimizer, int TrainWindows, int ValidationWindows);
