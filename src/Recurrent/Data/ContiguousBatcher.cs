// ContiguousBatcher: char-rnn's batching. The token stream is cut into B contiguous streams of ⌊N/B⌋ tokens;
// window w gives, for every stream b, inputs x[t,b] = stream_b[w·T + t] and targets y[t,b] = stream_b[w·T + t + 1]
// for t < T, time-major (T,B). Consecutive windows continue each stream where the last one stopped, so the
// recurrent state can be carried across windows (truncated BPTT). Windows are written into caller-owned
// buffers without allocating; the position (windows done this epoch) can be saved and restored for an exact
// resume. In a data-parallel job, rank r of N emits only streams r·B/N .. (r+1)·B/N − 1 of the same B-stream layout
// (each window (T, B/N)), so the ranks' windows put side by side are exactly the single-process window.
namespace Recurrent.Data;

/// <summary>
/// Emits (T,B) windows of inputs and next-token targets from B contiguous streams, in order, one epoch at a time.
/// Not thread-safe.
/// </summary>
public sealed class ContiguousBatcher
{
    private readonly TokenStream _tokens;
    private readonly int[] _row;   // (T+1) tokens of one stream

    /// <summary>
    /// Batches <paramref name="tokens"/> into <paramref name="batchSize"/> streams and windows of
    /// <paramref name="sequenceLength"/> steps. Throws ArgumentException naming the sizes when the data holds
    /// fewer than batchSize·(sequenceLength + 1) tokens. With <paramref name="ranks"/> &gt; 1 the batcher emits only rank
    /// <paramref name="rank"/>'s batchSize/ranks streams of that layout; batchSize must then be a multiple of ranks.
    /// </summary>
    public ContiguousBatcher(TokenStream tokens, int batchSize, int sequenceLength, int rank = 0, int ranks = 1)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (batchSize <= 0) throw new ArgumentException($"batchSize must be positive, got {batchSize}.", nameof(batchSize));
        if (sequenceLength <= 0) throw new ArgumentException($"sequenceLength must be positive, got {sequenceLength}.", nameof(sequenceLength));
        if (ranks <= 0 || rank < 0 || rank >= ranks)
            throw new ArgumentException($"rank {rank} of {ranks} processes is not a rank.", nameof(rank));
        if (batchSize % ranks != 0)
            throw new ArgumentException($"batchSize {batchSize} cannot be split evenly over {ranks} processes; use a multiple of {ranks}.", nameof(batchSize));
        long needed = (long)batchSize * (sequenceLength + 1);
        if (tokens.Length < needed)
            throw new ArgumentException(
                $"The data has {tokens.Length} tokens, fewer than one window needs: batch size {batchSize} × " +
                $"(sequence length {sequenceLength} + 1) = {needed}. Use a smaller batch size or sequence length, or more data.",
                nameof(tokens));
        _tokens = tokens;
        BatchSize = batchSize / ranks;
        FirstStream = rank * BatchSize;
        SequenceLength = sequenceLength;
        StreamLength = tokens.Length / batchSize;
        WindowsPerEpoch = (StreamLength - 1) / sequenceLength;
        _row = new int[sequenceLength + 1];
    }

    /// <summary>B: number of parallel streams this batcher emits (B/N of the layout's B on one rank of N).</summary>
    public int BatchSize { get; }

    /// <summary>The layout's index of this batcher's first stream (0 unless it is one rank's share).</summary>
    public int FirstStream { get; }

    /// <summary>T: time steps per window.</summary>
    public int SequenceLength { get; }

    /// <summary>⌊N/B⌋: tokens in each stream (the last N mod B tokens are not used).</summary>
    public long StreamLength { get; }

    /// <summary>⌊(StreamLength − 1)/T⌋: windows in one epoch.</summary>
    public long WindowsPerEpoch { get; }

    /// <summary>Number of values in one inputs (or targets) buffer: T·B.</summary>
    public int WindowSize => SequenceLength * BatchSize;

    /// <summary>Windows already emitted this epoch (0..WindowsPerEpoch); set it to resume exactly where a run stopped.</summary>
    public long Position
    {
        get;
        set
        {
            if (value < 0 || value > WindowsPerEpoch)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Position must be in [0, {WindowsPerEpoch}].");
            field = value;
        }
    }

    /// <summary>True when every window of the epoch has been emitted.</summary>
    public bool EpochComplete => Position == WindowsPerEpoch;

    /// <summary>Starts the epoch again from the first window (the streams are fixed: char-rnn does not shuffle).</summary>
    public void Reset() => Position = 0;

    /// <summary>
    /// Writes the next window into <paramref name="inputs"/> and <paramref name="targets"/> (each (T,B), at least
    /// T·B long) and advances; returns false, writing nothing, when the epoch is complete.
    /// </summary>
    public bool Next(Span<int> inputs, Span<int> targets)
    {
        if (EpochComplete) return false;
        Window(Position, inputs, targets);
        Position++;
        return true;
    }

    /// <summary>Writes window <paramref name="index"/> (0..WindowsPerEpoch−1) without moving <see cref="Position"/>.</summary>
    public void Window(long index, Span<int> inputs, Span<int> targets)
    {
        if ((ulong)index >= (ulong)WindowsPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Window index must be in [0, {WindowsPerEpoch}).");
        int t = SequenceLength, b = BatchSize;
        if (inputs.Length < t * b) throw new ArgumentException($"inputs has {inputs.Length} values; a (T,B) window needs {t}*{b} = {t * b}.", nameof(inputs));
        if (targets.Length < t * b) throw new ArgumentException($"targets has {targets.Length} values; a (T,B) window needs {t}*{b} = {t * b}.", nameof(targets));
        Span<int> row = _row;
        for (int s = 0; s < b; s++)
        {
            _tokens.CopyTo((FirstStream + s) * StreamLength + index * t, row);
            for (int step = 0; step < t; step++)
            {
                inputs[step * b + s] = row[step];
                targets[step * b + s] = row[step + 1];
            }
        }
    }

    /// <summary>Windows per epoch for <paramref name="tokenCount"/> tokens (0 when shorter than one window).</summary>
    public static long CountWindows(long tokenCount, int batchSize, int sequenceLength)
    {
        if (batchSize <= 0) throw new ArgumentException($"batchSize must be positive, got {batchSize}.", nameof(batchSize));
        if (sequenceLength <= 0) throw new ArgumentException($"sequenceLength must be positive, got {sequenceLength}.", nameof(sequenceLength));
        long streamLength = tokenCount / batchSize;
        return streamLength < sequenceLength + 1 ? 0 : (streamLength - 1) / sequenceLength;
    }
}
