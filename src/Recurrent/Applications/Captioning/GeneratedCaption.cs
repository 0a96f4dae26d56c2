// GeneratedCaption: one caption a captioner wrote for an image, with the model's log-probability of it and, for an
// attending model, where it looked while writing each word (the heat maps of Show, Attend and Tell).
namespace Recurrent.Captioning;

/// <summary>A generated caption.</summary>
/// <param name="Text">The words joined by spaces.</param>
/// <param name="Ids">The word ids, the end token excluded.</param>
/// <param name="LogProbability">Σ log p of the emitted words, the end token included when decoding ended with it.</param>
/// <param name="Attention">
/// For a model with attention, the weights over the R regions at each step, (steps, R) row-major: one row per word
/// and one more for the end token when decoding ended with it (so steps = Attention.Length / R); null without attention.
/// </param>
public sealed record GeneratedCaption(string Text, int[] Ids, double LogProbability, float[]? Attention);
