// SequenceTrainer: the high-level training loop of the library API for next-token models (language models
// over any token ids). It builds on the step engine (Training/Trainer: forward, loss, backward, clipping,
// update) and char-rnn's batching (Data/ContiguousBatcher: B contiguous streams read in windows of T, the
// hidden state carried from window to window and reset at each epoch start), as LanguageModelTrainer does, but
// writes no files: everything else — metrics, checkpoints, early stopping — is a TrainingCallback.
// Cancellation is checked before every update, so a cancelled Fit stops cleanly after the current one.
// Shapes: inputs and targets (T,B) token ids; the model's per-step logits (T,B,V).
using System.Diagnostics;
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Schedules;
using Recurrent.Training;

namespace Recurrent.Api;

/// <summary>
/// Trains a token model on next-token prediction with callbacks:
/// <code>
/// var trainer = new SequenceTrainer(model, new SequenceTrainerOptions { Epochs = 5 })
///     .Add(new MetricsCallback(onStep: m => Console.WriteLine($"{m.Step} {m.Loss:F3}")))
///     .Add(new EarlyStopping(validation, patience: 3));
/// FitResult result = trainer.Fit(train, cancellationToken);
/// </code>
/// </summary>
public sealed class SequenceTrainer
{
    private readonly List<TrainingCallback> _callbacks = [];
    private readonly TrainingContext _context;
    private readonly int[] _inputs, _targets;   // (T,B)
    private ContiguousBatcher? _batcher;
    private TokenStream? _batcherData;

    /// <summary>
    /// Wraps <paramref name="model"/>, which must read token ids (Embedding or OneHot) and predict the next token at
    /// every step (per-step head with as many outputs as inputs).
    /// </summary>
    public SequenceTrainer(SequenceModel<float> model, SequenceTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var c = model.Config;
        if (c.Input == InputKind.Dense || c.Head != HeadKind.PerStep || c.OutputSize != c.InputSize)
            throw new ArgumentException(
                $"SequenceTrainer trains next-token models: token input, per-step head and as many outputs as tokens; this model has " +
                $"{c.Input} input of {c.InputSize}, a {c.Head} head of {c.OutputSize}. Use Training.Trainer for other tasks.", nameof(model));
        Model = model;
        Options = options;
        Optimizer<float> optimizer = options.Optimizer?.Invoke(model.Parameters.Count) ?? new Adam<float>(model.Parameters.Count);
        Trainer = new Trainer<float>(model, optimizer, options.Schedule ?? new ConstantSchedule(options.LearningRate), options.Trainer);
        _inputs = new int[options.BatchSize * options.SequenceLength];
        _targets = new int[options.BatchSize * options.SequenceLength];
        _context = new TrainingContext(this);
    }

    /// <summary>The model being trained.</summary>
    public SequenceModel<float> Model { get; }
    /// <summary>The settings.</summary>
    public SequenceTrainerOptions Options { get; }
    /// <summary>The step engine (optimizer, schedule, clipping, penalties).</summary>
    public Trainer<float> Trainer { get; }
    /// <summary>Updates done over all Fit calls.</summary>
    public long Step { get; private set; }
    /// <summary>Completed epochs over all Fit calls.</summary>
    public int Epoch { get; private set; }
    /// <summary>The callbacks, in the order they run.</summary>
    public IReadOnlyList<TrainingCallback> Callbacks => _callbacks;

    /// <summary>Adds a callback (they run in the order added); returns this trainer for chaining.</summary>
    public SequenceTrainer Add(TrainingCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _callbacks.Add(callback);
        return this;
    }

    /// <summary>Trains on <paramref name="tokens"/>; see <see cref="Fit(TokenStream, CancellationToken)"/>.</summary>
    public FitResult Fit(int[] tokens, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return Fit(TokenStream.FromArray(tokens), cancellation);
    }

