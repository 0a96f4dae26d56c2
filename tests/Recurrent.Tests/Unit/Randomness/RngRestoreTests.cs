// Rng.Restore continues a saved stream exactly, in place (so objects holding the generator keep it).
using Recurrent.Randomness;

namespace Recurrent.Tests.Randomness;

public sealed class RngRestoreTests
{
    [Fact]
    public void RestoreContinuesTheSavedStream()
    {
        var a = new Rng(5);
        for (int i = 0; i < 10; i++) a.NextUInt64();
        var saved = a.State;
        ulong[] expected = Enumerable.Range(0, 5).Select(_ => a.NextUInt64()).ToArray();
        var b = new Rng(99);
        b.Restore(saved);
        Assert.Equal(expected, Enumerable.Range(0, 5).Select(_ => b.NextUInt64()).ToArray());
        Assert.Throws<ArgumentException>(() => b.Restore((0, 0, 0, 0)));
    }
}
