// BleuScore: what corpus BLEU (Bleu.Corpus) measured — per n-gram order the clipped matches and the hypothesis
// n-grams behind the modified precision, the summed hypothesis and closest-reference lengths behind the brevity
// penalty, and BLEU-1..N from them (BLEU-n uses the orders 1..n with uniform weights 1/n).
namespace Recurrent.Captioning;

/// <summary>Corpus BLEU of a set of hypotheses against their references (Papineni et al. 2002).</summary>
public sealed class BleuScore
{
    internal BleuScore(long[] matches, long[] totals, long hypothesisLength, long referenceLength)
    {
        Matches = matches;
        Totals = totals;
        HypothesisLength = hypothesisLength;
        ReferenceLength = referenceLength;
        Precisions = matches.Select((m, i) => totals[i] == 0 ? 0.0 : (double)m / totals[i]).ToArray();
        BrevityPenalty = hypothesisLength == 0 ? 0.0
            : hypothesisLength > referenceLength ? 1.0
            : Math.Exp(1.0 - (double)referenceLength / hypothesisLength);
    }

    /// <summary>Highest n-gram order measured.</summary>
    public int MaxOrder => Precisions.Length;
    /// <summary>Modified n-gram precision p_n = Σ clipped matches / Σ hypothesis n-grams, index n − 1 (0 when there are no n-grams).</summary>
    public double[] Precisions { get; }
    /// <summary>Clipped n-gram matches summed over the corpus, index n − 1.</summary>
    public long[] Matches { get; }
    /// <summary>Hypothesis n-grams summed over the corpus, index n − 1.</summary>
    public long[] Totals { get; }
    /// <summary>BP = 1 when c &gt; r, else exp(1 − r/c); 0 when c = 0.</summary>
    public double BrevityPenalty { get; }
    /// <summary>c: the hypotheses' words summed over the corpus.</summary>
    public long HypothesisLength { get; }
    /// <summary>r: per sentence the reference length closest to the hypothesis's (the shorter on ties), summed.</summary>
    public long ReferenceLength { get; }

    /// <summary>BLEU-n = BP · exp((1/n) Σ_{k≤n} log p_k), 0 when any p_k is 0; n in 1..<see cref="MaxOrder"/>.</summary>
    public double Bleu(int n)
    {
        if (n < 1 || n > MaxOrder) throw new ArgumentException($"n must be in 1..{MaxOrder}, got {n}.", nameof(n));
        double logSum = 0;
        for (int k = 0; k < n; k++)
        {
            if (Precisions[k] == 0) return 0;
            logSum += Math.Log(Precisions[k]);
        }
        return BrevityPenalty * Math.Exp(logSum / n);
    }

    /// <summary>BLEU-<paramref name="n"/> (see <see cref="Bleu"/>).</summary>
    public double this[int n] => Bleu(n);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(" ", Enumerable.Range(1, MaxOrder).Select(n => $"BLEU-{n} {Bleu(n):F4}")) + $" (BP {BrevityPenalty:F4}, c {HypothesisLength}, r {ReferenceLength})";
}
