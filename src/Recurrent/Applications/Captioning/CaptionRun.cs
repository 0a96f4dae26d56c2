// CaptionRun: one image-captioning training run in a run directory, assembled on the fit loop as Seq2SeqRun is —
// the captioned images (features computed by the caller) checked and split BY IMAGE with the options' fraction and
// seed, the feature standardisation and the word vocabulary fitted on the training images, the generator built
// (with attention over the grid when asked), and the callbacks that write the run directory: metrics.jsonl and
// last/best checkpoints that are at the same time ordinary caption model files (CaptionFile.Load reads them) and
// hold the whole fit state and optimizer moments. Start begins a run; Resume continues one exactly, asking the
// caller to reload the images the spec describes (the core reads no images).
// Data parallelism (Start or Resume with a reducer): each batch is split over the ranks (ConditionedBatches) and their
// gradients summed; every rank evaluates the whole validation set (loss and BLEU; the same result everywhere, not
// split); only rank 0 writes files. Every rank must be given the same images with the same features.
using Recurrent.Seq2Seq;
using Recurrent.Serialization;
using Recurrent.Supervised;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Captioning;

/// <summary>A captioning run: its model, fit loop and files.</summary>
public sealed class CaptionRun
{
    private CaptionRun(CaptionRunSpec spec, Captioner captioner, Fit fit, RunDirectory run, IEnumerable<FitCallback>? callbacks, bool writes)
    {
        Spec = spec;
        Captioner = captioner;
        Loop = fit.Loop;
        RunDirectory = run;
        TrainCount = fit.TrainPairs;
        ValidationCount = fit.ValidationPairs;
        TrainImages = fit.TrainImages;
        ValidationImages = fit.ValidationImages;
        TruncatedCaptions = fit.Truncated;
        var optimizer = fit.Optimizer;
        if (writes) // not a data-parallel rank other than 0
        {
            var (config, metadata) = CaptionFile.Describe(captioner);
            Checkpoints = RunFiles.Attach(Loop, run, spec.ToJsonNode(), (path, state) =>
                ModelFile.Write(path, config, captioner.Model.Parameters, metadata, null, state.ToJson(), optimizer));
        }
        foreach (var callback in callbacks ?? []) Loop.Add(callback);
    }

    /// <summary>What the run is (for a new cosine run, with the schedule length filled in).</summary>
    public CaptionRunSpec Spec { get; }
    /// <summary>The model being trained with its vocabulary, standardisation and feature description.</summary>
    public Captioner Captioner { get; }
    /// <summary>The model being trained.</summary>
    public ConditionedGenerator<float> Model => Captioner.Model;
    /// <summary>Its word vocabulary (stored in every checkpoint).</summary>
    public CaptionVocabulary Vocabulary => Captioner.Vocabulary;
    /// <summary>The training loop; add callbacks to follow the run.</summary>
    public FitLoop Loop { get; }
    /// <summary>Where checkpoints and metrics go.</summary>
    public RunDirectory RunDirectory { get; }
    /// <summary>The checkpoint writer (its Saved event reports each file written); null on a data-parallel rank other than 0.</summary>
    public CheckpointWriter? Checkpoints { get; }
    /// <summary>Training (image, caption) pairs.</summary>
    public int TrainCount { get; }
    /// <summary>Validation (image, caption) pairs (0: no evaluation, no best.safetensors).</summary>
    public int ValidationCount { get; }
    /// <summary>Training images.</summary>
    public int TrainImages { get; }
    /// <summary>Validation images.</summary>
    public int ValidationImages { get; }
    /// <summary>Captions (training and validation) longer than MaxLength words, cut to it.</summary>
    public int TruncatedCaptions { get; }

    /// <summary>
    /// Starts a new run in <paramref name="runDirectory"/> (created; it must not hold a run) on <paramref name="images"/>,
    /// whose origin <paramref name="data"/> records (Resume hands it back to reload them). <paramref name="callbacks"/>
    /// are added to the loop after the run directory's own. Throws ArgumentException for impossible options or images
    /// (features of the wrong size, a missing grid, an image without captions), IOException for an unusable run directory.
    /// With a <paramref name="reducer"/>, this process is one rank of a data-parallel job: every rank calls Start alike with
    /// the same images, the batch size must be a multiple of the ranks, and only rank 0 writes <paramref name="runDirectory"/>.
    /// </summary>
    public static CaptionRun Start(CaptionOptions options, IReadOnlyList<CaptionedImage> images, CaptionDataSpec data, string runDirectory,
        IEnumerable<FitCallback>? callbacks = null, IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(runDirectory);
        options.Validate();
        bool writes = reducer is not { Rank: not 0 };
        var run = new RunDirectory(runDirectory);
        if (writes && run.HoldsRun) run.PrepareNew(); // throws, naming --resume
        var (features, regions) = Sizes(images, options.Attention != Layers.AttentionKind.None);
        CaptionData.Check(images, features, regions, nameof(images));
        var (train, validation) = CaptionData.Split(images, options.ValidationFraction, options.Seed);
        bool attends = regions > 0;
        var standardisation = CaptionFeatureStandardisation.Fit(train, features, attends);
        var vocabulary = CaptionVocabulary.Build(train.SelectMany(i => i.Captions), options.MinCount);
        var config = new ConditionedGeneratorConfig
        {
            Features = features, Vocabulary = vocabulary.Size, EmbeddingSize = options.EmbeddingSize, Cell = options.Cell,
            HiddenSize = options.HiddenSize, Layers = options.Layers, MaxLength = options.MaxLength,
            Attention = options.Attention, Regions = regions, RegionPositions = attends ? options.RegionPositions : RegionPositionKind.None,
        };
        var captioner = new Captioner(new ConditionedGenerator<float>(config, options.Seed), vocabulary, standardisation, data.Features);
        var fit = CreateFit(captioner, train, validation, options, reducer);
        if (writes) run.PrepareNew();
        // The cosine schedule's length is fixed at the start, so a resume with other budgets keeps the same schedule.
        var spec = new CaptionRunSpec
        {
            Training = options with { Optimization = options.Optimization.WithPlannedSchedule(options.Fit, fit.Loop.BatchesPerEpoch) },
            Data = data,
        };
        return new CaptionRun(spec, captioner, fit, run, callbacks, writes);
    }

