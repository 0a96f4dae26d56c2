// Histogram: the value distribution of one tensor in stats.jsonl — 20 equal-width bins between its smallest and
// largest finite value (all values equal: the first bin holds them all), with the non-finite values (NaN, ±∞)
// counted apart and left out of the bins. Also the mean |x| of the finite values, which the writer needs for
// mean_abs and ratio_log10, taken in the same two passes.
namespace Recurrent.Training;

/// <summary>Equal-width histogram of a tensor's finite values.</summary>
/// <param name="Min">Smallest finite value (0 when there is none).</param>
/// <param name="Max">Largest finite value (0 when there is none).</param>
/// <param name="Counts">Values per bin; bin i covers [Min + i·w, Min + (i+1)·w), the last one includes Max.</param>
/// <param name="NonFinite">NaN and infinite values, not in any bin.</param>
public sealed record Histogram(float Min, float Max, int[] Counts, long NonFinite)
{
    /// <summary>Bins of every histogram in stats.jsonl.</summary>
    public const int Bins = 20;

    /// <summary>Values counted in the bins.</summary>
    public long Finite => Counts.Sum(c => (long)c);

    /// <summary>The histogram of <paramref name="values"/> in <see cref="Bins"/> bins; <paramref name="meanAbs"/> is mean |x| of the finite values (0 when none).</summary>
    public static Histogram Of(ReadOnlySpan<float> values, out double meanAbs)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        double absSum = 0;
        long nonFinite = 0;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) { nonFinite++; continue; }
            if (v < min) min = v;
            if (v > max) max = v;
            absSum += Math.Abs(v);
        }
        var counts = new int[Bins];
        long finite = values.Length - nonFinite;
        meanAbs = finite > 0 ? absSum / finite : 0;
        if (finite == 0) return new Histogram(0, 0, counts, nonFinite);
        double width = ((double)max - min) / Bins;
        if (width == 0)
        {
            counts[0] = (int)finite;
            return new Histogram(min, max, counts, nonFinite);
        }
        double scale = 1 / width;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            int bin = (int)((v - (double)min) * scale);
            counts[Math.Min(bin, Bins - 1)]++;
        }
        return new Histogram(min, max, counts, nonFinite);
    }
}
