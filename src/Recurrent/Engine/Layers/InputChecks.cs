// InputChecks: validation of user-supplied batches shared by the input layers.
namespace Recurrent.Layers;

internal static class InputChecks
{
    /// <summary>Throws ArgumentException naming the first id outside [0, vocabularySize) and its position.</summary>
    public static void TokenIds(ReadOnlySpan<int> ids, int vocabularySize)
    {
        for (int n = 0; n < ids.Length; n++)
            if ((uint)ids[n] >= (uint)vocabularySize)
                throw new ArgumentException(
                    $"Token id {ids[n]} at position {n} is outside the vocabulary [0, {vocabularySize}).", nameof(ids));
    }
}
