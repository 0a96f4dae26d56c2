// Corpus BLEU against values computed by hand (the arithmetic is written out beside each case): Papineni et al.'s
// "the the the ..." example, a perfect match, a short hypothesis (brevity penalty), clipping by the most counts in
// ONE reference and the shorter reference on a closest-length tie, a two-sentence corpus whose BLEU is not the mean
// of its sentences' BLEUs, and a hypothesis with 1- to 3-gram matches but no 4-gram match.
using Recurrent.Captioning;

namespace Recurrent.Tests.Captioning;

public sealed class BleuTests
{
    private const double Tolerance = 1e-12;

    private static IReadOnlyList<string> W(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static BleuScore One(string hypothesis, params string[] references) =>
        Bleu.Corpus([references.Select(W).ToList()], [W(hypothesis)]);

    [Fact]
    public void PapinenisTheTheTheExampleHasUnigramPrecisionTwoSevenths()
    {
        // hyp: the×7 (c = 7). refs: "the cat is on the mat" (6, the×2), "there is a cat on the mat" (7, the×1).
        // clipped count of "the" = min(7, max(2, 1)) = 2 → p1 = 2/7.
        // closest reference length: |6−7| = 1, |7−7| = 0 → r = 7; c > r is false → BP = exp(1 − 7/7) = 1.
        // bigrams: "the the"×6, in no reference → p2 = 0/6 → BLEU-2 = 0.
        var s = One("the the the the the the the", "the cat is on the mat", "there is a cat on the mat");
        Assert.Equal(2, s.Matches[0]);
        Assert.Equal(7, s.Totals[0]);
        Assert.Equal(2.0 / 7, s.Precisions[0], Tolerance);
        Assert.Equal(7, s.HypothesisLength);
        Assert.Equal(7, s.ReferenceLength);
        Assert.Equal(1.0, s.BrevityPenalty, Tolerance);
        Assert.Equal(2.0 / 7, s[1], Tolerance);
        Assert.Equal(0.0, s.Bleu(2));
        Assert.Equal(0.0, s[4]);
    }

    [Fact]
    public void APerfectMatchScoresOne()
    {
        // 6 words: p1 = 6/6, p2 = 5/5, p3 = 4/4, p4 = 3/3; c = r = 6 → BP = exp(0) = 1 → BLEU-n = 1.
        var s = One("a red circle on the left", "a red circle on the left");
        Assert.Equal([1.0, 1.0, 1.0, 1.0], s.Precisions);
        Assert.Equal([6L, 5L, 4L, 3L], s.Totals);
        for (int n = 1; n <= 4; n++) Assert.Equal(1.0, s[n], Tolerance);
    }

    [Fact]
    public void AShortHypothesisPaysTheBrevityPenalty()
    {
        // ref  "a small red circle above a blue square" (8 words)
        // hyp  "a red circle above a blue square"       (7 words)
        // p1: a×2 (ref a×2), red, circle, above, blue, square → 7/7
        // p2: hyp bigrams a-red, red-circle, circle-above, above-a, a-blue, blue-square; all but a-red in ref → 5/6
        // p3: a-red-circle ✗, red-circle-above ✓, circle-above-a ✓, above-a-blue ✓, a-blue-square ✓ → 4/5
        // p4: a-red-circle-above ✗, red-circle-above-a ✓, circle-above-a-blue ✓, above-a-blue-square ✓ → 3/4
        // c = 7 < r = 8 → BP = exp(1 − 8/7) = exp(−1/7)
        // BLEU-4 = exp(−1/7) · (1 · 5/6 · 4/5 · 3/4)^(1/4) = exp(−1/7) · 0.5^(1/4) ≈ 0.866878 · 0.840896 ≈ 0.728955
        var s = One("a red circle above a blue square", "a small red circle above a blue square");
        Assert.Equal([7L, 5L, 4L, 3L], s.Matches);
        Assert.Equal([7L, 6L, 5L, 4L], s.Totals);
        Assert.Equal(Math.Exp(-1.0 / 7), s.BrevityPenalty, Tolerance);
        Assert.Equal(Math.Exp(-1.0 / 7), s[1], Tolerance);
        Assert.Equal(Math.Exp(-1.0 / 7) * Math.Sqrt(5.0 / 6), s[2], Tolerance);
        Assert.Equal(Math.Exp(-1.0 / 7) * Math.Pow(0.5, 0.25), s[4], Tolerance);
        Assert.Equal(0.728955, s[4], 1e-6);
    }

    [Fact]
    public void CountsAreClippedByOneReferenceAndTheShorterReferenceWinsATie()
    {
        // hyp "red red red" (c = 3). refs "red circle" (2 words, red×1), "a red red square" (4 words, red×2).
        // clip: min(3, max(1, 2)) = 2 (not 1 + 2 = 3 summed over references) → p1 = 2/3.
        // closest length: |2−3| = |4−3| = 1, a tie → the shorter, r = 2; c = 3 > 2 → BP = 1 (the longer would give exp(−1/3)).
        // BLEU-1 = 2/3.
        var s = One("red red red", "red circle", "a red red square");
        Assert.Equal(2, s.Matches[0]);
        Assert.Equal(2, s.ReferenceLength);
        Assert.Equal(1.0, s.BrevityPenalty);
        Assert.Equal(2.0 / 3, s[1], Tolerance);
    }

    [Fact]
    public void CorpusBleuSumsCountsOverSentencesAndIsNotTheMeanOfSentenceBleus()
    {
        // sentence 1: hyp = ref = "a b c d" → unigrams 4/4, bigrams 3/3.
        // sentence 2: hyp "e f g h", ref "e f x h" → unigrams e, f, h: 3/4; bigrams e-f ✓, f-g ✗, g-h ✗: 1/3.
        // corpus: p1 = (4 + 3)/(4 + 4) = 7/8, p2 = (3 + 1)/(3 + 3) = 2/3; c = r = 8 → BP = 1.
        // BLEU-2 = sqrt(7/8 · 2/3) = sqrt(7/12) ≈ 0.763763, while the sentence BLEU-2s are 1 and sqrt(3/4 · 1/3) = 0.5,
        // whose mean is 0.75.
        var corpus = Bleu.Corpus([[W("a b c d")], [W("e f x h")]], [W("a b c d"), W("e f g h")], maxOrder: 2);
        Assert.Equal(7.0 / 8, corpus.Precisions[0], Tolerance);
        Assert.Equal(2.0 / 3, corpus.Precisions[1], Tolerance);
        Assert.Equal(Math.Sqrt(7.0 / 12), corpus[2], Tolerance);
        double first = One("a b c d", "a b c d")[2], second = Bleu.Corpus([[W("e f x h")]], [W("e f g h")], 2)[2];
        Assert.Equal(1.0, first, Tolerance);
        Assert.Equal(0.5, second, Tolerance);
        Assert.NotEqual((first + second) / 2, corpus[2], 1e-3);
    }

    [Fact]
    public void NoFourGramMatchMakesBleu4ZeroWhileLowerOrdersArePositive()
    {
        // hyp "a b c x a b c", ref "a b c y a b c" (c = r = 7 → BP = 1)
        // p1: a×2, b×2, c×2 ✓, x ✗ → 6/7
        // p2: a-b×2 ✓, b-c×2 ✓, c-x ✗, x-a ✗ → 4/6
        // p3: a-b-c×2 ✓, b-c-x ✗, c-x-a ✗, x-a-b ✗ → 2/5
        // p4: a-b-c-x, b-c-x-a, c-x-a-b, x-a-b-c — none in the reference → 0/4
        // BLEU-1 = 6/7, BLEU-2 = sqrt(6/7 · 4/6) = sqrt(4/7), BLEU-3 = (6/7 · 4/6 · 2/5)^(1/3) = (8/35)^(1/3), BLEU-4 = 0
        var s = One("a b c x a b c", "a b c y a b c");
        Assert.Equal([6L, 4L, 2L, 0L], s.Matches);
        Assert.Equal([7L, 6L, 5L, 4L], s.Totals);
        Assert.Equal(6.0 / 7, s[1], Tolerance);
        Assert.Equal(Math.Sqrt(4.0 / 7), s[2], Tolerance);
        Assert.Equal(Math.Cbrt(8.0 / 35), s[3], Tolerance);
        Assert.Equal(0.0, s[4]);
    }

    [Fact]
    public void AnEmptyHypothesisCorpusScoresZeroAndMismatchedInputsAreRefused()
    {
        // c = 0 → BP = 0 and every precision 0/0 = 0.
        var s = One("", "a b");
        Assert.Equal(0, s.HypothesisLength);
        Assert.Equal(0.0, s.BrevityPenalty);
        Assert.Equal(0.0, s[1]);
        Assert.Throws<ArgumentException>(() => Bleu.Corpus([[W("a")]], [W("a"), W("b")]));
        Assert.Throws<ArgumentException>(() => Bleu.Corpus([[]], [W("a")]));
        Assert.Throws<ArgumentException>(() => One("a", "a").Bleu(5));
    }
}
