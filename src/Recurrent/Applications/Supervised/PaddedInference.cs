// PaddedInference: the batched forward of classification and tagging models over padded batches with lengths (so
// padding never changes a result) — mean cross-entropy and accuracy for evaluation, class probabilities per
// sequence (last-step head) or per step for prediction, and the arg-max that turns them into labels.
// Training runs through the fit loop (LabelledBatches).
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;

namespace Recurrent.Supervised;

/// <summary>Batched inference for sequence classification and tagging models.</summary>
public static class PaddedInference
{
    /// <summary>
    /// Mean cross-entropy and accuracy over the labelled targets of <paramref name="examples"/>, in one forward pass;
    /// each (target, arg-max prediction) pair is also added to <paramref name="matrix"/> when one is given, and handed
    /// to <paramref name="observe"/> (with the example, step and the prediction's probability) when one is given.
    /// </summary>
    public static (double Loss, double Accuracy) Evaluate(SequenceModel<float> model, IReadOnlyList<SequenceExample> examples, int batchSize,
        ConfusionMatrix? matrix = null, Action<PredictedTarget>? observe = null)
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
            ReadOnlySpan<int> targets = batch.Targets; // (B) or (T,B): row r = t*B + b
            for (int r = 0; r < targets.Length; r++)
            {
                if (targets[r] < 0) continue;
                ReadOnlySpan<float> row = logits.Slice(r * classes, classes);
                int predicted = ArgMax(row);
                if (predicted == targets[r]) right++;
                matrix?.Add(targets[r], predicted);
                if (observe is not null)
                    observe(new PredictedTarget(start + r % indices.Length, r / indices.Length, targets[r], predicted, MaxProbability(row, predicted)));
            }
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

    // The softmax probability of the arg-max class `best` of logits z: 1 / Σ exp(z_j − z_best), in double.
    private static float MaxProbability(ReadOnlySpan<float> z, int best)
    {
        double sum = 0;
        for (int j = 0; j < z.Length; j++) sum += Math.Exp(z[j] - z[best]);
        return (float)(1 / sum);
    }

    // softmax in double for the probabilities shown to users.
    private static void Softmax(ReadOnlySpan<float> z, Span<float> p)
    {
        float max = z[0];
        for (int j = 1; j < z.Length; j++) max = Math.Max(max, z[j]);
        double sum = 0;
        for (int j = 0; j < z.Length; j++) sum += Math.Exp(z[j] - max);
        for (int j = 0; j < z.Length; j++) p[j] = (float)(Math.Exp(z[j] - max) / sum);
    }
}
