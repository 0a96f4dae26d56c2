// Histogram: the value distribution of one tensor in stats.jsonl — 20 equal-width bins between its smallest and
// largest finite value (all values equal: the first bin holds them all), with the non-finite values (NaN, ±∞)
// counted apart and left out of the bins. Also the mean |x| of the finite values, which the writer needs for
// mean_abs and ratio_log10, taken in the same two passes.
using System.Numerics;
using System.Runtime.InteropServices;

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
        var (min, max, absSum, nonFinite) = Range(values);
        var counts = new int[Bins];
        long finite = values.Length - nonFinite;
        meanAbs = finite > 0 ? absSum / finite : 0;
        if (finite == 0) return new Histogram(0, 0, counts, nonFinite);
        float width = (max - min) / Bins;
        if (!(width > 0) || !float.IsFinite(width))
        {
            if (max == min)
            {
                counts[0] = (int)finite;
                return new Histogram(min, max, counts, nonFinite);
            }
            width = (float)(((double)max - min) / Bins); // a range too wide for float subtraction
        }
        float scale = 1 / width;
        // v − min ≥ 0 exactly for every finite v ≥ min; the maximum (and rounding up to it) goes in the last bin.
        if (nonFinite == 0)
            foreach (float v in values) counts[Math.Min((int)((v - min) * scale), Bins - 1)]++;
        else
            foreach (float v in values)
                if (float.IsFinite(v)) counts[Math.Min((int)((v - min) * scale), Bins - 1)]++;
        return new Histogram(min, max, counts, nonFinite);
    }

    // Smallest and largest finite value, Σ|x| of the finite values and the count of the others: Vector<float> lanes while
    // every value is finite (x − x is 0 only for finite x), the scalar loop from the first block that is not.
    private static (float Min, float Max, double AbsSum, long NonFinite) Range(ReadOnlySpan<float> values)
    {
        int i = 0, w = Vector<float>.Count;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        double absSum = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= w)
        {
            var vMin = new Vector<float>(float.PositiveInfinity);
            var vMax = new Vector<float>(float.NegativeInfinity);
            var vSum = Vector<float>.Zero;
            ReadOnlySpan<Vector<float>> blocks = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (int n = 0; n < blocks.Length; n++)
            {
                var v = blocks[n];
                if (!Vector.EqualsAll(v - v, Vector<float>.Zero)) break;
                vMin = Vector.Min(vMin, v);
                vMax = Vector.Max(vMax, v);
                vSum += Vector.Abs(v);
                // Partial sums in float lose precision over millions of values: fold into the double every 1024 blocks.
                if ((n & 1023) == 1023) { absSum += Vector.Sum(vSum); vSum = Vector<float>.Zero; }
                i += w;
            }
            absSum += Vector.Sum(vSum);
            for (int j = 0; j < w; j++) { min = Math.Min(min, vMin[j]); max = Math.Max(max, vMax[j]); }
        }
        long nonFinite = 0;
        for (; i < values.Length; i++)
        {
            float v = values[i];
            if (!float.IsFinite(v)) { nonFinite++; continue; }
            if (v < min) min = v;
            if (v > max) max = v;
            absSum += Math.Abs(v);
        }
        return (min, max, absSum, nonFinite);
    }
}
