// LanguageModelTrainer: char-rnn's training loop for any tokenizer. The training stream is cut into B
// contiguous streams read in windows of T (ContiguousBatcher); each window is one Trainer.Train update and the
// hidden state is carried into the next window (reset at every epoch start). Every EvalEvery updates the model
// is evaluated on the whole validation stream (dropout off), last.safetensors is written, and best.safetensors
// when the validation loss improved; metrics go to metrics.jsonl and samples to samples.txt. Everything the
// loop depends on — weights, optimizer moments and step count, schedule position, both random generators,
// batcher position, carried state, best loss and patience — is saved in each checkpoint, so Resume continues
// bit for bit. A window whose loss or gradient is not finite is skipped (no update; the carried state is
// reset) and counted; MaxBadSteps of them in a row stop the run without writing, and a model with non-finite
// weights is never written over a checkpoint. No console I/O: callers follow the run through the events.
using System.Diagnostics;
using Recurrent.Data;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Randomness;
using Recurrent.Serialization;
using Recurrent.Training;

namespace Recurrent.LanguageModels;

/// <summary>The loss or gradient stayed NaN or infinite (or the weights became so); the model was not saved over the last good checkpoint.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);

/// <summary>Trains a <see cref="SequenceModel{T}"/> language model on a <see cref="LanguageDataset"/>, char-rnn style.</summary>
public sealed class LanguageModelTrainer
{
    private readonly LanguageDataset _data;
    private readonly TrainingDataSpec? _dataSpec;
    private readonly string _tokenizerJson;
    private readonly Optimizer<float> _optimizer;
    private readonly Trainer<float> _trainer;
    private readonly ContiguousBatcher _batcher;
    private readonly CarriedState _carried;
    private readonly Rng _rng;
    private readonly int[] _inputs;   // (T,B)
    private readonly int[] _targets;  // (T,B)
    private readonly bool _hasValidation;

    private long _step;
    private int _epoch;
    private double? _best, _patienceBest, _lastValidation;
    private long? _bestStep;
    private int _evaluationsWithoutImprovement;
    private long _lastEvaluationStep;
    private double _elapsedBefore;
    private long _tokensSeen;
    private long _skippedSteps;
    private int _badInARow;
    private long _attempts; // windows trained by this trainer object, skipped ones included (fault-injection hook)
    private Stopwatch _wall = new();

    private LanguageModelTrainer(LanguageModelOptions options, LanguageDataset data, RunDirectory run, TrainingDataSpec? dataSpec,
        SequenceModel<float> model, Optimizer<float> optimizer, long startStep, Rng rng)
    {
        Options = options;
        _data = data;
        RunDirectory = run;
        _dataSpec = dataSpec;
        Model = model;
        Tokenizer = data.Tokenizer;
        _tokenizerJson = data.Tokenizer.ToJson();
        _optimizer = optimizer;
        _trainer = new Trainer<float>(model, optimizer, options.CreateSchedule(), options.TrainerOptions());
        _trainer.RestoreStep(startStep);
        _batcher = new ContiguousBatcher(data.Train, options.BatchSize, options.SequenceLength);
        _carried = new CarriedState(model, options.BatchSize);
        _rng = rng;
        _inputs = new int[options.BatchSize * options.SequenceLength];
        _targets = new int[options.BatchSize * options.SequenceLength];
        _hasValidation = data.Validation.Length >= 2;
        _step = startStep;

    }

