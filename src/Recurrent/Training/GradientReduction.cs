// GradientReduction: the arithmetic of synchronous data parallelism, written once over IGradientReducer's sums.
// Each rank's front end leaves the gradient of its *mean* loss over its c_r counted items (tokens, examples) in
// the parameter store; the single-process step would have the gradient of the mean over C = Σ c_r items, which
// is Σ_r (c_r / C) · g_r. So the (loss·c, c, penalty·c) triple is summed first (doubles), each rank scales its
// gradient by c_r / C and the gradients are summed (floats). Weighting by counts keeps a padded batch whose ranks
// count different numbers of tokens equal to the single-process mean; when the counts are equal and N is a power
// of two, c_r / C is a power of two and the scaling itself rounds nothing. A rank with no items (the last, short
// batch of an epoch split over more ranks than it has examples) contributes zeros.
using System.Numerics;
using System.Runtime.InteropServices;

namespace Recurrent.Training;

/// <summary>Turns one rank's gradient, loss and count into the global ones.</summary>
public static class GradientReduction
{
    /// <summary>
    /// Makes <paramref name="gradient"/> the gradient of the global mean loss (in place) and returns the global mean
    /// loss, counted items and mean activation penalty, from this rank's <paramref name="loss"/> (mean over its
    /// <paramref name="counted"/> items) and <paramref name="penalty"/> (a mean over the same items, or 0).
    /// </summary>
    public static (double Loss, int Counted, double Penalty) Reduce<T>(IGradientReducer reducer, Span<T> gradient, double loss, int counted, double penalty)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(reducer);
        // (loss·c, c, penalty·c): a rank with c = 0 adds nothing, even if its mean is NaN (0/0).
        Span<double> sums = [counted > 0 ? loss * counted : 0, counted, counted > 0 ? penalty * counted : 0];
        reducer.Sum(sums);
        double total = sums[1];
        // No rank counted anything: there is no mean; NaN makes every rank skip the step alike.
        double weight = total > 0 ? counted / total : 0;
        if (weight != 1)
        {
            T w = T.CreateChecked(weight);
            for (int i = 0; i < gradient.Length; i++) gradient[i] *= w;
        }
        if (typeof(T) == typeof(float)) reducer.Sum(MemoryMarshal.Cast<T, float>(gradient));
        else if (typeof(T) == typeof(double)) reducer.Sum(MemoryMarshal.Cast<T, double>(gradient));
        else throw new NotSupportedException($"Gradients of {typeof(T).Name} cannot be reduced; use float or double.");
        return total > 0 ? (sums[0] / total, (int)total, sums[2] / total) : (double.NaN, 0, double.NaN);
    }

    /// <summary>
    /// The global (sum, count) of a quantity each rank measured over its share — a split validation set's total
    /// loss and predictions, say; with a null <paramref name="reducer"/>, the local pair.
    /// </summary>
    public static (double Sum, long Count) SumOverRanks(IGradientReducer? reducer, double sum, long count)
    {
        if (reducer is null || reducer.Size == 1) return (sum, count);
        Span<double> pair = [sum, count];
        reducer.Sum(pair);
        return (pair[0], (long)pair[1]);
    }

    /// <summary>True on every rank when <paramref name="local"/> is true on any (a null reducer: <paramref name="local"/>).</summary>
    public static bool AnyRank(IGradientReducer? reducer, bool local)
    {
        if (reducer is null || reducer.Size == 1) return local;
        Span<double> flag = [local ? 1 : 0];
        reducer.Sum(flag);
        return flag[0] > 0;
    }

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> on every rank when the ranks' <paramref name="weights"/> are not
    /// bit-identical. The ranks start from the same seed (or the same file) and apply the same global update, so they
    /// should never differ; this catches what would break that silently — another seed or model file on one rank, or
    /// machines whose arithmetic differs. Each rank hashes its weights (FNV-1a over the bits) and the ranks sum the four
    /// 16-bit pieces h of the hash and their squares: all ranks agree exactly when N·Σh² = (Σh)² for each piece (exact
    /// in doubles up to 1024 ranks: both sides stay below 2^52).
    /// </summary>
    public static void CheckSameWeights(IGradientReducer? reducer, ReadOnlySpan<float> weights, string when)
    {
        if (reducer is null || reducer.Size == 1) return;
        ulong hash = 14695981039346656037UL;
        foreach (float w in weights) hash = (hash ^ BitConverter.SingleToUInt32Bits(w)) * 1099511628211UL;
        Span<double> sums = stackalloc double[8];
        for (int i = 0; i < 4; i++)
        {
            double piece = (hash >> (16 * i)) & 0xFFFF;
            sums[i] = piece;
            sums[4 + i] = piece * piece;
        }
        reducer.Sum(sums);
        for (int i = 0; i < 4; i++)
            if (reducer.Size * sums[4 + i] != sums[i] * sums[i])
                throw new InvalidOperationException(
                    $"The {reducer.Size} processes of this data-parallel run hold different weights {when}. Every process must start from " +
                    "the same seed and the same initial model, on machines that compute alike (the same CPU features).");
    }

    /// <summary>
    /// Replaces <paramref name="values"/> on every rank by rank <paramref name="from"/>'s (a broadcast, made of one sum:
    /// the other ranks add zeros, and each 64-bit value travels as four 16-bit pieces, exact in doubles). A null reducer
    /// or a single process leaves them as they are. Used to hand every rank the same generator state.
    /// </summary>
    public static void FromRank(IGradientReducer? reducer, Span<ulong> values, int from)
    {
        if (reducer is null || reducer.Size == 1) return;
        if (from < 0 || from >= reducer.Size) throw new ArgumentOutOfRangeException(nameof(from), from, $"There are ranks 0..{reducer.Size - 1}.");
        Span<double> pieces = values.Length <= 64 ? stackalloc double[4 * values.Length] : new double[4 * values.Length];
        pieces.Clear();
        if (reducer.Rank == from)
            for (int i = 0; i < values.Length; i++)
                for (int k = 0; k < 4; k++) pieces[4 * i + k] = (values[i] >> (16 * k)) & 0xFFFF;
        reducer.Sum(pieces);
        for (int i = 0; i < values.Length; i++)
        {
            ulong v = 0;
            for (int k = 0; k < 4; k++) v |= (ulong)pieces[4 * i + k] << (16 * k);
            values[i] = v;
        }
    }

    /// <summary>
    /// The share of <paramref name="items"/> rows that rank <paramref name="rank"/> of <paramref name="size"/> takes:
    /// contiguous, in rank order, differing by at most one, so the ranks' shares put together are all rows in order.
    /// </summary>
    public static (int First, int Count) Share(int items, int rank, int size)
    {
        int first = (int)((long)items * rank / size);
        return (first, (int)((long)items * (rank + 1) / size) - first);
    }
}
