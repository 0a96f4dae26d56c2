// SupervisedTrainer: trains a SequenceModel<float> on labelled sequences with cross-entropy — bucketed,
// padded batches with lengths (so padding never changes a result), Adam, global-norm clipping, and early
// stopping on a held-out set (the parameters of the best validation loss are kept). Also the batched
// forward used by evaluation and prediction: class probabilities per sequence (last-step head) or per step.
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Randomness;

namespace Recurrent.Supervised;

/// <summary>Training and batched inference for sequence classification and tagging models.</summary>
public static class SupervisedTrainer
{
    // Bucketing: shuffled examples are cut into pools of this many batches, each pool sorted by length and
    // cut into batches, so a batch holds sequences of similar length (little padding) in a random mix.
    private const int PoolBatches = 16;

    /// <summary>
    /// Trains <paramref name="model"/> (token or dense input as its config says; last-step head for one target
    /// per example, per-step head for one per step). <paramref name="validation"/> may be empty (then every
    /// epoch runs and the final parameters are kept). Calls <paramref name="progress"/> after each epoch.
    /// </summary>
    public static IReadOnlyList<EpochReport> Train(SequenceModel<float> model, IReadOnlyList<SequenceExample> train,
        IReadOnlyList<SequenceExample> validation, SupervisedOptions options, Action<EpochReport>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (train.Count == 0) throw new ArgumentException("There are no training examples.", nameof(train));
        int f = FeaturesPerStep(model);
        bool perStep = model.Config.Head == HeadKind.PerStep;
        int classes = model.Config.OutputSize;
        var optimizer = new Adam<float>(model.Parameters.Count);
        var rng = new Rng(options.Seed ^ 0x7EA1);
        var batch = new PaddedBatch();
        var reports = new List<EpochReport>();
        float[] dLogits = [];
        float[]? best = null;
        double bestLoss = double.PositiveInfinity;
        int sinceBest = 0;
        int[] order = Enumerable.Range(0, train.Count).ToArray();

        for (int epoch = 1; epoch <= options.Epochs && !cancellation.IsCancellationRequested; epoch++)
        {
            double lossSum = 0;
            long counted = 0;
            foreach (int[] indices in Batches(train, order, options.BatchSize, f, rng))
            {
                batch.Fill(train, indices, f, perStep);
                ReadOnlySpan<float> logits = Forward(model, batch, training: true);
                if (dLogits.Length < logits.Length) dLogits = new float[logits.Length];
                Span<float> d = dLogits.AsSpan(0, logits.Length);
                double loss = SoftmaxCrossEntropy.LossAndGradient(logits, batch.Targets, classes, d, out int n);
                if (n == 0) continue;
                lossSum += loss * n;
                counted += n;
                model.Parameters.ZeroGradients();
                model.Backward(d);
                if (options.ClipNorm > 0) GradientClipping.ClipByGlobalNorm<float>(model.Parameters.Gradients, options.ClipNorm);
                optimizer.Step(model.Parameters.Values, model.Parameters.Gradients, options.LearningRate);
            }
            double trainLoss = counted == 0 ? double.NaN : lossSum / counted;
            double valLoss = double.NaN, valAccuracy = double.NaN;
            bool improved = false;
            if (validation.Count > 0)
            {
                (valLoss, valAccuracy) = Evaluate(model, validation, options.BatchSize);
                if (valLoss < bestLoss)
                {
                    bestLoss = valLoss;
                    best = (float[])model.Parameters.Values.Clone();
                    sinceBest = 0;
                    improved = true;
                }
                else sinceBest++;
            }
            var report = new EpochReport(epoch, trainLoss, valLoss, valAccuracy, improved);
            reports.Add(report);
            progress?.Invoke(report);
            if (options.Patience > 0 && validation.Count > 0 && sinceBest >= options.Patience) break;
        }
        best?.CopyTo(model.Parameters.Values, 0);
        return reports;
    }

    /// <summary>Mean cross-entropy and accuracy over the labelled targets of <paramref name="examples"/>.</summary>
    public static (double Loss, double Accuracy) Evaluate(SequenceModel<float> model, IReadOnlyList<SequenceExample> examples, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        int f = FeaturesPerStep(model), classes = model.Config.OutputSize;
        bool perStep = model.Config.Head == HeadKind.PerStep;
        var batch = new PaddedBatch();
        double lossSum = 0;
        long counted = 0, right = 0;
        for (int start = 0; start < examples.Count; start += batchSize)
        {
            int[] indices = Enumerable.Range(start, Math.Min(batchSize, examples.Count - start)).ToArray();
            batch.Fill(examples, indices, f, perStep);
            ReadOnlySpan<float> logits = Forward(model, batch, training: false);
            double loss = SoftmaxCrossEntropy.LossAndGradient(logits, batch.Targets, classes, Span<float>.Empty, out int n);
            lossSum += loss * n;
            counted += n;
            ReadOnlySpan<int> targets = batch.Targets;
            for (int r = 0; r < targets.Length; r++)
                if (targets[r] >= 0 && ArgMax(logits.Slice(r * classes, classes)) == targets[r]) right++;
        }
        return counted == 0 ? (double.NaN, double.NaN) : (lossSum / counted, (double)right / counted);
    }

