// LanguageModelEvaluator: mean next-token cross-entropy of a model over a whole token stream, with the
// hidden state carried from window to window and dropout off. The N−1 predictions of the stream are cut into
// B contiguous pieces of ⌈(N−1)/B⌉ predictions, one per batch row; each piece starts from the zero state
// and is read in windows of T steps; positions past a piece's end are masked (ignore index), so every
// prediction counts exactly once. Used for validation during training and by `rnn eval`.
using Recurrent.Data;
using Recurrent.Losses;
using Recurrent.Models;

namespace Recurrent.LanguageModels;

/// <summary>Cross-entropy of next-token predictions over a stream.</summary>
/// <param name="TotalNats">Sum of −ln p(next token) over all predictions.</param>
/// <param name="Predictions">Number of predictions (tokens − 1).</param>
public readonly record struct EvaluationResult(double TotalNats, long Predictions)
{
    /// <summary>Mean loss in nats per token.</summary>
    public double MeanLoss => Predictions == 0 ? double.NaN : TotalNats / Predictions;
    /// <summary>exp(mean loss).</summary>
    public double Perplexity => Math.Exp(MeanLoss);
}

/// <summary>Evaluates a language model on a token stream.</summary>
public static class LanguageModelEvaluator
{
    /// <summary>
    /// Mean cross-entropy of <paramref name="model"/> over all next-token predictions of <paramref name="tokens"/>
    /// (see the file header for the layout), in batches of up to <paramref name="batch"/> rows and windows of
    /// <paramref name="sequenceLength"/> steps. Replaces the model's carried state.
    /// </summary>
    public static EvaluationResult Evaluate(SequenceModel<float> model, TokenStream tokens, int batch, int sequenceLength)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        if (batch <= 0) throw new ArgumentException($"batch must be positive, got {batch}.", nameof(batch));
        if (sequenceLength <= 0) throw new ArgumentException($"sequenceLength must be positive, got {sequenceLength}.", nameof(sequenceLength));
        long predictions = tokens.Length - 1;
        if (predictions < 1)
            throw new ArgumentException($"Evaluation needs at least 2 tokens, got {tokens.Length}.", nameof(tokens));

        int rows = (int)Math.Min(batch, predictions);
        long piece = (predictions + rows - 1) / rows;          // predictions per row
        int window = (int)Math.Min(sequenceLength, piece);
        var inputs = new int[window * rows];                   // (T,B)
        var targets = new int[window * rows];                  // (T,B), −1 = masked
        var row = new int[window + 1];
        int vocabulary = model.Config.OutputSize;

        model.InitialH(rows).Clear();
        model.InitialC(rows).Clear();
        double total = 0;
        long counted = 0;
        for (long start = 0; start < piece; start += window)
        {
            int steps = (int)Math.Min(window, piece - start);
            for (int b = 0; b < rows; b++)
            {
                long first = b * piece + start;                // stream position of this row's first input
                long end = Math.Min((b + 1) * piece, predictions);
                int available = (int)Math.Clamp(end - first, 0, steps);
                if (available > 0) tokens.CopyTo(first, row.AsSpan(0, available + 1));
                for (int t = 0; t < steps; t++)
                {
                    inputs[t * rows + b] = t < available ? row[t] : 0;
                    targets[t * rows + b] = t < available ? row[t + 1] : SoftmaxCrossEntropy.IgnoreIndex;
                }
            }
            ReadOnlySpan<float> logits = model.Forward(inputs.AsSpan(0, steps * rows), steps, rows, training: false);
            double mean = SoftmaxCrossEntropy.LossAndGradient(logits, targets.AsSpan(0, steps * rows), vocabulary,
                Span<float>.Empty, out int n);
            total += mean * n;
            counted += n;
            model.CarryState();
        }
        return new EvaluationResult(total, counted);
    }
}