    /// <summary>The run's settings (for a new cosine run, with <see cref="LanguageModelOptions.ScheduleSteps"/> filled in).</summary>
    public LanguageModelOptions Options { get; }
    /// <summary>The model being trained.</summary>
    public SequenceModel<float> Model { get; }
    /// <summary>The tokenizer of the data (stored in every checkpoint).</summary>
    public Tokenizer Tokenizer { get; }
    /// <summary>Where checkpoints, metrics and samples go.</summary>
    public RunDirectory RunDirectory { get; }
    /// <summary>Updates done.</summary>
    public long Step => _step;
    /// <summary>Completed epochs.</summary>
    public int Epoch => _epoch;
    /// <summary>Completed epochs plus the fraction of the current one.</summary>
    public double FractionalEpoch => _epoch + (double)_batcher.Position / _batcher.WindowsPerEpoch;
    /// <summary>Updates per epoch.</summary>
    public long WindowsPerEpoch => _batcher.WindowsPerEpoch;
    /// <summary>True when validation data exists (at least 2 tokens).</summary>
    public bool HasValidation => _hasValidation;
    /// <summary>Lowest validation loss so far.</summary>
    public double? BestValidationLoss => _best;
    /// <summary>Wall-clock seconds of the run so far (resumes included).</summary>
    public double ElapsedSeconds => _elapsedBefore + _wall.Elapsed.TotalSeconds;
    /// <summary>The step at which the step or epoch budget ends the run, null when only a time budget is set.</summary>
    public long? PlannedSteps
    {
        get
        {
            long? bySteps = Options.Steps;
            long? byEpochs = Options.Epochs is int e ? e * _batcher.WindowsPerEpoch : null;
            return bySteps is long s && byEpochs is long b ? Math.Min(s, b) : bySteps ?? byEpochs;
        }
    }

    /// <summary>After every update.</summary>
    public event Action<StepReport>? StepCompleted;
    /// <summary>After every metrics line (also written to metrics.jsonl).</summary>
    public event Action<MetricsRecord>? Logged;
    /// <summary>After every evaluation.</summary>
    public event Action<EvaluationReport>? Evaluated;
    /// <summary>After every sample (also appended to samples.txt).</summary>
    public event Action<SampleReport>? Sampled;
    /// <summary>After every checkpoint written.</summary>
    public event Action<CheckpointReport>? CheckpointSaved;
    /// <summary>After every window skipped because its loss or gradient was not finite.</summary>
    public event Action<SkippedStepReport>? StepSkipped;

    /// <summary>Windows skipped so far (non-finite loss or gradient).</summary>
    public long SkippedSteps => _skippedSteps;

    /// <summary>
    /// Test hook (fault injection): called with the 1-based number of the window about to be trained by this
    /// trainer object (skipped windows included) and its gradient, after backward and before the finiteness check.
    /// </summary>
    internal Action<long, Span<float>>? GradientFault
    {
        set => _trainer.GradientHook = value is null ? null : g => value(_attempts, g);
    }

    /// <summary>
    /// Starts a new run in <paramref name="runDirectory"/> (created; it must not hold a run already). The model is
    /// initialised from the seed, or takes <paramref name="initialParameters"/> (fine-tuning: names and shapes must
    /// match the options' architecture). <paramref name="dataSpec"/> is stored so the run can be resumed from the
    /// command line. Throws ArgumentException for impossible options or data shorter than one window, IOException
    /// for an unusable run directory.
    /// </summary>
    public static LanguageModelTrainer Start(LanguageModelOptions options, LanguageDataset data, string runDirectory,
        TrainingDataSpec? dataSpec = null, IReadOnlyList<NamedTensor>? initialParameters = null, string? initialSource = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        options.Validate();
        CheckWindow(data.Train.Length, options);
        CheckPrime(options, data.Tokenizer);
        if (options.Schedule == LearningRateScheduleKind.Cosine && options.ScheduleSteps is null)
        {
            long windows = ContiguousBatcher.CountWindows(data.Train.Length, options.BatchSize, options.SequenceLength);
            long? byEpochs = options.Epochs is int e ? e * windows : null;
            long? planned = options.Steps is long s && byEpochs is long b ? Math.Min(s, b) : options.Steps ?? byEpochs;
            options = options with
            {
                ScheduleSteps = planned ?? throw new ArgumentException(
                    "ScheduleSteps is needed by the cosine schedule when only a time budget is set: give it, or a step or epoch budget.",
                    nameof(LanguageModelOptions.ScheduleSteps)),
            };
            options.Validate();
        }
        var run = new RunDirectory(runDirectory);
        var model = new SequenceModel<float>(options.ModelConfig(data.Tokenizer.VocabularySize), options.Seed);
        if (initialParameters is not null)
            ModelFile.LoadParameters(model, initialParameters, initialSource ?? "the initial model");
        run.PrepareNew();
        var rng = new Rng(unchecked(options.Seed * 0x9E3779B97F4A7C15UL + 0x7F4A7C15UL));
        return new LanguageModelTrainer(options, data, run, dataSpec?.Resolved(), model,
            options.CreateOptimizer(model.Parameters.Count), startStep: 0, rng);
    }

