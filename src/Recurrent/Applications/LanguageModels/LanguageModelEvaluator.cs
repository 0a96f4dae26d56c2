// LanguageModelEvaluator: mean next-token cross-entropy of a model over a whole token stream, with the
// hidden state carried from window to window and dropout off. The stream is read as StreamWindows lays it out:
// B contiguous pieces of ⌈(N−1)/B⌉ predictions, one per batch row, each from the zero state, in windows of T
// steps, every prediction counted exactly once. Used for validation during training and by `rnn eval`
// (DynamicEvaluation reads the same layout and also adapts the weights). With a reducer (data parallelism) each rank
// reads its share of the rows and the (nats, predictions) sums are added over the ranks: every rank gets the
// single-process result, to float-summation order.
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
    /// <paramref name="sequenceLength"/> steps. Replaces the model's carried state. With a <paramref name="reducer"/>, every
    /// rank of the job must call this alike: each evaluates its share of the rows and all receive the global result.
    /// </summary>
    public static EvaluationResult Evaluate(SequenceModel<float> model, TokenStream tokens, int batch, int sequenceLength,
        Training.IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var windows = new StreamWindows(tokens, batch, sequenceLength, reducer?.Rank ?? 0, reducer?.Size ?? 1);
        var (sum, count) = windows.Rows > 0 ? Evaluate(model, windows) : (0, 0);
        (sum, count) = Training.GradientReduction.SumOverRanks(reducer, sum, count);
        return new EvaluationResult(sum, count);
    }

    private static (double Sum, long Count) Evaluate(SequenceModel<float> model, StreamWindows windows)
    {
        int rows = windows.Rows, vocabulary = model.Config.OutputSize;
        model.InitialH(rows).Clear();
        model.InitialC(rows).Clear();
        double total = 0;
        long counted = 0;
        foreach (long start in windows.Starts())
        {
            int steps = windows.Fill(start);
            ReadOnlySpan<float> logits = model.Forward(windows.Inputs.AsSpan(0, steps * rows), steps, rows, training: false);
            double mean = SoftmaxCrossEntropy.LossAndGradient(logits, windows.Targets.AsSpan(0, steps * rows), vocabulary,
                Span<float>.Empty, out int n);
            total += mean * n;
            counted += n;
            model.CarryState();
        }
        return (total, counted);
    }
}
