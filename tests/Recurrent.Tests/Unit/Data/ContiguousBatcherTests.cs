// ContiguousBatcher: char-rnn's B contiguous streams and (T,B) windows checked by hand, targets shifted by one,
// exact resume from a saved position, the too-short error and zero allocation per window.
using Recurrent.Data;

namespace Recurrent.Tests.Data;

public sealed class ContiguousBatcherTests
{
    [Fact]
    public void WindowsAreTimeMajorContiguousStreamsWithShiftedTargets()
    {
        // N = 23, B = 2 → streams [0..10] and [11..21] (token 22 unused); T = 3 → ⌊(11 − 1)/3⌋ = 3 windows.
        using var tokens = TokenStream.FromArray(Enumerable.Range(100, 23).ToArray());
        var batcher = new ContiguousBatcher(tokens, batchSize: 2, sequenceLength: 3);
        Assert.Equal(11, batcher.StreamLength);
        Assert.Equal(3, batcher.WindowsPerEpoch);
        var x = new int[6];
        var y = new int[6];

        Assert.True(batcher.Next(x, y));
        Assert.Equal([100, 111, 101, 112, 102, 113], x);  // (t=0: s0, s1), (t=1: ...), ...
        Assert.Equal([101, 112, 102, 113, 103, 114], y);
        Assert.True(batcher.Next(x, y));
        Assert.Equal([103, 114, 104, 115, 105, 116], x);
        Assert.Equal([104, 115, 105, 116, 106, 117], y);
        Assert.True(batcher.Next(x, y));
        Assert.Equal([106, 117, 107, 118, 108, 119], x);
        Assert.Equal([107, 118, 108, 119, 109, 120], y);
        Assert.True(batcher.EpochComplete);
        Assert.False(batcher.Next(x, y));
        Assert.Equal([106, 117, 107, 118, 108, 119], x); // untouched at the end of the epoch

        batcher.Reset();
        Assert.True(batcher.Next(x, y));
        Assert.Equal([100, 111, 101, 112, 102, 113], x);
    }

    [Fact]
    public void ResumingFromASavedPositionGivesTheSameWindows()
    {
        using var tokens = TokenStream.FromArray(Enumerable.Range(0, 1000).Select(i => i * 7 % 31).ToArray());
        var straight = new ContiguousBatcher(tokens, 4, 10);
        var resumed = new ContiguousBatcher(tokens, 4, 10);
        var x1 = new int[40]; var y1 = new int[40];
        var x2 = new int[40]; var y2 = new int[40];
        for (int i = 0; i < 7; i++) straight.Next(x1, y1);
        long saved = straight.Position;
        Assert.Equal(7, saved);
        resumed.Position = saved;
        while (straight.Next(x1, y1))
        {
            Assert.True(resumed.Next(x2, y2));
            Assert.Equal(x1, x2);
            Assert.Equal(y1, y2);
        }
        Assert.True(resumed.EpochComplete);
        Assert.Throws<ArgumentOutOfRangeException>(() => resumed.Position = resumed.WindowsPerEpoch + 1);
    }

    [Fact]
    public void DataShorterThanOneWindowNamesTheSizes()
    {
        using var tokens = TokenStream.FromArray(new int[43]);
        var e = Assert.Throws<ArgumentException>(() => new ContiguousBatcher(tokens, batchSize: 4, sequenceLength: 10));
        Assert.Contains("43 tokens", e.Message);
        Assert.Contains("batch size 4", e.Message);
        Assert.Contains("sequence length 10", e.Message);
        Assert.Contains("= 44", e.Message);
        using var exact = TokenStream.FromArray(new int[44]);
        Assert.Equal(1, new ContiguousBatcher(exact, 4, 10).WindowsPerEpoch);
        Assert.Equal(0, ContiguousBatcher.CountWindows(43, 4, 10));
        Assert.Equal(1, ContiguousBatcher.CountWindows(44, 4, 10));
    }

    [Fact]
    public void BuffersTooSmallAreRejected()
    {
        using var tokens = TokenStream.FromArray(new int[100]);
        var batcher = new ContiguousBatcher(tokens, 2, 5);
        Assert.Throws<ArgumentException>(() => batcher.Next(new int[9], new int[10]));
        Assert.Throws<ArgumentException>(() => batcher.Next(new int[10], new int[9]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WindowsAllocateNothing(bool memoryMapped)
    {
        using var dir = new TempDirectory();
        int[] ids = Enumerable.Range(0, 200_000).Select(i => i % 97).ToArray();
        using var builder = new TokenStreamBuilder(97, new TokenStorageOptions { MaxInMemoryTokens = memoryMapped ? 1000 : 1 << 20, TemporaryDirectory = dir.Path });
        builder.Append(ids);
        using var tokens = builder.Build();
        Assert.Equal(memoryMapped, tokens.IsMemoryMapped);
        var batcher = new ContiguousBatcher(tokens, 16, 64);
        var x = new int[batcher.WindowSize];
        var y = new int[batcher.WindowSize];
        batcher.Next(x, y); // warm-up
        int windows = 0;
        long allocated = Recurrent.Tests.Support.Allocations.MinimumBytes(() =>
        {
            batcher.Reset();
            windows = 0;
            while (batcher.Next(x, y)) windows++;
            batcher.Reset();
            for (int i = 0; i < 10; i++) batcher.Next(x, y);
        });
        Assert.True(windows > 100);
        Assert.Equal(0, allocated);
        Assert.Equal(ids[10 * 64 - 1], x[(64 - 1) * 16]);       // last window read: stream 0, step 63
        Assert.Equal(ids[batcher.StreamLength + 10 * 64], y[(64 - 1) * 16 + 1]); // stream 1's target
    }
}