    /// <summary>
    /// Continues the run saved in <paramref name="checkpoint"/> (normally the run directory's last.safetensors)
    /// exactly where it stopped. <paramref name="data"/> must be the same corpus encoded with the checkpoint's
    /// tokenizer. <paramref name="runControls"/>, when given, replaces only the stopping and reporting settings
    /// (budgets, patience, evaluation, logging and sampling intervals); everything else comes from the checkpoint.
    /// </summary>
    public static LanguageModelTrainer Resume(LanguageModelFile checkpoint, LanguageDataset data, string runDirectory,
        LanguageModelOptions? runControls = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(data);
        TrainingState state = checkpoint.TrainingState
            ?? throw new InvalidDataException($"'{checkpoint.Path}' holds no training state, so it cannot be resumed.");
        LanguageModelOptions options = runControls is null ? state.Options : state.Options.WithRunControlsFrom(runControls);
        options.Validate();
        CheckPrime(options, data.Tokenizer);
        if (data.Tokenizer.ToJson() != checkpoint.Content.Tokenizer)
            throw new ArgumentException($"The data was not encoded with the tokenizer of '{checkpoint.Path}'; a resumed run must use it.", nameof(data));
        if (data.Train.Length != state.TrainTokens)
            throw new InvalidDataException($"The training data now has {data.Train.Length} tokens but the run in '{checkpoint.Path}' was trained on " +
                $"{state.TrainTokens}; an exact resume needs the same corpus. Start a new run (with --init-from to keep the weights) instead.");
        if (options.ModelConfig(data.Tokenizer.VocabularySize) != checkpoint.Model.Config)
            throw new InvalidDataException($"'{checkpoint.Path}': its model configuration does not match its training options.");
        CheckWindow(data.Train.Length, options); // before any buffer is sized by the checkpoint's batch and window

        var model = checkpoint.Model;
        model.DropoutRng.Restore(TrainingState.ToTuple(state.DropoutRng));
        var optimizer = options.CreateOptimizer(model.Parameters.Count);
        ModelFile.LoadOptimizer(optimizer, checkpoint.Content, checkpoint.Path);
        var run = new RunDirectory(runDirectory);
        run.EnsureWritable();
        run.RemoveInterruptedWrites();
        var trainer = new LanguageModelTrainer(options, data, run, state.Data, model, optimizer, state.Step,
            Rng.FromState(TrainingState.ToTuple(state.TrainerRng)))
        {
            _epoch = state.Epoch,
            _best = state.BestValidationLoss,
            _bestStep = state.BestValidationStep,
            _patienceBest = state.PatienceBestLoss,
            _evaluationsWithoutImprovement = state.EvaluationsWithoutImprovement,
            _lastEvaluationStep = state.LastEvaluationStep,
            _elapsedBefore = state.ElapsedSeconds,
            _tokensSeen = state.TokensSeen,
            _skippedSteps = state.SkippedSteps,
            _badInARow = state.BadStepsInARow,
        };
        trainer._batcher.Position = state.BatcherPosition;
        trainer._carried.Load(TrainingState.ToFloats(state.CarriedH), TrainingState.ToFloats(state.CarriedC), checkpoint.Path);
        trainer._carried.Restore(model);
        MetricsLog.TruncateAfter(run.Metrics, state.Step);
        run.TruncateSamplesAfter(state.Step);
        return trainer;
    }

