// ThreadedReducer: an in-process IGradientReducer for tests — N "ranks" as N threads of one process, each with its
// own reducer object over one shared exchange. Sum is a collective like MPI_Allreduce: every rank deposits its
// buffer, waits for the others, adds the N buffers in rank order (so every rank gets bit-identical sums) and waits
// again before anyone reuses a buffer. A rank that fails breaks the barrier, so the others fail too instead of hanging.
using Recurrent.Training;

namespace Recurrent.Tests.Support;

internal sealed class ThreadedReducer : IGradientReducer
{
    private readonly Exchange _exchange;

    private ThreadedReducer(Exchange exchange, int rank)
    {
        _exchange = exchange;
        Rank = rank;
    }

    public int Rank { get; }
    public int Size => _exchange.Size;

    /// <summary>One reducer per rank of a job of <paramref name="size"/> threads.</summary>
    public static ThreadedReducer[] Create(int size)
    {
        var exchange = new Exchange(size);
        return [.. Enumerable.Range(0, size).Select(r => new ThreadedReducer(exchange, r))];
    }

    /// <summary>Runs <paramref name="rank"/> for every rank on its own thread and waits for all; rethrows the first failure.</summary>
    public static T[] Run<T>(int size, Func<ThreadedReducer, T> rank)
    {
        var reducers = Create(size);
        var results = new T[size];
        var errors = new Exception?[size];
        var threads = reducers.Select(r => new Thread(() =>
        {
            try { results[r.Rank] = rank(r); }
            catch (Exception e) { errors[r.Rank] = e; r._exchange.Barrier.Dispose(); }
        }, 16 << 20)).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        if (errors.FirstOrDefault(e => e is not null and not ObjectDisposedException and not BarrierPostPhaseException) is Exception first)
            throw new AggregateException(first);
        return results;
    }

    public void Sum(Span<float> values) => Sum<float>(values, (a, b) => a + b);

    public void Sum(Span<double> values) => Sum<double>(values, (a, b) => a + b);

    private void Sum<T>(Span<T> values, Func<T, T, T> add)
    {
        var x = _exchange;
        x.Buffers[Rank] = values.ToArray();
        x.Barrier.SignalAndWait();
        for (int i = 0; i < values.Length; i++)
        {
            T s = ((T[])x.Buffers[0]!)[i];
            for (int r = 1; r < Size; r++) s = add(s, ((T[])x.Buffers[r]!)[i]);
            values[i] = s;
        }
        x.Barrier.SignalAndWait();
    }

    private sealed class Exchange(int size)
    {
        public int Size { get; } = size;
        public Barrier Barrier { get; } = new(size);
        public object?[] Buffers { get; } = new object?[size];
    }
}
