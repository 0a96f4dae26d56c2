// MetricsLogWriter: the fit-loop callback that appends every metrics line to the run's metrics.jsonl, which the
// plots, `rnn report` and `rnn plot` read back.
namespace Recurrent.Training.Callbacks;

/// <summary>Appends each <see cref="MetricsRecord"/> to a metrics.jsonl file.</summary>
public sealed class MetricsLogWriter(string path) : FitCallback
{
    /// <summary>The metrics.jsonl file.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <inheritdoc/>
    public override void OnLogged(FitLoop loop, MetricsRecord record) => MetricsLog.Append(Path, record);
}
