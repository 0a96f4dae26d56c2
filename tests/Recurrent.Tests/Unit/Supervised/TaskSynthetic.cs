// Learnable synthetic data for the classification and tagging tests, generated from a seed: texts labelled
// by whether they contain the letter 'z', numeric sequences labelled by the sign of their sum, three-channel
// sequences labelled by whether the means of two channels have the same sign, and
// sentences whose BIO tags are a fixed function of each token (with two-token PER and LOC entities).
using System.Globalization;
using System.Text;
using Recurrent.Randomness;

namespace Recurrent.Tests.Supervised;

internal static class TaskSynthetic
{
    /// <summary>Lines "yes|no&lt;TAB&gt;text" (yes iff the text contains 'z'); <paramref name="flip"/> of them get the wrong label.</summary>
    public static string Tsv(int lines, ulong seed, int flip = 0)
    {
        var rng = new Rng(seed);
        var sb = new StringBuilder();
        for (int i = 0; i < lines; i++)
        {
            int n = 2 + rng.NextInt(10);
            bool withZ = rng.NextDouble() < 0.5;
            var text = new StringBuilder();
            for (int k = 0; k < n; k++) text.Append("abcd"[rng.NextInt(4)]);
            if (withZ) text[rng.NextInt(n)] = 'z';
            bool yes = text.ToString().Contains('z') ^ (i < flip);
            sb.Append(yes ? "yes" : "no").Append('\t').Append(text).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Lines "pos|neg,v1,...,vn" (pos iff the sum is positive), 3..9 values in ±1.</summary>
    public static string Csv(int lines, ulong seed)
    {
        var rng = new Rng(seed);
        var sb = new StringBuilder();
        for (int i = 0; i < lines; i++)
        {
            int n = 3 + rng.NextInt(7);
            double[] v = Enumerable.Range(0, n).Select(_ => Math.Round(rng.Uniform(-1, 1), 3)).ToArray();
            sb.Append(v.Sum() > 0 ? "pos" : "neg");
            foreach (double x in v) sb.Append(',').Append(x.ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// Lines "same|diff," then T·3 numbers step-major (T in 4..10; step t's channels 0, 1, 2): channel 0 is
    /// s0·0.5 + U(−0.8, 0.8), channel 1 the same with its own sign s1 at 40 times the scale, channel 2 noise around
    /// 100. The label is "same" iff the means of channels 0 and 1 (of the numbers written) have the same sign. s0 and
    /// s1 are drawn independently, so neither channel alone says anything about the label: only their interaction
    /// (an XOR of the two signs) does, and each sign needs several steps to be sure of.
    /// </summary>
    public static string Multichannel(int lines, ulong seed)
    {
        var rng = new Rng(seed);
        var sb = new StringBuilder();
        for (int i = 0; i < lines; i++)
        {
            int steps = 4 + rng.NextInt(7);
            double s0 = rng.NextDouble() < 0.5 ? -1 : 1, s1 = rng.NextDouble() < 0.5 ? -1 : 1;
            var v = new double[steps * 3];
            for (int t = 0; t < steps; t++)
            {
                v[t * 3] = Math.Round(s0 * 0.5 + rng.Uniform(-0.8, 0.8), 3);
                v[t * 3 + 1] = Math.Round(40 * (s1 * 0.5 + rng.Uniform(-0.8, 0.8)), 2);
                v[t * 3 + 2] = Math.Round(100 + rng.Uniform(-5, 5), 2);
            }
            double mean0 = Enumerable.Range(0, steps).Average(t => v[t * 3]), mean1 = Enumerable.Range(0, steps).Average(t => v[t * 3 + 1]);
            sb.Append(Math.Sign(mean0) == Math.Sign(mean1) ? "same" : "diff");
            foreach (double x in v) sb.Append(',').Append(x.ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static readonly (string Word, string Tag)[] Lexicon =
    [
        ("the", "O"), ("a", "O"), ("went", "O"), ("to", "O"), ("saw", "O"), ("and", "O"),
        ("john", "B-PER"), ("mary", "B-PER"), ("smith", "I-PER"), ("paris", "B-LOC"), ("rome", "B-LOC"), ("city", "I-LOC"),
    ];

    /// <summary>
    /// CoNLL text: sentences of 2..8 tokens; "smith" only after a PER start and "city" only after a LOC start,
    /// so the tags are well-formed BIO. <paramref name="noise"/> tokens get a wrong tag (O ↔ B-PER), and
    /// <paramref name="unknownWords"/> sentences gain a word never seen in training.
    /// </summary>
    public static string Conll(int sentences, ulong seed, int noise = 0, int unknownWords = 0)
    {
        var rng = new Rng(seed);
        var sb = new StringBuilder("-DOCSTART- -X- O\n\n");
        int noisy = 0;
        for (int s = 0; s < sentences; s++)
        {
            int n = 2 + rng.NextInt(7);
            for (int k = 0; k < n; k++)
            {
                var (word, tag) = Lexicon[rng.NextInt(Lexicon.Length)];
                if (tag.StartsWith("I-", StringComparison.Ordinal)) (word, tag) = tag == "I-PER" ? ("john", "B-PER") : ("paris", "B-LOC");
                if (noisy < noise && rng.NextDouble() < 0.2) { tag = tag == "O" ? "B-PER" : "O"; noisy++; }
                sb.Append(word).Append(' ').Append(tag).Append('\n');
                if (tag == "B-PER" && word != "john" && word != "mary") continue;
                if (word is "john" or "mary" && rng.NextDouble() < 0.5) { sb.Append("smith I-PER\n"); k++; }
                else if (word is "paris" or "rome" && rng.NextDouble() < 0.5) { sb.Append("city I-LOC\n"); k++; }
            }
            if (s < unknownWords) sb.Append("zorglub O\n");
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
