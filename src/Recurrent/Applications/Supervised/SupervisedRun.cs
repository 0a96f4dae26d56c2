// SupervisedRun: one classification or tagging training run in a run directory, assembled on the fit loop — the
// data read (strictly, in the spec's encoding) and split by the spec, the classifier or tagger built from it (or
// loaded from the checkpoint when resuming), and the callbacks that write the run directory: metrics.jsonl and
// last/best checkpoints that are at the same time ordinary model files (`rnn predict`, `rnn eval`, `rnn export`
// read them) and hold the whole fit state and optimizer moments. Start begins a run; Resume continues one exactly.
// Data parallelism (Start with a reducer): each batch is split over the ranks (LabelledBatches) and their gradients
// summed; every rank evaluates the whole validation set (the same result everywhere); only rank 0 writes files.
using Recurrent.Classification;
using Recurrent.Data;
using Recurrent.Serialization;
using Recurrent.Tagging;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Supervised;

/// <summary>A classification or tagging run: its model, fit loop and files.</summary>
public sealed class SupervisedRun
{
    private SupervisedRun(SupervisedRunSpec spec, ISupervisedModel task, SupervisedFit fit, RunDirectory run, bool writes = true)
    {
        Spec = spec;
        Task = task;
        Loop = fit.Loop;
        RunDirectory = run;
        TrainCount = fit.TrainCount;
        ValidationCount = fit.ValidationCount;
        var optimizer = fit.Optimizer;
        if (!writes) return; // a data-parallel rank other than 0
        Checkpoints = RunFiles.Attach(Loop, run, spec.ToJsonNode(), (path, state) => ModelFile.Write(path, task.Model.Config, task.Model.Parameters,
            task.Description().ToMetadata(), task.TokenizerJson, state.ToJson(), optimizer));
    }

    /// <summary>What the run is.</summary>
    public SupervisedRunSpec Spec { get; }
    /// <summary>The classifier or tagger being trained.</summary>
    public ISupervisedModel Task { get; }
    /// <summary>The training loop.</summary>
    public FitLoop Loop { get; }
    /// <summary>Where checkpoints and metrics go.</summary>
    public RunDirectory RunDirectory { get; }
    /// <summary>The checkpoint writer; null on a data-parallel rank other than 0.</summary>
    public CheckpointWriter? Checkpoints { get; }
    /// <summary>Training examples (sentences).</summary>
    public int TrainCount { get; }
    /// <summary>Validation examples (sentences) evaluated.</summary>
    public int ValidationCount { get; }

    /// <summary>
    /// Starts a new run of <paramref name="spec"/> in <paramref name="runDirectory"/> (created; it must not hold a run),
    /// from a new model or, with <see cref="SupervisedRunSpec.InitFrom"/>, from a trained one (its labels and
    /// vocabulary are kept; a training label it does not know is an error naming the line).
    /// Throws InvalidDataException/CorpusException for bad data (naming file and line), ArgumentException for
    /// impossible options or a model too large for this machine, IOException for an unusable run directory.
    /// </summary>
    /// <remarks>
    /// With a <paramref name="reducer"/>, this process is one rank of a data-parallel job: every rank calls Start alike,
    /// the batch size must be a multiple of the ranks, each rank's dropout masks are its rows of the whole batch's, and
    /// only rank 0 writes <paramref name="runDirectory"/>.
    /// </remarks>
    public static SupervisedRun Start(SupervisedRunSpec spec, string runDirectory, IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Training.Validate();
        bool writes = reducer is not { Rank: not 0 };
        var run = new RunDirectory(runDirectory);
        if (writes && run.HoldsRun) run.PrepareNew(); // throws, naming --resume
        ISupervisedModel task;
        SupervisedFit fit;
        if (spec.Kind == SequenceClassifier.TaskName)
        {
            // A model to start from fixes the numbers per step (and keeps its standardisation), so it is loaded first.
            var initial = spec.InitFrom is string init ? SequenceClassifier.Load(init) : null;
            if (initial is not null && initial.Format != ClassificationData.FormatOf(spec.Data.Path))
                throw new InvalidDataException($"'{spec.InitFrom}' classifies {initial.Format} files; '{spec.Data.Path}' is not one.");
            var (train, validation) = ReadClassification(spec, initial?.FeaturesPerStep ?? spec.Model.FeaturesPerStep);
            var classifier = initial ?? SequenceClassifier.Create(train, ClassificationData.FormatOf(spec.Data.Path), spec.Model, spec.Training.Seed, spec.Training);
            (task, fit) = (classifier, classifier.CreateFit(train, validation, spec.Training, reducer));
        }
        else
        {
            var (train, validation) = ReadTagging(spec);
            var tagger = spec.InitFrom is string init ? SequenceTagger.Load(init) : SequenceTagger.Create(train, spec.Model, spec.Training.Seed, spec.Training);
            (task, fit) = (tagger, tagger.CreateFit(train, validation, spec.Training, reducer));
        }
        if (spec.InitFrom is not null)
        {
            // The architecture is the loaded model's: say so in the run's description.
            var c = task.Model.Config;
            spec = spec with
            {
                Model = spec.Model with
                {
                    Cell = c.Cell, HiddenSize = c.HiddenSize, Layers = c.Layers, Bidirectional = c.Bidirectional, EmbeddingSize = c.EmbeddingSize,
                    Activation = c.Activation, GateActivation = c.GateActivation,
                    ForgetGateBias = c.ForgetGateBias == Models.ModelConfig.DefaultForgetGateBias ? null : c.ForgetGateBias,
                    Dropout = c.Dropout, Tokens = (task as SequenceClassifier)?.Encoder?.Kind ?? spec.Model.Tokens,
                    FeaturesPerStep = (task as SequenceClassifier)?.FeaturesPerStep ?? spec.Model.FeaturesPerStep,
                },
            };
        }
        if (writes) run.PrepareNew();
        // The cosine schedule's length is fixed at the start, so a resume with other budgets keeps the same schedule.
        spec = spec with { Training = spec.Training with { Optimization = spec.Training.Optimization.WithPlannedSchedule(spec.Training.Fit, fit.Loop.BatchesPerEpoch) } };
        return new SupervisedRun(spec, task, fit, run, writes);
    }

