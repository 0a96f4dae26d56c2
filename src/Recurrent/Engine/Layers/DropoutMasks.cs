// DropoutMasks: the inverted-dropout masks of the recurrent layers and the sequence model, drawn from the model's
// dropout generator. A mask holds 0 (dropped) or 1/(1−p) (kept, scaled so the expected value is unchanged and
// evaluation needs no rescaling); forward multiplies by it and backward multiplies the gradient by the same mask.
// Two shapes over a time-major (T, B, F) tensor:
//   element — a fresh draw per (t, b, f) (PyTorch's nn.Dropout / nn.LSTM dropout);
//   locked  — one (B, F) draw repeated at every step t (variational dropout, Gal & Ghahramani 2016; AWD-LSTM's
//             LockedDropout, Merity et al. 2017): a unit is dropped for the whole window of a row.
// Not here: embedding dropout draws one scale per vocabulary row (SequenceModel), weight drop one per element of
// W_hh (RecurrentDirection); both use Element on their own buffers.
// With a DropoutShare (data parallelism) the (T,B,F) and locked masks are drawn for the whole batch and only this
// process's rows kept (the other rows' numbers are drawn and discarded), so the generator advances as in one process.
using System.Numerics;
using Recurrent.Randomness;

namespace Recurrent.Layers;

/// <summary>Inverted-dropout masks: 0 or 1/(1−p) per element, per (t, b, f) or locked across time.</summary>
internal static class DropoutMasks
{
    /// <summary>mask[j] = 0 with probability p, else 1/(1−p), one draw per element in order.</summary>
    public static void Element<T>(Span<T> mask, double p, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T keep = T.CreateChecked(1.0 / (1.0 - p));
        for (int j = 0; j < mask.Length; j++) mask[j] = rng.NextDouble() < p ? T.Zero : keep;
    }

    /// <summary>mask (T,B,F): one (B,F) draw (row by row), copied to every step.</summary>
    public static void Locked<T>(Span<T> mask, int steps, int batch, int features, double p, Rng rng)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int step = batch * features;
        Span<T> first = mask.Slice(0, step);
        Element(first, p, rng);
        for (int t = 1; t < steps; t++) first.CopyTo(mask.Slice(t * step, step));
    }

    /// <summary>
    /// As <see cref="Element{T}(Span{T}, double, Rng)"/> over a (T,B,F) mask, or with a <paramref name="share"/>, this process's B rows of the
    /// (share.Steps, share.Rows, F) mask one process draws: the same draws, in the same order, the others' discarded.
    /// </summary>
    public static void Element<T>(Span<T> mask, int steps, int batch, int features, double p, Rng rng, DropoutShare? share)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (share is not DropoutShare s) { Element(mask, p, rng); return; }
        s.Check(steps, batch);
        int row = batch * features, before = s.First * features, after = (s.Rows - s.First - batch) * features;
        for (int t = 0; t < s.Steps; t++)
        {
            Skip(rng, before);
            if (t < steps) Element(mask.Slice(t * row, row), p, rng);
            else Skip(rng, row);
            Skip(rng, after);
        }
    }

    /// <summary>
    /// As <see cref="Locked{T}(Span{T}, int, int, int, double, Rng)"/>, or with a <paramref name="share"/>, this process's B rows of the (share.Rows, F) draw
    /// one process makes, copied to every step.
    /// </summary>
    public static void Locked<T>(Span<T> mask, int steps, int batch, int features, double p, Rng rng, DropoutShare? share)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (share is not DropoutShare s) { Locked(mask, steps, batch, features, p, rng); return; }
        s.Check(steps, batch);
        int step = batch * features;
        Span<T> first = mask.Slice(0, step);
        Skip(rng, s.First * features);
        Element(first, p, rng);
        Skip(rng, (s.Rows - s.First - batch) * features);
        for (int t = 1; t < steps; t++) first.CopyTo(mask.Slice(t * step, step));
    }

    // Draws and discards what other processes' rows of a mask take (one number per element, as Element draws).
    private static void Skip(Rng rng, int draws)
    {
        for (int i = 0; i < draws; i++) rng.NextDouble();
    }

    /// <summary>x[j] *= mask[j].</summary>
    public static void Apply<T>(Span<T> x, ReadOnlySpan<T> mask) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < x.Length; j++) x[j] *= mask[j];
    }
}
