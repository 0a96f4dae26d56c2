// Shuffling: the one Fisher–Yates shuffle and the one held-out split of the library, both driven by the
// library's seeded Rng so a fixed seed gives the same order and the same split on every run and platform.
using Recurrent.Randomness;

namespace Recurrent.Data;

/// <summary>Seeded shuffles and train/validation splits.</summary>
public static class Shuffling
{
    /// <summary>Fisher–Yates shuffle of <paramref name="items"/> in place with <paramref name="rng"/>.</summary>
    public static void Shuffle<TItem>(Span<TItem> items, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>
    /// Splits <paramref name="items"/> into training and held-out parts: a seeded shuffle, then the last
    /// ⌊N·fraction⌋ items (at least one when the fraction is positive and N ≥ 2) are held out.
    /// </summary>
    public static (List<TItem> Train, List<TItem> Validation) Split<TItem>(IReadOnlyList<TItem> items, double fraction, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (!(fraction >= 0 && fraction < 1)) throw new ArgumentException($"The held-out fraction must be in [0, 1), got {fraction}.", nameof(fraction));
        int[] order = Enumerable.Range(0, items.Count).ToArray();
        Shuffle<int>(order, new Rng(seed ^ 0x5B17));
        int held = (int)Math.Floor(items.Count * fraction);
        if (fraction > 0 && held == 0 && items.Count >= 2) held = 1;
        var train = order.Take(items.Count - held).Select(i => items[i]).ToList();
        var validation = order.Skip(items.Count - held).Select(i => items[i]).ToList();
        return (train, validation);
    }
}