    /// <summary>
    /// Continues the run whose last checkpoint is <paramref name="checkpointPath"/> exactly where it stopped, rereading
    /// its data. <paramref name="runControls"/>, when given, replaces the budgets and intervals; nothing else changes.
    /// With a <paramref name="reducer"/>, every rank of a data-parallel job resumes from the same checkpoint (the batches
    /// keep nothing per rank: the epoch order comes from the seed and the position) and only rank 0 writes.
    /// </summary>
    public static SupervisedRun Resume(string checkpointPath, FitOptions? runControls = null, IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(checkpointPath);
        string full = Path.GetFullPath(checkpointPath);
        ModelFileContent content = ModelFile.Read(full);
        FitState state = FitState.FromJson(content.Training
            ?? throw new InvalidDataException($"'{full}' holds a model but no training state, so it cannot be resumed."), full);
        SupervisedRunSpec spec = SupervisedRunSpec.FromJsonNode(state.Run, full);
        if (runControls is not null) spec = spec with { Training = spec.Training with { Fit = runControls } };
        spec.Training.Validate();
        ISupervisedModel task;
        SupervisedFit fit;
        if (spec.Kind == SequenceClassifier.TaskName)
        {
            var (train, validation) = ReadClassification(spec, spec.Model.FeaturesPerStep);
            var classifier = SequenceClassifier.Load(full);
            (task, fit) = (classifier, classifier.CreateFit(train, validation, spec.Training, reducer));
        }
        else
        {
            var (train, validation) = ReadTagging(spec);
            var tagger = SequenceTagger.Load(full);
            (task, fit) = (tagger, tagger.CreateFit(train, validation, spec.Training, reducer));
        }
        ModelFile.LoadOptimizer(fit.Optimizer, content, full);
        var run = new RunDirectory(Path.GetDirectoryName(full)!);
        bool writes = reducer is not { Rank: not 0 };
        if (writes) run.PrepareResume(state.Step);
        var resumed = new SupervisedRun(spec, task, fit, run, writes);
        resumed.Loop.Restore(state, full);
        return resumed;
    }

    // The files of a classification run, numeric lines read as featuresPerStep numbers per step.
    private static (List<ClassificationRecord> Train, List<ClassificationRecord> Validation) ReadClassification(SupervisedRunSpec spec, int featuresPerStep)
    {
        var encoding = spec.Data.Encoding is null ? null : TextEncodings.Get(spec.Data.Encoding);
        var format = ClassificationData.FormatOf(spec.Data.Path);
        var records = ClassificationData.Read(spec.Data.Path, format, requireLabels: true, encoding, featuresPerStep);
        return spec.Data.Validation is string val
            ? (records, ClassificationData.Read(val, format, requireLabels: true, encoding, featuresPerStep))
            : Shuffling.Split(records, spec.Training.ValidationFraction, spec.Training.Seed);
    }

    private static (List<TaggedSentence> Train, List<TaggedSentence> Validation) ReadTagging(SupervisedRunSpec spec)
    {
        var encoding = spec.Data.Encoding is null ? null : TextEncodings.Get(spec.Data.Encoding);
        var sentences = ConllReader.Read(spec.Data.Path, requireTags: true, encoding);
        return spec.Data.Validation is string val
            ? (sentences, ConllReader.Read(val, requireTags: true, encoding))
            : Shuffling.Split(sentences, spec.Training.ValidationFraction, spec.Training.Seed);
    }
}
