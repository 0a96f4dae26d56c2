// LossAxis: what the loss of a run measures, for the y axis of its loss charts (loss.png/svg and the HTML report):
// a language model's cross-entropy per token; a classifier's, tagger's or seq2seq model's cross-entropy; a
// forecaster's loss on its scaled values (MSE, or the pinball loss with quantiles). Read from the task description
// of the run's last (else best) checkpoint; a run without a readable one is labelled as a language model.
using Recurrent.Supervised;
using Recurrent.Training;

namespace Recurrent.Cli.Reporting;

internal static class LossAxis
{
    /// <summary>The y-axis label for a run of the given task (null: a language model).</summary>
    public static string Label(string? task) => task switch
    {
        null => "cross-entropy (nats/token)",
        Recurrent.Forecasting.ForecastFile.Task => "loss on scaled values (MSE, or pinball)",
        _ => "cross-entropy (nats)",
    };

    /// <summary>The y-axis label for the run in <paramref name="run"/>.</summary>
    public static string Label(RunDirectory run)
    {
        foreach (string path in new[] { run.Last, run.Best })
        {
            if (!File.Exists(path)) continue;
            try { return Label(TaskModelFile.PeekTask(path)); }
            catch (Exception e) when (e is InvalidDataException or IOException) { break; }
        }
        return Label((string?)null);
    }
}
