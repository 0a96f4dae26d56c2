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
    Applications.TaskDescription Description();

    /// <summary>The tokenizer JSON stored in the model file, or null.</summary>
    string? TokenizerJson { get; }
}

/// <summary>A fit loop for a supervised model and the pieces it was made from.</summary>
/// <param name="Loop">The loop (no callbacks yet).</param>
/// <param name="Optimizer">The optimizer (saved in checkpoints).</param>
/// <param name="TrainCount">Training examples used.</param>
/// <param name="ValidationCount">Validation examples used (0: no evaluation).</param>
public sealed record SupervisedFit(FitLoop Loop, Optimizers.Optimizer<float> Optimizer, int TrainCount, int ValidationCount)
{
    /// <summary>
    /// The fit loop of a classifier or tagger: <paramref name="options"/>' optimizer and schedule (a cosine schedule
    /// sized to the run), bucketed padded batches of <paramref name="train"/>, and <paramref name="evaluator"/> (null
    /// without validation data) over <paramref name="validationCount"/> examples.
    /// </summary>
    /// <remarks>With a <paramref name="reducer"/> the fit is one rank of a data-parallel job: each batch is split over the ranks.</remarks>
    public static SupervisedFit Create(SequenceModel<float> model, IReadOnlyList<SequenceExample> train, SupervisedOptions options,
        IEvaluator? evaluator, int validationCount, IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var optimization = options.Optimization.WithPlannedSchedule(options.Fit, (train.Count + options.BatchSize - 1) / options.BatchSize);
        var optimizer = optimization.CreateOptimizer(model.Parameters.Count);
        var engine = new StepEngine<float>(model.Parameters, optimizer, optimization.CreateSchedule(), optimization.TrainerOptions(), reducer);
        var batches = new LabelledBatches(model, engine, train, options.BatchSize, options.Seed);
        return new SupervisedFit(new FitLoop(model, engine, batches, options.Fit, evaluator), optimizer, train.Count, validationCount);
    }

    /// <summary>Runs the loop in memory with <paramref name="callbacks"/>, putting the best evaluation's weights back at the end.</summary>
    public FitOutcome RunInMemory(IEnumerable<FitCallback>? callbacks, CancellationToken cancellation)
    {
        foreach (var callback in callbacks ?? []) Loop.Add(callback);
        Loop.Add(new Training.Callbacks.BestWeights());
        return Loop.Run(cancellation);
    }
}
