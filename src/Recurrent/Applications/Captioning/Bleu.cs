// Bleu: corpus BLEU (Papineni et al. 2002) as NLTK's corpus_bleu computes it without smoothing — for each order n,
// each hypothesis n-gram's count is clipped by its largest count in any one reference of that sentence, and the
// clipped counts and the hypothesis n-gram counts are summed over the whole corpus before dividing (so corpus BLEU
// is not the mean of sentence BLEUs); the brevity penalty uses the summed hypothesis length and the summed
// "closest" reference length (per sentence the reference whose length is nearest the hypothesis's, the shorter on
// ties). Tokens are compared as ordinal strings; tokenising is the caller's (CaptionVocabulary.Tokenize).
namespace Recurrent.Captioning;

/// <summary>Corpus BLEU.</summary>
public static class Bleu
{
    /// <summary>
    /// Corpus BLEU of <paramref name="hypotheses"/> (one token list per sentence) against <paramref name="references"/>
    /// (per sentence one or more token lists) up to n-grams of <paramref name="maxOrder"/>. Throws ArgumentException
    /// when the counts differ, a sentence has no reference, or maxOrder is not positive.
    /// </summary>
    public static BleuScore Corpus(IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> references, IReadOnlyList<IReadOnlyList<string>> hypotheses, int maxOrder = 4)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(hypotheses);
        if (maxOrder < 1) throw new ArgumentException($"maxOrder must be positive, got {maxOrder}.", nameof(maxOrder));
        if (references.Count != hypotheses.Count)
            throw new ArgumentException($"There are {references.Count} reference sets but {hypotheses.Count} hypotheses; give one set per hypothesis.", nameof(references));
        var matches = new long[maxOrder];
        var totals = new long[maxOrder];
        long c = 0, r = 0;
        for (int i = 0; i < hypotheses.Count; i++)
        {
            var hyp = hypotheses[i] ?? throw new ArgumentException($"Hypothesis {i} is null.", nameof(hypotheses));
            var refs = references[i];
            if (refs is null || refs.Count == 0) throw new ArgumentException($"Sentence {i} has no reference.", nameof(references));
            for (int n = 1; n <= maxOrder; n++)
            {
                var counts = NGrams(hyp, n);
                var maxRef = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var reference in refs)
                    foreach (var (gram, count) in NGrams(reference ?? throw new ArgumentException($"Sentence {i} has a null reference.", nameof(references)), n))
                        if (count > maxRef.GetValueOrDefault(gram)) maxRef[gram] = count;
                foreach (var (gram, count) in counts)
                {
                    matches[n - 1] += Math.Min(count, maxRef.GetValueOrDefault(gram));
                    totals[n - 1] += count;
                }
            }
            c += hyp.Count;
            r += ClosestLength(refs, hyp.Count);
        }
        return new BleuScore(matches, totals, c, r);
    }

    // The reference length nearest the hypothesis length; the shorter on ties.
    private static int ClosestLength(IReadOnlyList<IReadOnlyList<string>> references, int hypothesisLength)
    {
        int best = references[0].Count;
        foreach (var reference in references)
        {
            int d = Math.Abs(reference.Count - hypothesisLength), bestD = Math.Abs(best - hypothesisLength);
            if (d < bestD || (d == bestD && reference.Count < best)) best = reference.Count;
        }
        return best;
    }

    // n-gram counts; the key joins the tokens with a separator no token holds (U+0001).
    private static Dictionary<string, int> NGrams(IReadOnlyList<string> tokens, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i + n <= tokens.Count; i++)
        {
            string key = n == 1 ? tokens[i] : string.Join('\u0001', Enumerable.Range(i, n).Select(k => tokens[k]));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts;
    }
}
