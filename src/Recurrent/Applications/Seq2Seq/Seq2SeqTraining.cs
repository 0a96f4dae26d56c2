// Seq2SeqTraining: the encoder–decoder on the fit loop, in memory. CreateModel derives the vocabulary (every
// character of the pairs) and the configuration (source length, longest output) from the data and the options;
// CreateFit assembles the optimizer, schedule and step engine the options describe, the seeded batches
// (Seq2SeqBatches) and, with validation pairs, the evaluator (Seq2SeqValidation: val_loss, val_sequence_accuracy,
// val_token_accuracy, the last monitored); Train runs it with best-weight restore and the caller's callbacks (a
// StopAtTarget ends it at a pass bar). Seq2SeqRun does the same into a run directory. The loop is FitLoop's.
using Recurrent.Supervised;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Seq2Seq;

/// <summary>Outcome of <see cref="Seq2SeqTraining.Train"/>.</summary>
/// <param name="Model">The model, with the parameters of its best evaluation (its last ones without validation pairs).</param>
/// <param name="Vocabulary">The vocabulary.</param>
/// <param name="Outcome">How the run ended (steps, why it stopped, the last evaluation, the best score).</param>
/// <param name="Validation">Greedy-decoding metrics of the returned model on the validation pairs; null without them.</param>
public sealed record Seq2SeqTrainingResult(Seq2SeqModel<float> Model, Seq2SeqVocabulary Vocabulary, FitOutcome Outcome, Seq2SeqMetrics? Validation);

/// <summary>Builds and trains encoder–decoder models on the fit loop.</summary>
public static class Seq2SeqTraining
{
    /// <summary>The name of the monitored metric: greedy-decoding per-token accuracy on the validation pairs.</summary>
    public const string MonitoredMetric = Seq2SeqValidation.Monitor;

    /// <summary>
    /// A new model for <paramref name="train"/> and <paramref name="validation"/>: the vocabulary of all their
    /// characters, the source length and longest output of the options (or from the data), initialised from the seed.
    /// </summary>
    public static (Seq2SeqModel<float> Model, Seq2SeqVocabulary Vocabulary) CreateModel(IReadOnlyList<Seq2SeqPair> train,
        IReadOnlyList<Seq2SeqPair> validation, Seq2SeqTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (train.Count == 0) throw new ArgumentException("There are no training pairs.", nameof(train));
        var all = train.Concat(validation).ToList();
        var vocabulary = Seq2SeqVocabulary.FromTexts(all.SelectMany(p => new[] { p.Source, p.Target }));
        int longestSource = all.Max(p => p.Source.EnumerateRunes().Count());
        int longestTarget = all.Max(p => p.Target.EnumerateRunes().Count());
        var m = options.Model;
        var config = new Seq2SeqConfig
        {
            Vocabulary = vocabulary.Size, EmbeddingSize = m.EmbeddingSize, Cell = m.Cell, HiddenSize = m.HiddenSize, Layers = m.Layers,
            Attention = m.Attention, BidirectionalEncoder = m.BidirectionalEncoder,
            SourceLength = options.SourceLength > 0 ? options.SourceLength : Math.Max(1, longestSource),
            ReverseSource = options.ReverseSource,
            MaxTargetLength = options.MaxTargetLength > 0 ? options.MaxTargetLength : longestTarget + (longestTarget + 3) / 4,
        };
        return (new Seq2SeqModel<float>(config, options.Seed), vocabulary);
    }

    /// <summary>
    /// A fit loop (no callbacks yet) that trains <paramref name="model"/> on <paramref name="train"/> as
    /// <paramref name="options"/> say, evaluating on <paramref name="validation"/> when it is not empty. Throws
    /// ArgumentException for impossible options or a pair the model cannot read (naming it). With a
    /// <paramref name="reducer"/> this process is one rank of a data-parallel job: it trains its share of each batch
    /// (Seq2SeqBatches) and evaluates the whole validation set, as every rank does.
    /// </summary>
    public static SupervisedFit CreateFit(Seq2SeqModel<float> model, Seq2SeqVocabulary vocabulary, IReadOnlyList<Seq2SeqPair> train,
        IReadOnlyList<Seq2SeqPair> validation, Seq2SeqTrainingOptions options, IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Optimization.TrainerOptions().HasActivationPenalty)
            throw new ArgumentException("AR/TAR (ActivationRegularization, TemporalActivationRegularization) apply to SequenceModel training only, not to seq2seq.", nameof(options));
        CheckReadable(model.Config, vocabulary, validation, "validation", nameof(validation));
        var optimization = options.Optimization.WithPlannedSchedule(options.Fit, (train.Count + options.BatchSize - 1) / options.BatchSize);
        var optimizer = optimization.CreateOptimizer(model.Parameters.Count);
        var engine = new StepEngine<float>(model.Parameters, optimizer, optimization.CreateSchedule(), optimization.TrainerOptions(), reducer);
        var batches = new Seq2SeqBatches(model, engine, vocabulary, train, options.BatchSize, options.Seed);
        IEvaluator? evaluator = validation.Count > 0 ? new Seq2SeqValidation(model, vocabulary, validation) : null;
        return new SupervisedFit(new FitLoop(model, engine, batches, options.Fit, evaluator), optimizer, train.Count, validation.Count);
    }

    /// <summary>
    /// Builds a model for the pairs and trains it in memory (no files): <paramref name="validation"/> (may be empty)
    /// is evaluated by greedy decoding, drives early stopping, and the parameters of the best evaluation are put back
    /// at the end. <paramref name="callbacks"/> follow or stop the run (a LambdaCallback, a StopAtTarget, ...).
    /// </summary>
    public static Seq2SeqTrainingResult Train(IReadOnlyList<Seq2SeqPair> train, IReadOnlyList<Seq2SeqPair> validation,
        Seq2SeqTrainingOptions options, IEnumerable<FitCallback>? callbacks = null, CancellationToken cancellation = default)
    {
        var (model, vocabulary) = CreateModel(train, validation, options);
        var fit = CreateFit(model, vocabulary, train, validation, options);
        var evaluator = fit.Loop.Evaluator as Seq2SeqValidation;
        Seq2SeqMetrics? best = null;
        // The metrics of each improving evaluation are those of the weights BestWeights keeps and puts back.
        fit.Loop.Add(new LambdaCallback { Evaluated = e => { if (e.Improved) best = evaluator!.Last; } });
        foreach (var callback in callbacks ?? []) fit.Loop.Add(callback);
        fit.Loop.Add(new BestWeights());
        FitOutcome outcome = fit.Loop.Run(cancellation);
        return new Seq2SeqTrainingResult(model, vocabulary, outcome, best);
    }

    /// <summary>Throws ArgumentException (ParamName <paramref name="parameter"/>) naming the first pair the model cannot read.</summary>
    internal static void CheckReadable(Seq2SeqConfig config, Seq2SeqVocabulary vocabulary, IReadOnlyList<Seq2SeqPair> pairs, string what, string parameter)
    {
        for (int i = 0; i < pairs.Count; i++)
        {
            try
            {
                Seq2SeqData.EncodeSource(vocabulary, config, pairs[i].Source);
                vocabulary.Encode(pairs[i].Target);
            }
            catch (ArgumentException e)
            {
                string message = e.Message;
                int suffix = message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
                if (suffix >= 0) message = message[..suffix];
                throw new ArgumentException($"{what} pair {i + 1} (\"{pairs[i].Source}\" → \"{pairs[i].Target}\"): {message}", parameter, e);
            }
        }
    }
}
