// SequenceTrainer: the library API's trainer for next-token models (language models over any token ids). Each Fit
// call runs the fit loop (Training/FitLoop) on char-rnn's batches (B contiguous streams read in windows of T, the
// hidden state carried from window to window and reset at each epoch start) with the trainer's optimizer, which
// persists across calls; with validation tokens it evaluates, stops early and restores the best weights. It writes
// no files: metrics, checkpoints, progress are FitCallbacks added with Add.
// Shapes: inputs and targets (T,B) token ids; the model's per-step logits (T,B,V).
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Schedules;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Api;

/// <summary>
/// Trains a token model on next-token prediction with callbacks:
/// <code>
/// var trainer = new SequenceTrainer(model, new SequenceTrainerOptions { Epochs = 5, Patience = 3 })
///     .Add(new LambdaCallback { StepEnd = s => Console.WriteLine($"{s.Step} {s.Loss:F3}") });
/// FitOutcome result = trainer.Fit(train, validation, cancellationToken);
/// </code>
/// </summary>
public sealed class SequenceTrainer
{
    private readonly List<FitCallback> _callbacks = [];

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
                $"{c.Input} input of {c.InputSize}, a {c.Head} head of {c.OutputSize}. Use Training.FitLoop with a batch source for other models.", nameof(model));
        Model = model;
        Options = options;
        Optimizer<float> optimizer = options.Optimizer?.Invoke(model.Parameters.Count) ?? new Adam<float>(model.Parameters.Count);
        Engine = new StepEngine<float>(model.Parameters, optimizer, options.Schedule ?? new ConstantSchedule(options.LearningRate), options.Trainer);
    }

    /// <summary>The model being trained.</summary>
    public SequenceModel<float> Model { get; }
    /// <summary>The settings.</summary>
    public SequenceTrainerOptions Options { get; }
    /// <summary>The update rule (optimizer, schedule, clipping, penalties), kept across Fit calls.</summary>
    public StepEngine<float> Engine { get; }
    /// <summary>Updates done over all Fit calls.</summary>
    public long Step => Engine.Step;
    /// <summary>The callbacks, in the order they run.</summary>
    public IReadOnlyList<FitCallback> Callbacks => _callbacks;

    /// <summary>Adds a callback (they run in the order added); returns this trainer for chaining.</summary>
    public SequenceTrainer Add(FitCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _callbacks.Add(callback);
        return this;
    }

    /// <summary>Trains on <paramref name="tokens"/>; see <see cref="Fit(TokenStream, TokenStream?, CancellationToken)"/>.</summary>
    public FitOutcome Fit(int[] tokens, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return Fit(TokenStream.FromArray(tokens), null, cancellation);
    }

    /// <summary>
    /// Trains for <see cref="SequenceTrainerOptions.Epochs"/> epochs and/or <see cref="SequenceTrainerOptions.Steps"/>
    /// updates, until early stopping on <paramref name="validation"/> (when given), a callback's request, or
    /// <paramref name="cancellation"/> (checked before every update). Throws ArgumentException when a token id is
    /// outside the vocabulary or the data is shorter than one window (B·(T+1) tokens), and
    /// <see cref="TrainingDivergedException"/> after MaxBadSteps non-finite or diverged steps in a row.
    /// </summary>
    public FitOutcome Fit(TokenStream tokens, TokenStream? validation = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        CheckTokens(tokens);
        if (validation is not null)
        {
            CheckTokens(validation);
            if (validation.Length < 2) throw new ArgumentException($"The validation data needs at least 2 tokens, got {validation.Length}.", nameof(validation));
        }
        var batches = new LanguageModelBatches(Model, Engine, tokens, Options.BatchSize, Options.SequenceLength);
        IEvaluator? evaluator = validation is null ? null
            : new LanguageModelValidation(Model, validation, Options.BatchSize, Options.SequenceLength, batches.Carried);
        var loop = new FitLoop(Model, Engine, batches, Options.FitOptions(Engine.Step), evaluator);
        foreach (var callback in _callbacks) loop.Add(callback);
        if (evaluator is not null && Options.RestoreBestWeights) loop.Add(new BestWeights());
        return loop.Run(cancellation);
    }

    /// <summary>Mean next-token cross-entropy on <paramref name="tokens"/> (dropout off, from the zero state).</summary>
    public double Evaluate(TokenStream tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        CheckTokens(tokens);
        return LanguageModelEvaluator.Evaluate(Model, tokens, Options.BatchSize, Options.SequenceLength).MeanLoss;
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
