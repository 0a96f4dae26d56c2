// LanguageModelRun: one language-model training run, assembled on the fit loop — the model, optimizer and
// schedule its options describe, char-rnn's contiguous batches (LanguageModelBatches), validation loss on the
// held-out stream (LanguageModelValidation) and the callbacks that write the run directory: metrics.jsonl,
// last/best checkpoints holding the whole fit state, and samples.txt (TextSampler). Start begins a run in a new
// directory; Resume continues one from its last checkpoint bit for bit. The loop itself is FitLoop's.
// Data parallelism (Start with a reducer): the engine sums the ranks' gradients, the batches and the validation are
// split by rank, and only rank 0 has a run directory, files and samples; the other ranks only train.
using Recurrent.Data;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Serialization;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.LanguageModels;

/// <summary>A language-model run: its fit loop, files and sampler.</summary>
public sealed class LanguageModelRun
{
    private readonly LanguageModelBatches _batches;
    private readonly string _tokenizerJson;

    private LanguageModelRun(LanguageModelOptions options, LanguageDataset data, RunDirectory run, TrainingDataSpec? dataSpec,
        SequenceModel<float> model, Optimizer<float> optimizer, IGradientReducer? reducer = null)
    {
        Options = options;
        Model = model;
        Tokenizer = data.Tokenizer;
        RunDirectory = run;
        _tokenizerJson = data.Tokenizer.ToJson();
        var engine = new StepEngine<float>(model.Parameters, optimizer, options.CreateSchedule(), options.TrainerOptions(), reducer);
        _batches = new LanguageModelBatches(model, engine, data.Train, options.BatchSize, options.SequenceLength);
        IEvaluator? validation = data.Validation.Length >= 2
            ? new LanguageModelValidation(model, data.Validation, options.BatchSize, options.SequenceLength, _batches.Carried, reducer) : null;
        var spec = new LanguageModelRunSpec { Options = options, Data = dataSpec, TrainTokens = data.Train.Length };
        Loop = new FitLoop(model, engine, _batches, options.Fit, validation);
        if (reducer is { Rank: not 0 }) return; // rank 0 alone writes the run directory and samples
        Checkpoints = RunFiles.Attach(Loop, run, spec.ToJsonNode(), (path, state) =>
            ModelFile.Save(path, model, _tokenizerJson, state.ToJson(), optimizer));
        // Samples during training come from the weights evaluations use: the average when the run averages its weights.
        Sampler = new TextSampler(seed => Loop.UsingEvaluatedWeights(() => Sample(options.SampleLength, options.SampleTemperature, seed, options.SamplePrime)),
            options.SampleEvery, run.Samples, unchecked(options.Seed * 0x9E3779B97F4A7C15UL + 0x7F4A7C15UL));
        Loop.Add(Sampler);
    }

    /// <summary>The run's settings (for a new cosine run, with <see cref="OptimizationOptions.ScheduleSteps"/> filled in).</summary>
    public LanguageModelOptions Options { get; }
    /// <summary>The model being trained.</summary>
    public SequenceModel<float> Model { get; }
    /// <summary>The tokenizer of the data (stored in every checkpoint).</summary>
    public Tokenizer Tokenizer { get; }
    /// <summary>Where checkpoints, metrics and samples go.</summary>
    public RunDirectory RunDirectory { get; }
    /// <summary>The training loop; add callbacks to follow the run.</summary>
    public FitLoop Loop { get; }
    /// <summary>The checkpoint writer (its Saved event reports each file written); null on a data-parallel rank other than 0.</summary>
    public CheckpointWriter? Checkpoints { get; }
    /// <summary>The sampler (its Sampled event reports each sample); null on a data-parallel rank other than 0.</summary>
    public TextSampler? Sampler { get; }

    /// <summary>
    /// Test hook (fault injection): called with the 1-based number of the window about to be trained by this run
    /// object (skipped windows included) and its gradient, after backward and before the finiteness check.
    /// </summary>
    internal Action<long, Span<float>>? GradientFault
    {
        set => Loop.Engine.GradientHook = value is null ? null : g => value(_batches.Attempts, g);
    }

    /// <summary>
    /// Starts a new run in <paramref name="runDirectory"/> (created; it must not hold a run already). The model is
    /// initialised from the seed, or takes <paramref name="initialParameters"/> (fine-tuning: names and shapes must
    /// match the options' architecture). <paramref name="dataSpec"/> is stored so the run can be resumed from the
    /// command line. Throws ArgumentException for impossible options or data shorter than one window, IOException
    /// for an unusable run directory.
    /// With a <paramref name="reducer"/>, this process is one rank of a data-parallel job (docs/distributed.md): every
    /// rank calls Start with the same arguments; the global batch of BatchSize streams is split over the ranks (it must
    /// be a multiple of their number), and rank 0 alone writes <paramref name="runDirectory"/>. Every dropout works:
    /// each rank's masks are its streams' rows of the masks one process draws (DropoutShare).
    /// </summary>
    public static LanguageModelRun Start(LanguageModelOptions options, LanguageDataset data, string runDirectory,
        TrainingDataSpec? dataSpec = null, IReadOnlyList<NamedTensor>? initialParameters = null, string? initialSource = null,
        IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        options.Validate();
        CheckDistributed(options, reducer);
        CheckWindow(data.Train.Length, options);
        CheckPrime(options, data.Tokenizer);
        // The cosine schedule's length is fixed at the start (the step budget, or epochs × windows), so a resume with
        // other budgets keeps the same schedule.
        long windows = ContiguousBatcher.CountWindows(data.Train.Length, options.BatchSize, options.SequenceLength);
        options = options with { Optimization = options.Optimization.WithPlannedSchedule(options.Fit, windows) };
        var run = new RunDirectory(runDirectory);
        ModelConfig config = options.ModelConfig(data.Tokenizer.VocabularySize);
        // A model that cannot fit in memory (parameters, gradients, optimizer moments, activations of B×T) is refused
        // with the figures before anything is allocated.
        ModelMemory.Check(config, options.BatchSize, options.SequenceLength, options.Optimization.OptimizerBuffers);
        var model = new SequenceModel<float>(config, options.Seed);
        if (initialParameters is not null)
            ModelFile.LoadParameters(model, initialParameters, initialSource ?? "the initial model");
        if (reducer is not { Rank: not 0 }) run.PrepareNew();
        return new LanguageModelRun(options, data, run, dataSpec?.Resolved(), model, options.CreateOptimizer(model.Parameters.Count), reducer);
    }

