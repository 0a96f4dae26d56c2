// SequenceExample: one labelled input sequence of a supervised task — token ids (T) or dense features
// (T*F, time-major), with one target (a class id: many-to-one) or one target per step (many-to-many), and
// the line of the file it came from, for messages.
namespace Recurrent.Supervised;

/// <summary>An input sequence and its target class id(s).</summary>
/// <param name="Tokens">Token ids (T), or empty for dense inputs.</param>
/// <param name="Features">Dense features (T*F, step-major), or empty for token inputs.</param>
/// <param name="Targets">One class id (sequence classification) or T class ids (tagging); -1 = no label (prediction input).</param>
/// <param name="Line">1-based line in the source file where the sequence starts.</param>
public sealed record SequenceExample(int[] Tokens, float[] Features, int[] Targets, int Line)
{
    /// <summary>A token sequence.</summary>
    public static SequenceExample OfTokens(int[] tokens, int[] targets, int line) => new(tokens, [], targets, line);

    /// <summary>A dense sequence (T*F values, step-major).</summary>
    public static SequenceExample OfFeatures(float[] features, int[] targets, int line) => new([], features, targets, line);

    /// <summary>Number of steps T (for dense inputs, <see cref="Features"/> length / features per step).</summary>
    public int Steps(int featuresPerStep) => Tokens.Length > 0 ? Tokens.Length : Features.Length / featuresPerStep;
}