    /// <summary>
    /// Trains for <see cref="SequenceTrainerOptions.Epochs"/> epochs and/or <see cref="SequenceTrainerOptions.Steps"/>
    /// updates, until a callback asks to stop, or until <paramref name="cancellation"/> is signalled (checked before
    /// every update: the current update finishes, OnTrainEnd runs, and the result says <see cref="StopReason.Cancelled"/>).
    /// Throws ArgumentException when a token id is outside the vocabulary or the data is shorter than one window
    /// (B·(T+1) tokens), and <see cref="TrainingDivergedException"/> when the loss stops being finite.
    /// </summary>
    public FitResult Fit(TokenStream tokens, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        CheckTokens(tokens);
        if (!ReferenceEquals(tokens, _batcherData))
        {
            _batcher = new ContiguousBatcher(tokens, Options.BatchSize, Options.SequenceLength);
            _batcherData = tokens;
        }
        var batcher = _batcher!;
        batcher.Reset();
        Model.ResetState();
        _context.ClearStop();
        var wall = Stopwatch.StartNew();
        long startStep = Step;
        int startEpoch = Epoch;
        int tokensPerWindow = Options.BatchSize * Options.SequenceLength;
        double epochLoss = 0;
        int epochUpdates = 0;
        double? lastLoss = null;
        StopReason reason;

        foreach (var callback in _callbacks) callback.OnTrainBegin(_context);
        while (true)
        {
            if (Options.Steps is long s && Step - startStep >= s) { reason = StopReason.Steps; break; }
            if (Options.Epochs is int e && Epoch - startEpoch >= e) { reason = StopReason.Epochs; break; }
            if (_context.StopRequested) { reason = _context.RequestedReason ?? StopReason.EarlyStopping; break; }
            if (cancellation.IsCancellationRequested) { reason = StopReason.Cancelled; break; }

            long begin = Stopwatch.GetTimestamp();
            batcher.Next(_inputs, _targets);
            Trainer.Epoch = Epoch;
            StepResult r = Trainer.Train(_inputs, _targets, Options.SequenceLength, Options.BatchSize);
            if (!double.IsFinite(r.Loss) || !double.IsFinite(r.GradientNorm))
                throw new TrainingDivergedException(
                    $"Training diverged at step {Step + 1}: the loss is {r.Loss} and the gradient norm {r.GradientNorm}. " +
                    "Lower the learning rate or clip gradients harder.");
            Model.CarryState();
            Step++;
            lastLoss = r.Loss;
            epochLoss += r.Loss;
            epochUpdates++;
            bool epochDone = batcher.EpochComplete;
            if (epochDone)
            {
                Epoch++;
                batcher.Reset();
                Model.ResetState();
            }
            double seconds = Stopwatch.GetElapsedTime(begin).TotalSeconds;
            double fractional = Epoch + (double)batcher.Position / batcher.WindowsPerEpoch;
            var metrics = new StepMetrics(Step, fractional, r.Loss, r.GradientNorm, r.LearningRate, seconds > 0 ? tokensPerWindow / seconds : 0);
            foreach (var callback in _callbacks) callback.OnStepEnd(_context, metrics);
            if (epochDone)
            {
                var epoch = new EpochMetrics(Epoch, Step, epochLoss / epochUpdates);
                epochLoss = 0;
                epochUpdates = 0;
                foreach (var callback in _callbacks) callback.OnEpochEnd(_context, epoch);
            }
        }
        double epochNow = Epoch + (double)batcher.Position / batcher.WindowsPerEpoch;
        var result = new FitResult(reason, Step, epochNow, lastLoss, Step - startStep, wall.Elapsed.TotalSeconds);
        foreach (var callback in _callbacks) callback.OnTrainEnd(_context, result);
        return result;
    }

    /// <summary>Mean next-token cross-entropy on <paramref name="tokens"/> (dropout off); the carried training state is kept.</summary>
    public double Evaluate(TokenStream tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        CheckTokens(tokens);
        var carried = new CarriedState(Model, Options.BatchSize);
        carried.Capture(Model);
        try
        {
            return LanguageModelEvaluator.Evaluate(Model, tokens, Options.BatchSize, Options.SequenceLength).MeanLoss;
        }
        finally
        {
            carried.Restore(Model);
        }
    }

    private void CheckTokens(TokenStream tokens)
    {
        int vocabulary = Model.Config.InputSize;
        for (long i = 0; i < tokens.Length; i++)
        {
            int id = tokens[i];
            if ((uint)id >= (uint)vocabulary)
                throw new ArgumentException($"Token {id} at position {i} is outside the model's vocabulary [0, {vocabulary}).", nameof(tokens));
        }
    }
}
