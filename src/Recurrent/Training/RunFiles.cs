// RunFiles: what every kind of run attaches to its fit loop to write its run directory — its description (stored
// as the "run" of every checkpoint's fit state, so --resume rebuilds it), the metrics log, the training statistics
// (stats.jsonl, every FitOptions.StatsEvery updates), and the last/best
// checkpoints written with the application's save function (its model file plus the fit state and optimizer).
using System.Text.Json.Nodes;
using Recurrent.Training.Callbacks;

namespace Recurrent.Training;

/// <summary>Connects a fit loop to a run directory.</summary>
public static class RunFiles
{
    /// <summary>
    /// Stores <paramref name="description"/> in the loop's checkpoints, adds a <see cref="MetricsLogWriter"/> for
    /// run's metrics.jsonl, a <see cref="StatisticsWriter"/> for its stats.jsonl and a <see cref="CheckpointWriter"/> that saves with <paramref name="save"/>; returns the latter.
    /// </summary>
    public static CheckpointWriter Attach(FitLoop loop, RunDirectory run, JsonNode description, Action<string, FitState> save)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(run);
        loop.RunDescription = description;
        var checkpoints = new CheckpointWriter(run, save);
        loop.Add(new MetricsLogWriter(run.Metrics)).Add(new StatisticsWriter(run.Stats)).Add(checkpoints);
        if (loop.Evaluator is IEvaluationDetails details) loop.Add(new PredictionsWriter(run.Predictions, details)); // predictions.json
        return checkpoints;
    }
}
