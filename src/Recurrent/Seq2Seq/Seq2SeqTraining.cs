// Seq2SeqTraining: the whole training run of an encoder–decoder on source/target pairs — vocabulary, shuffled
// mini-batches per epoch, periodic greedy-decoding evaluation on held-out pairs (sequence and per-token
// accuracy), and stopping at a target accuracy, an epoch or time budget, or after `Patience` evaluations
// without improvement. The returned model holds the parameters of the best evaluation.
using System.Diagnostics;
using Recurrent.Layers;
using Recurrent.Randomness;

namespace Recurrent.Seq2Seq;

/// <summary>Settings of <see cref="Seq2SeqTraining.Run"/>.</summary>
public sealed record Seq2SeqTrainingOptions
{
    /// <summary>Recurrent cell of encoder and decoder.</summary>
    public CellKind Cell { get; init; } = CellKind.Lstm;
    /// <summary>Hidden units per layer.</summary>
    public int HiddenSize { get; init; } = 128;
    /// <summary>Layers of encoder and decoder.</summary>
    public int Layers { get; init; } = 1;
    /// <summary>Embedding size.</summary>
    public int EmbeddingSize { get; init; } = 32;
    /// <summary>Pairs per update.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 3e-3;
    /// <summary>Global gradient-norm clip (0 = off).</summary>
    public double ClipNorm { get; init; } = 5;
    /// <summary>The learning rate is multiplied by this after every epoch (1 = constant).</summary>
    public double LearningRateDecay { get; init; } = 1;
    /// <summary>Upper bound on epochs.</summary>
    public int Epochs { get; init; } = 30;
    /// <summary>Wall-clock budget in seconds (0 = none).</summary>
    public double TimeBudgetSeconds { get; init; }
    /// <summary>Evaluate every this many updates (0 = at the end of every epoch).</summary>
    public int EvaluateEvery { get; init; }
    /// <summary>Stop once validation per-token accuracy reaches this (null = never).</summary>
    public double? TargetTokenAccuracy { get; init; }
    /// <summary>Stop after this many evaluations without a better per-token accuracy (0 = never).</summary>
    public int Patience { get; init; }
    /// <summary>Feed sources reversed.</summary>
    public bool ReverseSource { get; init; }
    /// <summary>Source length the model reads (0 = the longest source in the data).</summary>
    public int SourceLength { get; init; }
    /// <summary>Longest decoded output (0 = the longest target in the data, plus a quarter).</summary>
    public int MaxTargetLength { get; init; }
    /// <summary>Seed of initialisation and shuffling.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Throws ArgumentException naming the first impossible setting.</summary>
    public void Validate()
    {
        static void Positive(int v, string name) { if (v <= 0) throw new ArgumentException($"{name} must be positive, got {v}.", name); }
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(Layers, nameof(Layers));
        Positive(EmbeddingSize, nameof(EmbeddingSize));
        Positive(BatchSize, nameof(BatchSize));
        Positive(Epochs, nameof(Epochs));
        if (!(LearningRate > 0 && double.IsFinite(LearningRate))) throw new ArgumentException($"LearningRate must be positive, got {LearningRate}.", nameof(LearningRate));
        if (!(ClipNorm >= 0 && double.IsFinite(ClipNorm))) throw new ArgumentException($"ClipNorm must be >= 0, got {ClipNorm}.", nameof(ClipNorm));
        if (!(LearningRateDecay > 0 && LearningRateDecay <= 1)) throw new ArgumentException($"LearningRateDecay must be in (0, 1], got {LearningRateDecay}.", nameof(LearningRateDecay));
        if (!(TimeBudgetSeconds >= 0)) throw new ArgumentException($"TimeBudgetSeconds must be >= 0, got {TimeBudgetSeconds}.", nameof(TimeBudgetSeconds));
        if (EvaluateEvery < 0) throw new ArgumentException($"EvaluateEvery must be >= 0, got {EvaluateEvery}.", nameof(EvaluateEvery));
        if (Patience < 0) throw new ArgumentException($"Patience must be >= 0, got {Patience}.", nameof(Patience));
        if (SourceLength < 0) throw new ArgumentException($"SourceLength must be >= 0, got {SourceLength}.", nameof(SourceLength));
        if (MaxTargetLength < 0) throw new ArgumentException($"MaxTargetLength must be >= 0, got {MaxTargetLength}.", nameof(MaxTargetLength));
        if (TargetTokenAccuracy is double t && !(t > 0 && t <= 1)) throw new ArgumentException($"TargetTokenAccuracy must be in (0, 1], got {t}.", nameof(TargetTokenAccuracy));
    }
}

/// <summary>One evaluation during training.</summary>
/// <param name="Step">Updates so far.</param>
/// <param name="Epoch">Epochs so far (fractional).</param>
/// <param name="TrainLoss">Mean training cross-entropy since the previous evaluation (nats/token).</param>
/// <param name="Validation">Greedy-decoding metrics on the validation pairs.</param>
/// <param name="Seconds">Wall-clock seconds since the start.</param>
public sealed record Seq2SeqEvaluation(long Step, double Epoch, double TrainLoss, Seq2SeqMetrics Validation, double Seconds);

