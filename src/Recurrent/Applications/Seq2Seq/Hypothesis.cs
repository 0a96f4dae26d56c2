// Hypothesis: one decoded output sequence and the model's log-probability of it.
namespace Recurrent.Seq2Seq;

/// <summary>A decoded sequence.</summary>
/// <param name="Tokens">The emitted tokens, the end token excluded.</param>
/// <param name="Finished">True when the decoder emitted the end token (false: stopped at the length limit).</param>
/// <param name="LogProbability">Σ log p of the emitted tokens, the end token included when <paramref name="Finished"/>.</param>
public sealed record Hypothesis(int[] Tokens, bool Finished, double LogProbability);
