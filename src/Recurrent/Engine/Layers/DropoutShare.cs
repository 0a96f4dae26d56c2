// DropoutShare: which rows of a data-parallel batch this process trains, so that its dropout masks are exactly its
// rows of the masks one process draws for the whole batch. One process draws every mask with a batch dimension for
// all B rows in order ((T,B,F) element by element, or (B,F) row by row for a locked mask); a rank that trains rows
// First..First+b−1 draws the same sequence from the same generator and keeps only its rows' numbers (the others are
// drawn and discarded). Masks without a batch dimension (embedding dropout per vocabulary row, weight drop per
// recurrent weight) are drawn whole on every rank. So every rank's generator ends each forward in the same state as
// the one process's, and the N-rank step is the one-process step with dropout too. The cost: each rank draws the
// whole batch's masks (numbers, not the masked arithmetic).
namespace Recurrent.Layers;

/// <summary>
/// This process's rows of a data-parallel batch for drawing dropout masks: rows <see cref="First"/>.. of a batch of
/// <see cref="Rows"/> rows and <see cref="Steps"/> steps (the longest sequence of the whole batch when it is padded).
/// </summary>
/// <param name="First">The first row of the whole batch that this process trains.</param>
/// <param name="Rows">Rows in the whole batch (every rank's together).</param>
/// <param name="Steps">Steps of the whole batch, at least this process's own.</param>
internal readonly record struct DropoutShare(int First, int Rows, int Steps)
{
    /// <summary>Throws when <paramref name="batch"/> rows of <paramref name="steps"/> steps from <see cref="First"/> do not fit the whole batch.</summary>
    public void Check(int steps, int batch)
    {
        if (First < 0 || First + batch > Rows || steps > Steps)
            throw new InvalidOperationException($"A dropout share of rows {First}..{First + batch - 1} and {steps} steps does not fit a batch of {Rows} rows and {Steps} steps.");
    }
}
