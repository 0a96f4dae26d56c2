// FitLoop: the one training loop of the library, for every kind of model. Each update takes the next batch from
// the batch source (which runs its model forward and backward and finishes with the shared StepEngine); the loop
// keeps the budgets (epochs, steps, wall-clock time), evaluates on held-out data (every N updates, or at every
// epoch end) and tracks the best monitored metric and the patience counter, logs a metrics line every LogEvery
// updates, says when a checkpoint is due, guards against divergence — a step whose loss or gradient is not finite,
// or whose loss is DivergenceFactor times the run's first, is skipped (no update), counted, and MaxBadSteps of
// them in a row stop the run — and stops cleanly on cancellation (checked between updates). Everything else is a
// FitCallback: files (metrics.jsonl, checkpoints, samples), best-weight restore, the progress display.
// Everything the loop depends on is in CaptureState, so Restore continues a run bit for bit.
// Data parallelism (a StepEngine with a Reducer): every decision the loop makes must be taken by every rank after
// the same update, or one rank waits forever in a sum the others never join. The loss, gradient norm and skip
// decision are already global (the engine reduced them), evaluations sum over ranks, and the stop decisions that can
// differ between ranks (the wall clock, a signal, a rank-local callback) are agreed: any rank's stop is every rank's.
// A batch source's checkpoint state may span the ranks (a language model's carried state): SaveState is then a
// collective call, so every rank makes it wherever a callback may write a checkpoint (train begin, evaluations,
// checkpoints), and CaptureState uses that.
// Averaged weights (an AveragingOptimizer in the step engine: EMA, Polyak, NT-ASGD) are handled here, once for every
// kind of model: each evaluation swaps the average in, evaluates, tells the callbacks (so best.safetensors and
// BestWeights hold what was evaluated) and swaps the raw weights back before training goes on (the last checkpoint
// thus holds the raw weights, and the average as an optimizer buffer); NT-ASGD's trigger is consulted at every
// periodic evaluation; and when Run returns the model holds the average (the final model is what was evaluated) —
// the next Run puts the raw weights back before its first update.
using System.Diagnostics;
using Recurrent.Models;

namespace Recurrent.Training;

/// <summary>Trains a model on a batch source with callbacks; see the file header.</summary>
public sealed class FitLoop
{
    private readonly List<FitCallback> _callbacks = [];
    private long _step;
    private int _epoch;
    private double? _best, _patienceBest, _referenceLoss;
    private long? _bestStep;
    private int _evaluationsWithoutImprovement, _badInARow;
    private long _lastEvaluationStep, _itemsSeen, _skippedSteps, _lastCheckpointStep = -1;
    private double _elapsedBefore;
    private Evaluation? _lastEvaluation;
    private long? _lastAveragedFrom;
    private StopReason? _requested;
    private Stopwatch _wall = new();
    private byte[]? _sharedSourceState; // the source's state made by every rank for this callback round (data parallelism)

