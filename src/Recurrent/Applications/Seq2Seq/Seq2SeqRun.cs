// Seq2SeqRun: one encoder–decoder training run in a run directory, assembled on the fit loop — the pairs read
// (strictly, in the spec's encoding) and split by the spec, the model built from them (or loaded from the checkpoint
// when resuming), and the callbacks that write the run directory: metrics.jsonl and last/best checkpoints that are
// at the same time ordinary seq2seq model files (`rnn predict`, `rnn eval`, `rnn export` read them through
// Seq2SeqFile) and hold the whole fit state and optimizer moments. Start begins a run; Resume continues one exactly.
// Data parallelism (Start or Resume with a reducer): each batch is split over the ranks (Seq2SeqBatches) and their
// gradients summed; every rank evaluates the whole validation set (the same result everywhere); only rank 0 writes files.
using Recurrent.Data;
using Recurrent.Serialization;
using Recurrent.Supervised;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Seq2Seq;

/// <summary>An encoder–decoder run: its model, fit loop and files.</summary>
public sealed class Seq2SeqRun
{
    private Seq2SeqRun(Seq2SeqRunSpec spec, Seq2SeqModel<float> model, Seq2SeqVocabulary vocabulary, SupervisedFit fit, RunDirectory run, bool writes)
    {
        Spec = spec;
        Model = model;
        Vocabulary = vocabulary;
        Loop = fit.Loop;
        RunDirectory = run;
        TrainCount = fit.TrainCount;
        ValidationCount = fit.ValidationCount;
        var optimizer = fit.Optimizer;
        if (!writes) return; // a data-parallel rank other than 0
        var (config, metadata) = Seq2SeqFile.Describe(model, vocabulary);
        Checkpoints = RunFiles.Attach(Loop, run, spec.ToJsonNode(), (path, state) =>
            ModelFile.Write(path, config, model.Parameters, metadata, null, state.ToJson(), optimizer));
    }

    /// <summary>What the run is (for a new cosine run, with the schedule length filled in).</summary>
    public Seq2SeqRunSpec Spec { get; }
    /// <summary>The model being trained.</summary>
    public Seq2SeqModel<float> Model { get; }
    /// <summary>Its vocabulary (stored in every checkpoint).</summary>
    public Seq2SeqVocabulary Vocabulary { get; }
    /// <summary>The training loop; add callbacks to follow the run.</summary>
    public FitLoop Loop { get; }
    /// <summary>Where checkpoints and metrics go.</summary>
    public RunDirectory RunDirectory { get; }
    /// <summary>The checkpoint writer (its Saved event reports each file written).</summary>
    public CheckpointWriter? Checkpoints { get; }
    /// <summary>Training pairs.</summary>
    public int TrainCount { get; }
    /// <summary>Validation pairs evaluated (0: no evaluation, no best.safetensors).</summary>
    public int ValidationCount { get; }

    /// <summary>
    /// Starts a new run of <paramref name="spec"/> in <paramref name="runDirectory"/> (created; it must not hold a run).
    /// Throws InvalidDataException/CorpusException for bad data (naming file and line), ArgumentException for
    /// impossible options, IOException for an unusable run directory. With a <paramref name="reducer"/>, this process
    /// is one rank of a data-parallel job: every rank calls Start alike, the batch size must be a multiple of the ranks,
    /// and only rank 0 writes <paramref name="runDirectory"/>.
    /// </summary>
    public static Seq2SeqRun Start(Seq2SeqRunSpec spec, string runDirectory, IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Training.Validate();
        bool writes = reducer is not { Rank: not 0 };
        var run = new RunDirectory(runDirectory);
        if (writes && run.HoldsRun) run.PrepareNew(); // throws, naming --resume
        var (train, validation) = Read(spec);
        Seq2SeqModel<float> model;
        Seq2SeqVocabulary vocabulary;
        if (spec.InitFrom is string init)
        {
            // Fine-tuning: the loaded model's architecture, source layout and vocabulary, recorded in the run's description.
            var loaded = Seq2SeqFile.Load(init);
            (model, vocabulary) = (loaded.Model, loaded.Vocabulary);
            var c = model.Config;
            spec = spec with
            {
                Training = spec.Training with
                {
                    Model = spec.Training.Model with { Cell = c.Cell, HiddenSize = c.HiddenSize, Layers = c.Layers, EmbeddingSize = c.EmbeddingSize },
                    ReverseSource = c.ReverseSource, SourceLength = c.SourceLength, MaxTargetLength = c.MaxTargetLength,
                },
            };
        }
        else (model, vocabulary) = Seq2SeqTraining.CreateModel(train, validation, spec.Training);
        var fit = Seq2SeqTraining.CreateFit(model, vocabulary, train, validation, spec.Training, reducer);
        if (writes) run.PrepareNew();
        // The cosine schedule's length is fixed at the start, so a resume with other budgets keeps the same schedule.
        spec = spec with { Training = spec.Training with { Optimization = spec.Training.Optimization.WithPlannedSchedule(spec.Training.Fit, fit.Loop.BatchesPerEpoch) } };
        return new Seq2SeqRun(spec, model, vocabulary, fit, run, writes);
    }

    /// <summary>
    /// Continues the run whose last checkpoint is <paramref name="checkpointPath"/> exactly where it stopped, rereading
    /// its data. <paramref name="runControls"/>, when given, replaces the budgets and intervals; nothing else changes.
    /// With a <paramref name="reducer"/>, every rank of a data-parallel job resumes from the same checkpoint (nothing of
    /// the batches is per rank) and only rank 0 writes.
    /// </summary>
    public static Seq2SeqRun Resume(string checkpointPath, FitOptions? runControls = null, IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(checkpointPath);
        string full = Path.GetFullPath(checkpointPath);
        ModelFileContent content = ModelFile.Read(full);
        FitState state = FitState.FromJson(content.Training
            ?? throw new InvalidDataException($"'{full}' holds a model but no training state, so it cannot be resumed."), full);
        Seq2SeqRunSpec spec = Seq2SeqRunSpec.FromJsonNode(state.Run, full);
        if (runControls is not null) spec = spec with { Training = spec.Training with { Fit = runControls } };
        spec.Training.Validate();
        var loaded = Seq2SeqFile.Load(full);
        var (train, validation) = Read(spec);
        var fit = Seq2SeqTraining.CreateFit(loaded.Model, loaded.Vocabulary, train, validation, spec.Training, reducer);
        ModelFile.LoadOptimizer(fit.Optimizer, content, full);
        var run = new RunDirectory(Path.GetDirectoryName(full)!);
        bool writes = reducer is not { Rank: not 0 };
        if (writes) run.PrepareResume(state.Step);
        var resumed = new Seq2SeqRun(spec, loaded.Model, loaded.Vocabulary, fit, run, writes);
        resumed.Loop.Restore(state, full);
        return resumed;
    }

    /// <summary>Trains until a budget, early stopping or cancellation; see <see cref="FitLoop.Run"/>.</summary>
    public FitOutcome Run(CancellationToken cancellation = default) => Loop.Run(cancellation);

    private static (List<Seq2SeqPair> Train, List<Seq2SeqPair> Validation) Read(Seq2SeqRunSpec spec)
    {
        var encoding = spec.Data.Encoding is null ? null : TextEncodings.Get(spec.Data.Encoding);
        var pairs = Seq2SeqData.ReadTsv(spec.Data.Path, encoding);
        return spec.Data.Validation is string val
            ? (pairs, Seq2SeqData.ReadTsv(val, encoding))
            : Shuffling.Split(pairs, spec.Training.ValidationFraction, spec.Training.Seed);
    }
}
