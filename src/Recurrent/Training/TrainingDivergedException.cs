// TrainingDivergedException: the fit loop gave up on a run — too many steps in a row whose loss or gradient was
// not finite or grew past the divergence limit, or weights that are no longer finite. The last checkpoint on
// disk is the last good one; nothing broken was written over it.
namespace Recurrent.Training;

/// <summary>The loss or gradient stayed non-finite or diverged (or the weights became non-finite); the last good checkpoint was kept.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
