// CheckpointCallback: saves the model (safetensors + configuration, optionally the tokenizer, and the
// optimizer moments) to one file every N updates, at every epoch end and at the end of training. Each write is
// atomic (ModelFile), so a crash mid-write keeps the previous checkpoint.
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Serialization;

namespace Recurrent.Api;

/// <summary>Writes the model to <see cref="Path"/> during and after training.</summary>
public sealed class CheckpointCallback : TrainingCallback
{
    private readonly int _everySteps;
    private readonly bool _atEpochEnd;
    private readonly string? _tokenizerJson;

    /// <summary>
    /// Saves to <paramref name="path"/> every <paramref name="everySteps"/> updates (0 = not by steps), at every epoch end
    /// when <paramref name="atEpochEnd"/>, and at the end of training. The <paramref name="tokenizer"/>, when given, is
    /// stored in the file so `rnn sample` and LanguageModelFile can read it.
    /// </summary>
    public CheckpointCallback(string path, int everySteps = 0, bool atEpochEnd = true, Tokenizer? tokenizer = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (everySteps < 0) throw new ArgumentException($"everySteps must be >= 0 (0 = only at epoch ends and the end), got {everySteps}.", nameof(everySteps));
        Path = System.IO.Path.GetFullPath(path);
        _everySteps = everySteps;
        _atEpochEnd = atEpochEnd;
        _tokenizerJson = tokenizer?.ToJson();
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>Raised after every write.</summary>
    public event Action<CheckpointReport>? Saved;

    /// <inheritdoc/>
    public override void OnStepEnd(TrainingContext context, StepMetrics metrics)
    {
        if (_everySteps > 0 && metrics.Step % _everySteps == 0) Save(context);
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        if (_atEpochEnd && !(_everySteps > 0 && metrics.Step % _everySteps == 0)) Save(context);
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(TrainingContext context, FitResult result) => Save(context);

    private void Save(TrainingContext context)
    {
        string? directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        ModelFile.Save(Path, context.Model, _tokenizerJson, trainingJson: null, context.Trainer.Optimizer);
        Saved?.Invoke(new CheckpointReport(context.Step, Path));
    }
}
