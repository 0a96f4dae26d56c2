// DynamicEvaluation: Krause et al. 2018, "Dynamic Evaluation of Neural Sequence Models" — the model keeps
// learning while it is scored. The text is read as StreamWindows lays it out (B contiguous streams, state carried,
// segments of n tokens); for each segment:
//   1. forward with the current weights θ, dropout off, and score its predictions (each token is predicted
//      before the model has trained on it — this loss is what the result reports);
//   2. backward of the segment's mean cross-entropy through SequenceModel.Backward (truncated: the carried state
//      entering the segment is a constant);
//   3. θ ← θ − η·∇ + λ·(θ₀ − θ), SGD with global decay toward the trained weights θ₀ (the paper's "SGD + global
//      decay"; its RMS-normalised variant is not implemented).
// The model's weights are put back to θ₀ when the pass ends (also on an exception), so the caller's model — and
// any file it came from — is unchanged. With η = 0 the result equals LanguageModelEvaluator's bit for bit.
using System.Numerics;
using Recurrent.Data;
using Recurrent.Losses;
using Recurrent.Models;

namespace Recurrent.LanguageModels;

/// <summary>Dynamic evaluation of a language model: score each segment, then adapt to it (Krause et al. 2018).</summary>
public static class DynamicEvaluation
{
    /// <summary>
    /// Mean cross-entropy of <paramref name="model"/> over all next-token predictions of <paramref name="tokens"/>,
    /// adapting the weights after each segment as the file header describes. Replaces the model's carried state and
    /// gradients; its weights are restored to their values at entry before returning.
    /// </summary>
    public static EvaluationResult Evaluate(SequenceModel<float> model, TokenStream tokens, DynamicEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var windows = new StreamWindows(tokens, options.Batch, options.SequenceLength);
        int rows = windows.Rows, vocabulary = model.Config.OutputSize;
        float learningRate = (float)options.LearningRate, decay = (float)options.Decay;

        float[] theta = model.Parameters.Values;                // (P) adapted in place
        float[] theta0 = (float[])theta.Clone();                // (P) the trained weights
        var dLogits = new float[windows.Window * rows * vocabulary]; // (T,B,V)
        model.InitialH(rows).Clear();
        model.InitialC(rows).Clear();
        double total = 0;
        long counted = 0;
        try
        {
            foreach (long start in windows.Starts())
            {
                int steps = windows.Fill(start);
                ReadOnlySpan<float> logits = model.Forward(windows.Inputs.AsSpan(0, steps * rows), steps, rows, training: false);
                Span<float> dOut = dLogits.AsSpan(0, logits.Length);
                double mean = SoftmaxCrossEntropy.LossAndGradient(logits, windows.Targets.AsSpan(0, steps * rows), vocabulary, dOut, out int n);
                total += mean * n;
                counted += n;
                model.CarryState();                             // the next segment starts from this one's final state
                model.Parameters.ZeroGradients();
                model.Backward(dOut);
                Update(theta, model.Parameters.Gradients, theta0, learningRate, decay);
            }
        }
        finally
        {
            theta0.CopyTo(theta, 0);
        }
        return new EvaluationResult(total, counted);
    }

    /// <summary>
    /// θ ← θ − η·g + λ·(θ₀ − θ), every term from the θ before the update. A non-finite gradient (a diverging
    /// adaptation) leaves θ as it is rather than poisoning every later prediction.
    /// </summary>
    internal static void Update(Span<float> theta, ReadOnlySpan<float> gradient, ReadOnlySpan<float> theta0, float learningRate, float decay)
    {
        if (theta.Length != gradient.Length || theta.Length != theta0.Length)
            throw new ArgumentException($"theta ({theta.Length}), gradient ({gradient.Length}) and theta0 ({theta0.Length}) must have one length.");
        if (!AllFinite(gradient)) return;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var eta = new Vector<float>(learningRate);
            var lambda = new Vector<float>(decay);
            for (; i <= theta.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var t = new Vector<float>(theta.Slice(i));
                var g = new Vector<float>(gradient.Slice(i));
                var t0 = new Vector<float>(theta0.Slice(i));
                (t - eta * g + lambda * (t0 - t)).CopyTo(theta.Slice(i));
            }
        }
        for (; i < theta.Length; i++)
            theta[i] = theta[i] - learningRate * gradient[i] + decay * (theta0[i] - theta[i]);
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values) if (!float.IsFinite(v)) return false;
        return true;
    }
}
