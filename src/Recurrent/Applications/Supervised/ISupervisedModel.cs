// ISupervisedModel: what a classification or tagging model holds besides its network — the task description
// (labels, vocabulary, input format) and tokenizer stored in its model file — and how it builds a fit loop on
// labelled data. SequenceClassifier and SequenceTagger implement it; SupervisedRun trains either into a run
// directory with the same code.
using Recurrent.Models;
using Recurrent.Training;

namespace Recurrent.Supervised;

/// <summary>A classifier or tagger: its network, its task description and its training.</summary>
public interface ISupervisedModel
{
    /// <summary>The network.</summary>
    SequenceModel<float> Model { get; }

    /// <summary>The task description stored under "task" in the model file.</summary>
    string TaskJson();

    /// <summary>The tokenizer JSON stored in the model file, or null.</summary>
    string? TokenizerJson { get; }
}

/// <summary>A fit loop for a supervised model and the pieces it was made from.</summary>
/// <param name="Loop">The loop (no callbacks yet).</param>
/// <param name="Optimizer">The optimizer (saved in checkpoints).</param>
/// <param name="TrainCount">Training examples used.</param>
/// <param name="ValidationCount">Validation examples used (0: no evaluation).</param>
public sealed record SupervisedFit(FitLoop Loop, Optimizers.Optimizer<float> Optimizer, int TrainCount, int ValidationCount);