    /// <summary>
    /// Trains until a budget is reached, early stopping triggers or <paramref name="cancellation"/> is signalled
    /// (checked between updates), then evaluates (unless it just did) and writes last.safetensors. A new run
    /// writes last.safetensors before its first update, so it can be resumed from any moment.
    /// Throws <see cref="TrainingDivergedException"/> after <see cref="LanguageModelOptions.MaxBadSteps"/> windows
    /// in a row with a non-finite loss or gradient (the last checkpoint is kept as it was).
    /// </summary>
    public TrainingOutcome Run(CancellationToken cancellation = default)
    {
        _wall = Stopwatch.StartNew();
        long startStep = _step;
        int b = Options.BatchSize, t = Options.SequenceLength;
        double lossSum = 0, trainSeconds = 0;
        int lossCount = 0;
        long tokensSinceLog = 0;
        double? lastTrainLoss = null;
        StepResult last = new(double.NaN, 0, double.NaN, double.NaN, 0);
        StopReason reason;
        if (!File.Exists(RunDirectory.Last)) SaveCheckpoint(RunDirectory.Last); // resumable from the first moment

        while (true)
        {
            StopReason? stop = StopCheck();
            if (stop is null && cancellation.IsCancellationRequested) stop = StopReason.Cancelled;
            if (stop is StopReason r) { reason = r; break; }

            long begin = Stopwatch.GetTimestamp();
            _batcher.Next(_inputs, _targets);
            _trainer.Epoch = _epoch;
            _attempts++;
            last = _trainer.Train(_inputs, _targets, t, b);
            if (last.Skipped)
            {
                // No update was made. The window is consumed (the data position moves on, as it would have) and the
                // carried state, which may hold the same non-finite values, starts again from zeros.
                _skippedSteps++;
                _badInARow++;
                Model.ResetState();
                if (_batcher.EpochComplete) NextEpoch();
                StepSkipped?.Invoke(new SkippedStepReport(_step, last.Loss, last.GradientNorm, _badInARow, _skippedSteps));
                if (_badInARow >= Options.MaxBadSteps)
                    throw new TrainingDivergedException(
                        $"Training stopped after {_badInARow} windows in a row with a non-finite loss or gradient (at update {_step + 1}: " +
                        $"loss {last.Loss}, gradient norm {last.GradientNorm}); {_skippedSteps} skipped in all. " +
                        $"The last checkpoint ('{RunDirectory.Last}') was kept as it was. Lower the learning rate, clip gradients harder " +
                        "(--clip), or allow more with --max-bad-steps; resume from the checkpoint with --resume.");
                continue;
            }
            _badInARow = 0;
            Model.CarryState();
            _step++;
            _tokensSeen += b * t;
            if (_batcher.EpochComplete) NextEpoch();
            trainSeconds += Stopwatch.GetElapsedTime(begin).TotalSeconds;
            tokensSinceLog += b * t;
            lossSum += last.Loss;
            lossCount++;
            StepCompleted?.Invoke(new StepReport(_step, FractionalEpoch, last.Loss, last.GradientNorm, last.LearningRate));

            bool evaluate = _hasValidation && Options.EvalEvery > 0 && _step % Options.EvalEvery == 0;
            double? validation = evaluate ? EvaluateAndTrack(final: false) : null;
            if (evaluate || _step % Options.LogEvery == 0)
            {
                lastTrainLoss = Log(lossSum, lossCount, validation, last, tokensSinceLog, trainSeconds);
                lossSum = 0; lossCount = 0; tokensSinceLog = 0; trainSeconds = 0;
            }
            if (Options.SampleEvery > 0 && _step % Options.SampleEvery == 0) Sample();
            // After the sample, so the checkpoint holds the generator state the next update starts from.
            if (evaluate || (Options.CheckpointEvery > 0 && _step % Options.CheckpointEvery == 0)) SaveCheckpoint(RunDirectory.Last);
        }

        if (_step > startStep || !File.Exists(RunDirectory.Last))
        {
            double? validation = _hasValidation && _lastEvaluationStep != _step ? EvaluateAndTrack(final: true) : null;
            if (lossCount > 0 || validation is not null)
                lastTrainLoss = Log(lossSum, lossCount, validation, last, tokensSinceLog, trainSeconds) ?? lastTrainLoss;
            SaveCheckpoint(RunDirectory.Last);
        }
        return new TrainingOutcome(reason, _step, FractionalEpoch, lastTrainLoss, _hasValidation ? _lastValidation : null,
            _best, _bestStep, ElapsedSeconds, _step - startStep, _skippedSteps);
    }

    /// <summary>Generates text from the current model without disturbing training (the carried state is kept).</summary>
    public string Sample(int length, double temperature, ulong seed, string? prime = null)
    {
        _carried.Capture(Model);
        try
        {
            return new TextGenerator(Model, Tokenizer).Generate(prime, length, TextGenerator.Options(temperature), seed);
        }
        finally
        {
            _carried.Restore(Model);
        }
    }