/// <summary>Outcome of <see cref="Seq2SeqTraining.Run"/>.</summary>
/// <param name="Model">The model with the parameters of its best evaluation.</param>
/// <param name="Vocabulary">The vocabulary.</param>
/// <param name="Best">The best evaluation.</param>
/// <param name="Steps">Updates done.</param>
/// <param name="Seconds">Wall-clock seconds.</param>
/// <param name="StopReason">Why training stopped, in words.</param>
/// <param name="History">Every evaluation.</param>
public sealed record Seq2SeqTrainingResult(Seq2SeqModel<float> Model, Seq2SeqVocabulary Vocabulary, Seq2SeqEvaluation Best,
    long Steps, double Seconds, string StopReason, IReadOnlyList<Seq2SeqEvaluation> History);

/// <summary>Trains encoder–decoder models.</summary>
public static class Seq2SeqTraining
{
    /// <summary>Trains on <paramref name="train"/>, evaluating on <paramref name="validation"/>; see the file header.</summary>
    public static Seq2SeqTrainingResult Run(IReadOnlyList<Seq2SeqPair> train, IReadOnlyList<Seq2SeqPair> validation,
        Seq2SeqTrainingOptions options, Action<Seq2SeqEvaluation>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (train.Count == 0) throw new ArgumentException("There are no training pairs.", nameof(train));
        if (validation.Count == 0) throw new ArgumentException("There are no validation pairs.", nameof(validation));
        var all = train.Concat(validation).ToList();
        var vocabulary = Seq2SeqVocabulary.FromTexts(all.SelectMany(p => new[] { p.Source, p.Target }));
        int longestSource = all.Max(p => p.Source.EnumerateRunes().Count());
        int longestTarget = all.Max(p => p.Target.EnumerateRunes().Count());
        var config = new Seq2SeqConfig
        {
            Vocabulary = vocabulary.Size, EmbeddingSize = options.EmbeddingSize, Cell = options.Cell, HiddenSize = options.HiddenSize,
            Layers = options.Layers, SourceLength = options.SourceLength > 0 ? options.SourceLength : longestSource,
            ReverseSource = options.ReverseSource,
            MaxTargetLength = options.MaxTargetLength > 0 ? options.MaxTargetLength : longestTarget + (longestTarget + 3) / 4,
        };
        var model = new Seq2SeqModel<float>(config, options.Seed);
        var trainer = new Seq2SeqTrainer(model, options.LearningRate, options.ClipNorm);
        var rng = new Rng(options.Seed ^ 0x9E3779B97F4A7C15UL);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var validationSources = validation.Select(p => p.Source).ToArray();
        var validationTargets = validation.Select(p => p.Target).ToArray();
        var history = new List<Seq2SeqEvaluation>();
        Seq2SeqEvaluation? best = null;
        float[] bestParameters = (float[])model.Parameters.Values.Clone();
        var clock = Stopwatch.StartNew();
        double lossSum = 0;
        int lossCount = 0, sinceBest = 0;
        string? stop = null;
        int batchesPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;

        Seq2SeqEvaluation Evaluate(double epoch)
        {
            var predictions = Seq2SeqPredictor.Predict(model, vocabulary, validationSources);
            var metrics = Seq2SeqMetrics.Compute(predictions, validationTargets);
            var e = new Seq2SeqEvaluation(trainer.Steps, epoch, lossCount == 0 ? double.NaN : lossSum / lossCount, metrics, clock.Elapsed.TotalSeconds);
            lossSum = 0;
            lossCount = 0;
            history.Add(e);
            if (best is null || metrics.TokenAccuracy > best.Validation.TokenAccuracy)
            {
                best = e;
                sinceBest = 0;
                model.Parameters.Values.CopyTo(bestParameters, 0);
            }
            else sinceBest++;
            progress?.Invoke(e);
            if (options.TargetTokenAccuracy is double target && metrics.TokenAccuracy >= target)
                stop = $"reached the target per-token accuracy {target:P1}";
            else if (options.Patience > 0 && sinceBest >= options.Patience)
                stop = $"no improvement in {options.Patience} evaluations";
            return e;
        }

        for (int epoch = 0; epoch < options.Epochs && stop is null; epoch++)
        {
            Shuffle(order, rng);
            for (int k = 0; k < batchesPerEpoch && stop is null; k++)
            {
                int at = k * options.BatchSize, n = Math.Min(options.BatchSize, train.Count - at);
                var batch = Seq2SeqData.MakeBatch(vocabulary, config, train, order.AsSpan(at, n));
                double loss = trainer.Step(batch);
                if (!double.IsFinite(loss)) throw new InvalidOperationException($"The training loss became {loss} at update {trainer.Steps}; lower the learning rate.");
                lossSum += loss;
                lossCount++;
                bool last = k == batchesPerEpoch - 1;
                if (options.EvaluateEvery > 0 ? trainer.Steps % options.EvaluateEvery == 0 : last)
                    Evaluate(epoch + (k + 1.0) / batchesPerEpoch);
                if (stop is null && options.TimeBudgetSeconds > 0 && clock.Elapsed.TotalSeconds >= options.TimeBudgetSeconds)
                    stop = $"time budget of {options.TimeBudgetSeconds:0.#} s used";
                if (stop is null && cancellation.IsCancellationRequested) stop = "interrupted";
            }
            trainer.LearningRate *= options.LearningRateDecay;
        }
        stop ??= $"{options.Epochs} epochs done";
        if (lossCount > 0 || best is null)
        {
            string reason = stop;
            Evaluate((double)trainer.Steps / batchesPerEpoch);
            stop = reason; // the final evaluation reports; it does not change why training stopped
        }
        bestParameters.CopyTo(model.Parameters.Values, 0);
        return new Seq2SeqTrainingResult(model, vocabulary, best!, trainer.Steps, clock.Elapsed.TotalSeconds, stop, history);
    }

    private static void Shuffle(int[] order, Rng rng)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