    /// <summary>
    /// Continues the run in <paramref name="runDirectory"/> (or from the checkpoint file it names) exactly where its last
    /// checkpoint stopped. <paramref name="reload"/> gets the stored spec and must return the same images (same order)
    /// as the run started with; they are split again the same way. <paramref name="runControls"/>, when given, replaces
    /// the budgets and intervals; nothing else changes. With a <paramref name="reducer"/>, every rank of a data-parallel
    /// job resumes from the same checkpoint (nothing of the batches is per rank) and only rank 0 writes.
    /// </summary>
    public static CaptionRun Resume(string runDirectory, Func<CaptionRunSpec, IReadOnlyList<CaptionedImage>> reload, FitOptions? runControls = null,
        IEnumerable<FitCallback>? callbacks = null, IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        ArgumentNullException.ThrowIfNull(reload);
        string full = Path.GetFullPath(Directory.Exists(runDirectory) ? Path.Combine(runDirectory, RunDirectory.LastFile) : runDirectory);
        ModelFileContent content = ModelFile.Read(full);
        FitState state = FitState.FromJson(content.Training
            ?? throw new InvalidDataException($"'{full}' holds a model but no training state, so it cannot be resumed."), full);
        CaptionRunSpec spec = CaptionRunSpec.FromJsonNode(state.Run, full);
        if (runControls is not null) spec = spec with { Training = spec.Training with { Fit = runControls } };
        spec.Training.Validate();
        var captioner = CaptionFile.Load(full);
        var images = reload(spec) ?? throw new ArgumentException("reload returned no images.", nameof(reload));
        CaptionData.Check(images, captioner.FeatureSize, captioner.Regions, nameof(reload));
        var (train, validation) = CaptionData.Split(images, spec.Training.ValidationFraction, spec.Training.Seed);
        var fit = CreateFit(captioner, train, validation, spec.Training, reducer);
        ModelFile.LoadOptimizer(fit.Optimizer, content, full);
        var run = new RunDirectory(Path.GetDirectoryName(full)!);
        bool writes = reducer is not { Rank: not 0 };
        if (writes) run.PrepareResume(state.Step);
        var resumed = new CaptionRun(spec, captioner, fit, run, callbacks, writes);
        resumed.Loop.Restore(state, full);
        return resumed;
    }

    /// <summary>Trains until a budget, early stopping or cancellation; see <see cref="FitLoop.Run"/>.</summary>
    public FitOutcome Run(CancellationToken cancellation = default) => Loop.Run(cancellation);

    private sealed record Fit(FitLoop Loop, Optimizers.Optimizer<float> Optimizer, int TrainPairs, int ValidationPairs, int TrainImages,
        int ValidationImages, int Truncated);

    // F from the first image's pooled vector; R = grid length / F when attending (CaptionData.Check then checks every image).
    private static (int Features, int Regions) Sizes(IReadOnlyList<CaptionedImage> images, bool attends)
    {
        if (images.Count == 0) throw new ArgumentException("There are no captioned images.", nameof(images));
        var first = images[0] ?? throw new ArgumentException("Image 0 is null.", nameof(images));
        int f = first.Pooled?.Length ?? 0;
        if (f == 0) throw new ArgumentException($"image 1 ('{first.Name}') has an empty pooled vector.", nameof(images));
        if (!attends) return (f, 0);
        if (first.Grid is null || first.Grid.Length == 0 || first.Grid.Length % f != 0)
            throw new ArgumentException($"image 1 ('{first.Name}') has a grid of {first.Grid?.Length ?? 0} values, not a whole number of regions of {f} features; attention needs the grid.", nameof(images));
        return (f, first.Grid.Length / f);
    }

    private static Fit CreateFit(Captioner captioner, IReadOnlyList<CaptionedImage> train, IReadOnlyList<CaptionedImage> validation, CaptionOptions options,
        IGradientReducer? reducer)
    {
        var model = captioner.Model;
        bool attends = model.Config.Attends;
        var preparedTrain = CaptionData.Prepare(train, captioner.Standardisation, attends);
        var preparedValidation = CaptionData.Prepare(validation, captioner.Standardisation, attends);
        int pairs = preparedTrain.Sum(i => i.References.Count);
        var optimization = options.Optimization.WithPlannedSchedule(options.Fit, (pairs + options.BatchSize - 1) / options.BatchSize);
        var optimizer = optimization.CreateOptimizer(model.Parameters.Count);
        var engine = new StepEngine<float>(model.Parameters, optimizer, optimization.CreateSchedule(), optimization.TrainerOptions(), reducer);
        var batches = CaptionBatches.Create(model, engine, preparedTrain, captioner.Vocabulary, options.BatchSize, options.Seed, out _, out int truncated);
        var validationPairs = CaptionData.Examples(preparedValidation, captioner.Vocabulary, model.Config.MaxLength, out int truncatedValidation);
        IEvaluator? evaluator = preparedValidation.Count > 0 ? new CaptionValidation(model, captioner.Vocabulary, preparedValidation, validationPairs) : null;
        return new Fit(new FitLoop(model, engine, batches, options.Fit, evaluator), optimizer, pairs, validationPairs.Count,
            train.Count, validation.Count, truncated + truncatedValidation);
    }
}