    /// <summary>The state a checkpoint written now would hold.</summary>
    public TrainingState CaptureState()
    {
        _carried.Capture(Model);
        return new TrainingState
        {
            Options = Options,
            Data = _dataSpec,
            TrainTokens = _data.Train.Length,
            Step = _step,
            Epoch = _epoch,
            BatcherPosition = _batcher.Position,
            CarriedH = TrainingState.ToBytes(_carried.H),
            CarriedC = TrainingState.ToBytes(_carried.C),
            DropoutRng = TrainingState.ToArray(Model.DropoutRng.State),
            TrainerRng = TrainingState.ToArray(_rng.State),
            BestValidationLoss = _best,
            BestValidationStep = _bestStep,
            PatienceBestLoss = _patienceBest,
            EvaluationsWithoutImprovement = _evaluationsWithoutImprovement,
            LastEvaluationStep = _lastEvaluationStep,
            ElapsedSeconds = ElapsedSeconds,
            TokensSeen = _tokensSeen,
            SkippedSteps = _skippedSteps,
            BadStepsInARow = _badInARow,
        };
    }

    private StopReason? StopCheck()
    {
        if (Options.Steps is long s && _step >= s) return StopReason.Steps;
        if (Options.Epochs is int e && _epoch >= e) return StopReason.Epochs;
        if (Options.Patience is int p && _evaluationsWithoutImprovement >= p) return StopReason.EarlyStopping;
        if (Options.TimeBudgetSeconds is double budget && ElapsedSeconds >= budget) return StopReason.Time;
        return null;
    }

    private double? Log(double lossSum, int lossCount, double? validation, StepResult last, long tokens, double trainSeconds)
    {
        double? trainLoss = lossCount > 0 ? lossSum / lossCount : null;
        var record = new MetricsRecord(_step, FractionalEpoch, trainLoss, validation, last.LearningRate, last.GradientNorm,
            trainSeconds > 0 ? tokens / trainSeconds : 0, ElapsedSeconds, _skippedSteps);
        MetricsLog.Append(RunDirectory.Metrics, record);
        Logged?.Invoke(record);
        return trainLoss;
    }

    private double EvaluateAndTrack(bool final)
    {
        _carried.Capture(Model);
        EvaluationResult result;
        try
        {
            result = LanguageModelEvaluator.Evaluate(Model, _data.Validation, Options.BatchSize, Options.SequenceLength);
        }
        finally
        {
            _carried.Restore(Model);
        }
        double loss = result.MeanLoss;
        _lastValidation = loss;
        _lastEvaluationStep = _step;
        bool improved = double.IsFinite(loss) && (_best is not double best || loss < best);
        if (improved)
        {
            _best = loss;
            _bestStep = _step;
        }
        if (!final)
        {
            if (double.IsFinite(loss) && (_patienceBest is not double pb || loss < pb))
            {
                _patienceBest = loss;
                _evaluationsWithoutImprovement = 0;
            }
            else
            {
                _evaluationsWithoutImprovement++;
            }
        }
        if (improved) SaveCheckpoint(RunDirectory.Best);
        Evaluated?.Invoke(new EvaluationReport(_step, loss, improved, final, _evaluationsWithoutImprovement));
        return loss;
    }

    private void Sample()
    {
        ulong seed = _rng.NextUInt64();
        string text = Sample(Options.SampleLength, Options.SampleTemperature, seed, Options.SamplePrime);
        File.AppendAllText(RunDirectory.Samples, $"---- step {_step} ----\n{text}\n", MetricsLog.Utf8);
        Sampled?.Invoke(new SampleReport(_step, text));
    }

    private void NextEpoch()
    {
        _epoch++;
        _batcher.Reset();
        Model.ResetState();
    }

    private void SaveCheckpoint(string path)
    {
        // Never replace a good checkpoint with a broken model: the weights and optimizer moments must be finite.
        if (!AllFinite(Model.Parameters.Values) || _optimizer.State.Any(s => !AllFinite(s.Value)))
            throw new TrainingDivergedException(
                $"The model's weights or optimizer moments are no longer finite at update {_step}; '{path}' was not written and keeps " +
                "the last good checkpoint. Lower the learning rate or clip gradients harder (--clip), then resume from it with --resume.");
        TrainingState state = CaptureState();
        ModelFile.Save(path, Model, _tokenizerJson, state.ToJson(), _optimizer);
        CheckpointSaved?.Invoke(new CheckpointReport(_step, path));
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) return false;
        return true;
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