    /// <summary>
    /// A loop that trains <paramref name="model"/> with <paramref name="engine"/> (which must update the model's
    /// parameters) on <paramref name="source"/>, evaluating with <paramref name="evaluator"/> when given.
    /// </summary>
    public FitLoop(ITrainableModel<float> model, StepEngine<float> engine, IBatchSource source, FitOptions options, IEvaluator? evaluator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!ReferenceEquals(engine.Parameters, model.Parameters))
            throw new ArgumentException("The step engine trains another model's parameters.", nameof(engine));
        if (source.BatchesPerEpoch <= 0) throw new ArgumentException("The batch source has no batches.", nameof(source));
        Model = model;
        Engine = engine;
        Source = source;
        Options = options;
        Evaluator = evaluator;
        Source.Seek(0, 0);
        _step = engine.Step;
    }

    /// <summary>The model being trained.</summary>
    public ITrainableModel<float> Model { get; }
    /// <summary>The update rule (optimizer, schedule, clipping).</summary>
    public StepEngine<float> Engine { get; }
    /// <summary>Where the batches come from.</summary>
    public IBatchSource Source { get; }
    /// <summary>Budgets, intervals, divergence guard.</summary>
    public FitOptions Options { get; }
    /// <summary>The held-out evaluation, or null.</summary>
    public IEvaluator? Evaluator { get; }
    /// <summary>The application's description of the run, stored in every checkpoint's state.</summary>
    public System.Text.Json.Nodes.JsonNode? RunDescription { get; set; }
    /// <summary>The callbacks, in the order they run.</summary>
    public IReadOnlyList<FitCallback> Callbacks => _callbacks;
    /// <summary>The engine's averaging optimizer when the run averages its weights, else null.</summary>
    public AveragingOptimizer? Averaging => Engine.Optimizer as AveragingOptimizer;

    /// <summary>Updates done.</summary>
    public long Step => _step;
    /// <summary>Completed epochs.</summary>
    public int Epoch => _epoch;
    /// <summary>Completed epochs plus the fraction of the current one.</summary>
    public double FractionalEpoch => _epoch + (double)Source.Position / Source.BatchesPerEpoch;
    /// <summary>Updates per epoch.</summary>
    public long BatchesPerEpoch => Source.BatchesPerEpoch;
    /// <summary>True when an evaluator is set.</summary>
    public bool HasValidation => Evaluator is not null;
    /// <summary>Best value of the monitored metric so far.</summary>
    public double? BestScore => _best;
    /// <summary>Its step.</summary>
    public long? BestStep => _bestStep;
    /// <summary>The last evaluation, or null.</summary>
    public Evaluation? LastEvaluation => _lastEvaluation;
    /// <summary>Steps skipped so far (non-finite or diverged).</summary>
    public long SkippedSteps => _skippedSteps;
    /// <summary>Wall-clock seconds of the run so far (resumes included).</summary>
    public double ElapsedSeconds => _elapsedBefore + _wall.Elapsed.TotalSeconds;
    /// <summary>The step at which the step or epoch budget ends the run, null when only a time budget is set.</summary>
    public long? PlannedSteps
    {
        get
        {
            long? bySteps = Options.Steps;
            long? byEpochs = Options.Epochs is int e ? e * Source.BatchesPerEpoch : null;
            return bySteps is long s && byEpochs is long b ? Math.Min(s, b) : bySteps ?? byEpochs;
        }
    }

    /// <summary>Adds a callback (they run in the order added); returns this loop.</summary>
    public FitLoop Add(FitCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _callbacks.Add(callback);
        return this;
    }

    /// <summary>Makes the loop stop after the current update and its callbacks, with <paramref name="reason"/>.</summary>
    public void RequestStop(StopReason reason) => _requested ??= reason;

    /// <summary>
    /// Trains until a budget is reached, early stopping triggers, a callback asks to stop or
    /// <paramref name="cancellation"/> is signalled (checked between updates); then evaluates (unless it just did),
    /// logs and makes the final checkpoint due. Throws <see cref="TrainingDivergedException"/> after
    /// <see cref="FitOptions.MaxBadSteps"/> skipped steps in a row.
    /// </summary>
    public FitOutcome Run(CancellationToken cancellation = default)
    {
        _wall = Stopwatch.StartNew();
        _requested = null;
        long startStep = _step;
        double lossSum = 0, trainSeconds = 0;
        int lossCount = 0;
        long itemsSinceLog = 0;
        double? lastTrainLoss = null;
        StepResult last = new(double.NaN, 0, double.NaN, double.NaN, 0);
        StopReason reason;
        Averaging?.SwapOut(Model.Parameters.Values); // the previous Run left the average in the model
        GradientReduction.CheckSameWeights(Engine.Reducer, Model.Parameters.Values, "at the start");
        SetLossLimit();
        WithSharedSourceState(() => { foreach (var c in _callbacks) c.OnTrainBegin(this); });

        while (true)
        {
            StopReason? stop = _requested ?? StopCheck();
            if (stop is null && cancellation.IsCancellationRequested) stop = StopReason.Cancelled;
            stop = AgreedStop(stop);
            if (stop is StopReason r) { reason = r; break; }

            long begin = Stopwatch.GetTimestamp();
            Engine.Epoch = _epoch;
            last = Source.TrainNext();
            if (last.Skipped)
            {
                // No update was made; the batch is consumed (the data position moves on, as it would have).
                _skippedSteps++;
                _badInARow++;
                Source.AfterStep(applied: false);
                if (Source.Position == Source.BatchesPerEpoch) NextEpoch();
                var skipped = new SkippedStepReport(_step, last.Loss, last.GradientNorm, _badInARow, _skippedSteps);
                foreach (var c in _callbacks) c.OnStepSkipped(this, skipped);
                if (_badInARow >= Options.MaxBadSteps)
                {
                    // The metrics log keeps the count of skipped steps (no checkpoint is written: the weights are suspect).
                    Log(lossSum, lossCount, null, last, itemsSinceLog, trainSeconds);
                    throw new TrainingDivergedException(
                        $"Training stopped after {_badInARow} steps in a row whose loss or gradient was not finite or had grown past " +
                        $"{LimitText()} (at update {_step + 1}: loss {last.Loss}, gradient norm {last.GradientNorm}); {_skippedSteps} skipped in all. " +
                        $"{KeptCheckpointText()} Lower the learning rate, clip gradients harder (--clip), " +
                        "or allow more with --max-bad-steps; resume from the checkpoint with --resume.");
                }
                continue;
            }
            _badInARow = 0;
            Source.AfterStep(applied: true);
            _step++;
            _itemsSeen += Source.ItemsPerBatch;
            if (_referenceLoss is null)
            {
                _referenceLoss = last.Loss;
                SetLossLimit();
            }
            bool epochEnd = Source.Position == Source.BatchesPerEpoch;
            if (epochEnd) NextEpoch();
            trainSeconds += Stopwatch.GetElapsedTime(begin).TotalSeconds;
            itemsSinceLog += Source.ItemsPerBatch;
            lossSum += last.Loss;
            lossCount++;
            var report = new StepReport(_step, FractionalEpoch, last.Loss, last.GradientNorm, last.LearningRate);
            foreach (var c in _callbacks) c.OnStepEnd(this, report);
            if (epochEnd)
                foreach (var c in _callbacks) c.OnEpochEnd(this, _epoch);

            bool periodic = Evaluator is not null && (Options.EvalEvery is int every ? every > 0 && _step % every == 0 : epochEnd);
            Evaluation? validation = periodic ? EvaluateAndTrack(final: false) : null;
            // When this update is the last (a budget, early stopping, a callback's request or cancellation), the final
            // evaluation, metrics line and checkpoint are made now, once, rather than after the loop.
            bool ending = GradientReduction.AnyRank(Engine.Reducer,
                _requested is not null || StopCheck() is not null || cancellation.IsCancellationRequested);
            if (ending && !periodic && Evaluator is not null) validation = EvaluateAndTrack(final: true);
            if (validation is not null || ending || _step % Options.LogEvery == 0)
            {
                lastTrainLoss = Log(lossSum, lossCount, validation, last, itemsSinceLog, trainSeconds);
                lossSum = 0; lossCount = 0; itemsSinceLog = 0; trainSeconds = 0;
            }
            if (validation is not null || ending || (Options.CheckpointEvery > 0 && _step % Options.CheckpointEvery == 0))
                Checkpoint();
        }

        if (_step > startStep)
        {
            // Stopped between updates by something that arrived after the last one was done (cancellation).
            Evaluation? validation = Evaluator is not null && _lastEvaluationStep != _step ? EvaluateAndTrack(final: true) : null;
            if (lossCount > 0 || validation is not null)
                lastTrainLoss = Log(lossSum, lossCount, validation, last, itemsSinceLog, trainSeconds) ?? lastTrainLoss;
            if (_lastCheckpointStep != _step) Checkpoint();
        }
        var outcome = new FitOutcome(reason, _step, FractionalEpoch, lastTrainLoss, _lastEvaluation, _best, _bestStep,
            ElapsedSeconds, _step - startStep, _skippedSteps);
        // The final model is the averaged one (what the evaluations saw); the raw weights wait for the next Run.
        Averaging?.SwapIn(Model.Parameters.Values);
        foreach (var c in _callbacks) c.OnTrainEnd(this, outcome);
        return outcome;
    }

    /// <summary>
    /// Runs <paramref name="action"/> with the weights evaluations use — the average when the run averages and has one,
    /// else the raw weights — and puts the raw weights back afterwards (no allocation).
    /// </summary>
    public TResult UsingEvaluatedWeights<TResult>(Func<TResult> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var averaging = Averaging;
        bool swapped = averaging?.SwapIn(Model.Parameters.Values) == true;
        try { return action(); }
        finally { if (swapped) averaging!.SwapOut(Model.Parameters.Values); }
    }

    /// <summary>
    /// The state a checkpoint written now would hold. In a data-parallel run, outside the loop's own checkpoint rounds,
    /// every rank must call it alike: the batch source's state may be gathered from all ranks.
    /// </summary>
    public FitState CaptureState()
    {
        var callbacks = new Dictionary<string, System.Text.Json.Nodes.JsonNode?>(StringComparer.Ordinal);
        foreach (var c in _callbacks)
            if (c.StateKey is string key) callbacks[key] = c.SaveState();
        var rng = Model.DropoutRng.State;
        return new FitState
        {
            Run = RunDescription?.DeepClone(),
            Step = _step,
            Epoch = _epoch,
            Position = Source.Position,
            SourceState = _sharedSourceState ?? Source.SaveState(),
            DropoutRng = [rng.Item1, rng.Item2, rng.Item3, rng.Item4],
            BestScore = _best,
            BestStep = _bestStep,
            PatienceBest = _patienceBest,
            EvaluationsWithoutImprovement = _evaluationsWithoutImprovement,
            LastEvaluationStep = _lastEvaluationStep,
            ElapsedSeconds = ElapsedSeconds,
            ItemsSeen = _itemsSeen,
            SkippedSteps = _skippedSteps,
            BadStepsInARow = _badInARow,
            ReferenceLoss = _referenceLoss,
            LearningRateFactor = Engine.LearningRateFactor,
            Averaging = Averaging?.SaveState(),
            Callbacks = callbacks,
        };
    }

    /// <summary>
    /// Continues from <paramref name="state"/> (the weights and optimizer moments are the caller's to load):
    /// counters, data position, source state, dropout generator and callback states. Add the callbacks first.
    /// </summary>
    public void Restore(FitState state, string source)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Position > Source.BatchesPerEpoch)
            throw new InvalidDataException($"'{source}': the training state is at batch {state.Position} of an epoch that has {Source.BatchesPerEpoch}; " +
                "it was written for other data or batch settings.");
        _step = state.Step;
        _epoch = state.Epoch;
        Engine.RestoreStep(state.Step);
        Source.Seek(state.Epoch, state.Position);
        Source.LoadState(state.SourceState, source);
        var d = state.DropoutRng;
        Model.DropoutRng.Restore((d[0], d[1], d[2], d[3]));
        _best = state.BestScore;
        _bestStep = state.BestStep;
        _patienceBest = state.PatienceBest;
        _evaluationsWithoutImprovement = state.EvaluationsWithoutImprovement;
        _lastEvaluationStep = state.LastEvaluationStep;
        _elapsedBefore = state.ElapsedSeconds;
        _itemsSeen = state.ItemsSeen;
        _skippedSteps = state.SkippedSteps;
        _badInARow = state.BadStepsInARow;
        _referenceLoss = state.ReferenceLoss;
        Engine.LearningRateFactor = state.LearningRateFactor;
        Averaging?.LoadState(state.Averaging);
        foreach (var c in _callbacks)
            if (c.StateKey is string key && state.Callbacks.TryGetValue(key, out var value)) c.LoadState(value, source);
    }

    /// <summary>
    /// Throws <see cref="TrainingDivergedException"/> when the weights or optimizer moments are not all finite, so a
    /// broken model is never written over a checkpoint (<paramref name="path"/> names the file kept as it was).
    /// </summary>
    public void EnsureFinite(string path)
    {
        if (!AllFinite(Model.Parameters.Values) || Engine.Optimizer.State.Any(s => !AllFinite(s.Value)))
            throw new TrainingDivergedException(
                $"The model's weights or optimizer moments are no longer finite at update {_step}; '{path}' was not written and keeps " +
                "the last good checkpoint. Lower the learning rate or clip gradients harder (--clip), then resume from it with --resume.");
    }

    private void Checkpoint()
    {
        GradientReduction.CheckSameWeights(Engine.Reducer, Model.Parameters.Values, $"at update {_step}");
        _lastCheckpointStep = _step;
        WithSharedSourceState(() => { foreach (var c in _callbacks) c.OnCheckpoint(this); });
    }

    private StopReason? StopCheck()
    {
        if (Options.Steps is long s && _step >= s) return StopReason.Steps;
        if (Options.Epochs is int e && _epoch >= e) return StopReason.Epochs;
        if (Options.Patience is int p && _evaluationsWithoutImprovement >= p) return StopReason.EarlyStopping;
        if (Options.TimeBudgetSeconds is double budget && ElapsedSeconds >= budget) return StopReason.Time;
        return null;
    }

    // Runs a round of callbacks that may capture the state (write a checkpoint) on some ranks only: with a reducer every
    // rank first makes the source's state, a collective call, and CaptureState uses it.
    private void WithSharedSourceState(Action callbacks)
    {
        if (Engine.Reducer is not { Size: > 1 }) { callbacks(); return; }
        _sharedSourceState = Source.SaveState();
        try { callbacks(); }
        finally { _sharedSourceState = null; }
    }

    // The stop reason every rank takes: the first, in the enum's order, that any rank has (one-hot sums); without a
    // reducer, this process's own.
    private StopReason? AgreedStop(StopReason? local)
    {
        var reducer = Engine.Reducer;
        if (reducer is null || reducer.Size == 1) return local;
        Span<double> votes = stackalloc double[StopReasons.Length];
        votes.Clear();
        if (local is StopReason l) votes[Array.IndexOf(StopReasons, l)] = 1;
        reducer.Sum(votes);
        for (int i = 0; i < votes.Length; i++)
            if (votes[i] > 0) return StopReasons[i];
        return null;
    }

    private static readonly StopReason[] StopReasons = Enum.GetValues<StopReason>();

    private void NextEpoch()
    {
        _epoch++;
        Source.Seek(_epoch, 0);
    }

    private string KeptCheckpointText() =>
        _callbacks.OfType<Callbacks.CheckpointWriter>().FirstOrDefault() is { } writer
            ? $"The last checkpoint ('{writer.Run.Last}') was kept as it was." : "Nothing was written.";

    private void SetLossLimit() =>
        Engine.LossLimit = Options.DivergenceFactor > 0 && _referenceLoss is double r && double.IsFinite(r)
            ? Options.DivergenceFactor * Math.Max(1, r) : double.PositiveInfinity;

    private string LimitText() => double.IsFinite(Engine.LossLimit)
        ? $"{Engine.LossLimit:G4} ({Options.DivergenceFactor:G4} × the first update's loss)" : "the divergence limit";

    private double? Log(double lossSum, int lossCount, Evaluation? validation, StepResult last, long items, double trainSeconds)
    {
        double? trainLoss = lossCount > 0 ? lossSum / lossCount : null;
        var others = validation?.Metrics.Where(m => m.Key != "val_loss").ToList();
        var record = new MetricsRecord(_step, FractionalEpoch, trainLoss, validation?.Loss, last.LearningRate, last.GradientNorm,
            trainSeconds > 0 ? items / trainSeconds : 0, ElapsedSeconds, _skippedSteps, others is { Count: > 0 } ? others : null,
            validation is not null ? _lastAveragedFrom : null);
        foreach (var c in _callbacks) c.OnLogged(this, record);
        return trainLoss;
    }

    private Evaluation EvaluateAndTrack(bool final)
    {
        // With averaging, the average is what is evaluated and what the callbacks see (the best checkpoint is written by
        // one); the raw weights are back before the next update (or the last checkpoint) whatever happens.
        var averaging = Averaging;
        bool swapped = averaging?.SwapIn(Model.Parameters.Values) == true;
        try
        {
            Evaluation e = Evaluator!.Evaluate();
            double score = e.Score;
            _lastEvaluation = e;
            _lastEvaluationStep = _step;
            _lastAveragedFrom = swapped ? averaging!.Start : null;
            bool improved = e.IsBetter(score, _best);
            if (improved)
            {
                _best = score;
                _bestStep = _step;
            }
            long? averagingStarts = null;
            if (!final)
            {
                if (e.IsBetter(score, _patienceBest))
                {
                    _patienceBest = score;
                    _evaluationsWithoutImprovement = 0;
                }
                else
                {
                    _evaluationsWithoutImprovement++;
                    // ReduceLROnPlateau: the factor is part of the checkpoint, and the count it keys on too, so a
                    // resumed run lowers the rate at the same evaluations.
                    if (Options.PlateauPatience is int plateau && _evaluationsWithoutImprovement % plateau == 0)
                        Engine.LearningRateFactor *= Options.PlateauFactor;
                }
                // NT-ASGD: periodic evaluations only, as for patience (the final one ends the run anyway).
                if (averaging is { Start: null, Trigger: { } trigger } && trigger.Observe(score, e.HigherIsBetter))
                {
                    averagingStarts = averaging.StepCount + 1;
                    averaging.StartAt(averagingStarts.Value);
                }
            }
            var report = new EvaluationReport(_step, e, improved, final, _evaluationsWithoutImprovement, _lastAveragedFrom, averagingStarts);
            WithSharedSourceState(() => { foreach (var c in _callbacks) c.OnEvaluated(this, report); });
            return e;
        }
        finally
        {
            if (swapped) averaging!.SwapOut(Model.Parameters.Values);
        }
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) return false;
        return true;
    }
}