    /// <summary>
    /// Continues the run saved in <paramref name="checkpoint"/> (normally the run directory's last.safetensors)
    /// exactly where it stopped. <paramref name="data"/> must be the same corpus encoded with the checkpoint's
    /// tokenizer. <paramref name="runControls"/>, when given, replaces only the stopping and reporting settings
    /// (budgets, patience, evaluation, logging and sampling intervals); everything else comes from the checkpoint.
    /// With a <paramref name="reducer"/>, every rank of a data-parallel job resumes from the same checkpoint and takes its
    /// share of the carried state (the checkpoint holds all of it, whether one process or several wrote it); rank 0
    /// alone writes.
    /// </summary>
    public static LanguageModelRun Resume(LanguageModelFile checkpoint, LanguageDataset data, string runDirectory,
        LanguageModelOptions? runControls = null, IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(data);
        FitState state = checkpoint.TrainingState
            ?? throw new InvalidDataException($"'{checkpoint.Path}' holds no training state, so it cannot be resumed.");
        LanguageModelRunSpec spec = checkpoint.RunSpec!;
        LanguageModelOptions options = runControls is null ? spec.Options : spec.Options.WithRunControlsFrom(runControls);
        options.Validate();
        CheckDistributed(options, reducer);
        CheckPrime(options, data.Tokenizer);
        if (data.Tokenizer.ToJson() != checkpoint.Content.Tokenizer)
            throw new ArgumentException($"The data was not encoded with the tokenizer of '{checkpoint.Path}'; a resumed run must use it.", nameof(data));
        if (data.Train.Length != spec.TrainTokens)
            throw new InvalidDataException($"The training data now has {data.Train.Length} tokens but the run in '{checkpoint.Path}' was trained on " +
                $"{spec.TrainTokens}; an exact resume needs the same corpus. Start a new run (with --init-from to keep the weights) instead.");
        if (options.ModelConfig(data.Tokenizer.VocabularySize) != checkpoint.Model.Config)
            throw new InvalidDataException($"'{checkpoint.Path}': its model configuration does not match its training options.");
        CheckWindow(data.Train.Length, options); // before any buffer is sized by the checkpoint's batch and window

        var model = checkpoint.Model;
        var optimizer = options.CreateOptimizer(model.Parameters.Count);
        ModelFile.LoadOptimizer(optimizer, checkpoint.Content, checkpoint.Path);
        var run = new RunDirectory(runDirectory);
        if (reducer is not { Rank: not 0 }) run.PrepareResume(state.Step);
        var resumed = new LanguageModelRun(options, data, run, spec.Data, model, optimizer, reducer);
        resumed.Loop.Restore(state, checkpoint.Path);
        return resumed;
    }

    /// <summary>Trains until a budget, early stopping or cancellation; see <see cref="FitLoop.Run"/>.</summary>
    public FitOutcome Run(CancellationToken cancellation = default) => Loop.Run(cancellation);

    /// <summary>Generates text from the current model without disturbing training (the carried state is kept).</summary>
    public string Sample(int length, double temperature, ulong seed, string? prime = null)
    {
        _batches.Carried.Capture(Model);
        try
        {
            return new TextGenerator(Model, Tokenizer).Generate(prime, length, TextGenerator.Options(temperature), seed);
        }
        finally
        {
            _batches.Carried.Restore(Model);
        }
    }

    private static void CheckPrime(LanguageModelOptions options, Tokenizer tokenizer)
    {
        if (string.IsNullOrEmpty(options.SamplePrime)) return;
        try { tokenizer.Encode(options.SamplePrime); }
        catch (UnknownTokenException e)
        {
            throw new ArgumentException($"SamplePrime has characters outside the vocabulary: {e.Message.Replace($" (Parameter '{e.ParamName}')", "")}",
                nameof(LanguageModelOptions.SamplePrime), e);
        }
    }

    private static void CheckDistributed(LanguageModelOptions options, IGradientReducer? reducer)
    {
        if (reducer is null || reducer.Size == 1) return;
        int n = reducer.Size;
        if (options.BatchSize % n != 0)
            throw new ArgumentException($"BatchSize {options.BatchSize} cannot be split evenly over {n} processes (each trains on an equal share of the streams); " +
                $"use a multiple of {n}.", nameof(LanguageModelOptions.BatchSize));
    }

    private static void CheckWindow(long tokens, LanguageModelOptions options)
    {
        if (ContiguousBatcher.CountWindows(tokens, options.BatchSize, options.SequenceLength) == 0)
        {
            long needed = (long)options.BatchSize * (options.SequenceLength + 1);
            throw new ArgumentException(
                $"The training data has {tokens} tokens, fewer than one window needs: batch size {options.BatchSize} × " +
                $"(sequence length {options.SequenceLength} + 1) = {needed}. Use a smaller batch size or sequence length, or more data.",
                nameof(options.BatchSize));
        }
    }
}
