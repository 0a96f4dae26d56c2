// EpochOrder: the batches of an epoch over N items for a batch source whose items need no bucketing (seq2seq
// pairs, conditioned sequences): the item indices shuffled (Shuffling.Shuffle) with a generator made from the seed
// and the epoch number alone, then cut into consecutive batches (the last one shorter). So (epoch, position) says
// exactly which items come next, and a resumed run sees the batches an uninterrupted one would.
using Recurrent.Randomness;

namespace Recurrent.Data;

/// <summary>A seeded per-epoch shuffle of item indices, read batch by batch.</summary>
internal sealed class EpochOrder
{
    private readonly int _count, _batchSize;
    private readonly ulong _seed;
    private readonly int[] _order;
    private int _epoch = -1;

    public EpochOrder(int count, int batchSize, ulong seed)
    {
        if (count <= 0) throw new ArgumentException($"There are no items to train on, got {count}.", nameof(count));
        if (batchSize <= 0) throw new ArgumentException($"BatchSize must be positive, got {batchSize}.", nameof(batchSize));
        _count = count;
        _batchSize = batchSize;
        _seed = seed;
        _order = new int[count];
        BatchesPerEpoch = (count + batchSize - 1) / batchSize;
    }

    /// <summary>Batches per epoch.</summary>
    public long BatchesPerEpoch { get; }

    /// <summary>Batches of the current epoch already read.</summary>
    public long Position { get; private set; }

    /// <summary>Starts epoch <paramref name="epoch"/> at batch <paramref name="position"/>.</summary>
    public void Seek(int epoch, long position)
    {
        if (position < 0 || position > BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(position), position, $"Position must be in [0, {BatchesPerEpoch}].");
        if (epoch != _epoch)
        {
            for (int i = 0; i < _count; i++) _order[i] = i;
            Shuffling.Shuffle<int>(_order, new Rng(unchecked(_seed ^ 0x5E0_5E0 ^ ((ulong)(uint)epoch * 0x9E3779B97F4A7C15UL))));
            _epoch = epoch;
        }
        Position = position;
    }

    /// <summary>The item indices of the next batch; moves on.</summary>
    public ReadOnlySpan<int> Next()
    {
        if (Position >= BatchesPerEpoch) throw new InvalidOperationException("The epoch is over; Seek to the next one.");
        int at = (int)Position++ * _batchSize;
        return _order.AsSpan(at, Math.Min(_batchSize, _count - at));
    }
}
