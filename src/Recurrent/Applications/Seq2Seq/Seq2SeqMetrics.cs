// Seq2SeqMetrics: how decoded outputs compare with the reference targets. Sequence accuracy: the fraction of
// outputs equal to their target. Per-token accuracy: over every target position — each character and the end
// position after it — the fraction where the output has the same character there (the end position counts
// when the output has exactly the target's length). Both are computed from the decoded texts alone.
using System.Text;

namespace Recurrent.Seq2Seq;

/// <summary>Exact-match and per-token accuracy of decoded outputs.</summary>
/// <param name="Count">Number of examples.</param>
/// <param name="SequenceAccuracy">Fraction of outputs equal to their targets.</param>
/// <param name="TokenAccuracy">Fraction of target positions (characters plus the end) predicted right.</param>
/// <param name="TokensCorrect">Target positions predicted right.</param>
/// <param name="TokensTotal">Target positions: Σ (length + 1).</param>
public sealed record Seq2SeqMetrics(int Count, double SequenceAccuracy, double TokenAccuracy, long TokensCorrect, long TokensTotal)
{
    /// <summary>Compares <paramref name="predictions"/> with <paramref name="targets"/> (same count, same order).</summary>
    public static Seq2SeqMetrics Compute(IReadOnlyList<string> predictions, IReadOnlyList<string> targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        if (predictions.Count != targets.Count)
            throw new ArgumentException($"{predictions.Count} predictions for {targets.Count} targets.", nameof(predictions));
        if (targets.Count == 0) throw new ArgumentException("There is nothing to score.", nameof(targets));
        int exact = 0;
        long correct = 0, total = 0;
        for (int i = 0; i < targets.Count; i++)
        {
            Rune[] p = predictions[i].EnumerateRunes().ToArray(), y = targets[i].EnumerateRunes().ToArray();
            if (p.SequenceEqual(y)) exact++;
            for (int k = 0; k < y.Length; k++) if (k < p.Length && p[k] == y[k]) correct++;
            if (p.Length == y.Length) correct++;
            total += y.Length + 1;
        }
        return new Seq2SeqMetrics(targets.Count, (double)exact / targets.Count, (double)correct / total, correct, total);
    }
}