    /// <summary>
    /// Class probabilities for each example: (C) for a last-step head, (T*C) step by step for a per-step head.
    /// Examples are run in batches of <paramref name="batchSize"/>, padded; the result does not depend on it.
    /// </summary>
    public static float[][] Probabilities(SequenceModel<float> model, IReadOnlyList<SequenceExample> examples, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        if (batchSize <= 0) throw new ArgumentException($"batchSize must be positive, got {batchSize}.", nameof(batchSize));
        int f = FeaturesPerStep(model), classes = model.Config.OutputSize;
        bool perStep = model.Config.Head == HeadKind.PerStep;
        var batch = new PaddedBatch();
        var result = new float[examples.Count][];
        for (int start = 0; start < examples.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, examples.Count - start);
            int[] indices = Enumerable.Range(start, count).ToArray();
            batch.Fill(examples, indices, f, perStep);
            ReadOnlySpan<float> logits = Forward(model, batch, training: false);
            for (int b = 0; b < count; b++)
            {
                int len = batch.Lengths[b];
                float[] p = new float[(perStep ? len : 1) * classes];
                if (perStep)
                    for (int t = 0; t < len; t++) Softmax(logits.Slice((t * count + b) * classes, classes), p.AsSpan(t * classes, classes));
                else
                    Softmax(logits.Slice(b * classes, classes), p);
                result[start + b] = p;
            }
        }
        return result;
    }

    /// <summary>Index of the largest value (the first one on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int j = 1; j < values.Length; j++) if (values[j] > values[best]) best = j;
        return best;
    }

    private static ReadOnlySpan<float> Forward(SequenceModel<float> model, PaddedBatch batch, bool training) =>
        batch.FeaturesPerStep == 0
            ? model.Forward(batch.Tokens, batch.Steps, batch.Batch, training, batch.Lengths)
            : model.Forward(batch.Features, batch.Steps, batch.Batch, training, batch.Lengths);

    private static int FeaturesPerStep(SequenceModel<float> model) =>
        model.Config.Input == InputKind.Dense ? model.Config.InputSize : 0;

    // softmax in double for the probabilities shown to users.
    private static void Softmax(ReadOnlySpan<float> z, Span<float> p)
    {
        float max = z[0];
        for (int j = 1; j < z.Length; j++) max = Math.Max(max, z[j]);
        double sum = 0;
        for (int j = 0; j < z.Length; j++) sum += Math.Exp(z[j] - max);
        for (int j = 0; j < z.Length; j++) p[j] = (float)(Math.Exp(z[j] - max) / sum);
    }

    // One epoch's batches: shuffle, pool, sort each pool by length, cut, shuffle the batch order.
    private static List<int[]> Batches(IReadOnlyList<SequenceExample> examples, int[] order, int batchSize, int f, Rng rng)
    {
        Shuffle(order, rng);
        var batches = new List<int[]>();
        int pool = batchSize * PoolBatches, fs = Math.Max(f, 1);
        for (int start = 0; start < order.Length; start += pool)
        {
            int[] chunk = order.AsSpan(start, Math.Min(pool, order.Length - start)).ToArray();
            int[] keys = chunk.Select(i => examples[i].Steps(fs)).ToArray();
            Array.Sort(keys, chunk); // introsort is not stable, but keys and chunk are deterministic
            for (int b = 0; b < chunk.Length; b += batchSize)
                batches.Add(chunk.AsSpan(b, Math.Min(batchSize, chunk.Length - b)).ToArray());
        }
        int[] batchOrder = Enumerable.Range(0, batches.Count).ToArray();
        Shuffle(batchOrder, rng);
        return batchOrder.Select(i => batches[i]).ToList();
    }

    /// <summary>Fisher–Yates shuffle with <paramref name="rng"/>.</summary>
    public static void Shuffle(int[] items, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(rng);
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>
    /// Splits <paramref name="items"/> into training and held-out parts: a seeded shuffle, then the last
    /// ⌊N·fraction⌋ items (at least one when the fraction is positive and N ≥ 2) are held out.
    /// </summary>
    public static (List<TItem> Train, List<TItem> Validation) Split<TItem>(IReadOnlyList<TItem> items, double fraction, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(items);
        int[] order = Enumerable.Range(0, items.Count).ToArray();
        Shuffle(order, new Rng(seed ^ 0x5B17));
        int held = (int)Math.Floor(items.Count * fraction);
        if (fraction > 0 && held == 0 && items.Count >= 2) held = 1;
        var train = order.Take(items.Count - held).Select(i => items[i]).ToList();
        var validation = order.Skip(items.Count - held).Select(i => items[i]).ToList();
        return (train, validation);
    }
}
