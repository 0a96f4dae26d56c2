// WorkerPool: a small persistent pool of background threads for Sgemm (not the .NET ThreadPool, and no Task or
// Parallel.For per call). The calling thread is participant 0 and up to ProcessorCount - 1 workers join it. A call
// publishes a static function pointer and offers it to the workers through a per-worker ticket counter (Interlocked);
// a woken worker spins for a while before blocking on an event, so back-to-back GEMMs (one per RNN step) find it
// awake. All workers start when the pool is first touched (by the first GEMM big enough to share), so nothing
// allocates afterwards whichever thread count later calls use. One GEMM uses the pool at a time (TryEnter); a
// concurrent caller that finds it busy runs single-threaded, which gives bit-identical results by construction.
// A worker that has not picked up its offer when the caller is done is cancelled, not waited for, so a descheduled
// worker (the machine is shared) never stalls a GEMM; participants share the work through the job itself (Sgemm
// hands out units with Interlocked tickets). The work function must not throw (it is driver code behind validated
// arguments); an exception is rethrown on the caller.
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Recurrent.Kernels;

/// <summary>A job for <see cref="WorkerPool.TryRun"/>: Run(index, count) on each participant; it must complete the
/// whole job with any subset of participants (a worker may be cancelled) and must not throw.</summary>
internal interface IPooledWork
{
    void Run(int index, int count);
}

internal static unsafe class WorkerPool
{
    private static int s_busy;

    private static delegate*<int, int, void> s_work;
    private static int s_count;
    private static Exception? s_error;

    /// <summary>How long an idle worker spins before it blocks (Stopwatch ticks, about 1 ms).</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 1000;

    /// <summary>Largest participant count (the caller plus workers): the processor count, but at least 2 so that the
    /// split-and-join code runs (and is tested) on single-core machines too.</summary>
    public static int MaxParticipants { get; } = Math.Max(2, Environment.ProcessorCount);

    private static readonly Worker[] s_workers = StartWorkers(MaxParticipants - 1);

    /// <summary>Claims the pool for one call; false when another thread holds it.</summary>
    public static bool TryEnter() => Interlocked.CompareExchange(ref s_busy, 1, 0) == 0;

    /// <summary>Releases the pool claimed by <see cref="TryEnter"/>.</summary>
    public static void Exit() => Volatile.Write(ref s_busy, 0);

    /// <summary>
    /// Runs work(index, count) on the calling thread (index 0) and offers it to count - 1 workers; returns when
    /// every worker that started has finished. A worker that has not started by the time the caller is done is
    /// cancelled rather than waited for (it may be descheduled on a busy machine), so the work function must get
    /// the job done with any subset of participants: Sgemm hands out its units with tickets. The caller must hold
    /// the pool.
    /// </summary>
    /// <param name="work">The job, run as work(index, count).</param>
    /// <param name="count">Participants, the caller included.</param>
    /// <param name="waitForWorkers">Start the caller's share only once every worker has taken its offer (tests use
    /// this to make sure the work is really split; production never waits for a worker to start).</param>
    public static void Run(delegate*<int, int, void> work, int count, bool waitForWorkers = false)
    {
        Debug.Assert(Volatile.Read(ref s_busy) == 1 && count >= 1 && count <= MaxParticipants);
        s_work = work;
        s_count = count;
        s_error = null;
        for (int w = 0; w < count - 1; w++) s_workers[w].Offer();
        if (waitForWorkers)
            for (int w = 0; w < count - 1; w++) s_workers[w].WaitUntilTaken();
        try
        {
            work(0, count);
        }
        finally
        {
            for (int w = 0; w < count - 1; w++) s_workers[w].Join();
        }
        if (s_error is { } error) ExceptionDispatchInfo.Throw(error);
    }

    private static IPooledWork? s_object;

    /// <summary>
    /// Claims the pool and runs work.Run(index, count) as <see cref="Run"/> does; false (nothing run) when another
    /// thread holds the pool. For callers outside the kernels, which pass an object instead of a function pointer.
    /// </summary>
    public static bool TryRun(IPooledWork work, int count)
    {
        if (!TryEnter()) return false;
        try
        {
            s_object = work;
            Run(&RunObject, count);
        }
        finally
        {
            s_object = null;
            Exit();
        }
        return true;
    }

    private static void RunObject(int index, int count) => s_object!.Run(index, count);

    private static Worker[] StartWorkers(int count)
    {
        var workers = new Worker[count];
        for (int w = 0; w < count; w++) workers[w] = new Worker(w + 1);
        return workers;
    }

    private sealed class Worker
    {
        private const int Idle = 0, Offered = 1, Running = 2, Cancelled = 3;

        private readonly int _index;
        private readonly ManualResetEventSlim _wake = new(false, 0);
        private long _ticket;
        private int _sleeping;
        private int _state;

        public Worker(int index)
        {
            _index = index;
            new Thread(Loop) { IsBackground = true, Name = $"Sgemm worker {index}" }.Start();
        }

        /// <summary>Offers the published job: state first, then the ticket, then the sleeping check (with Loop's
        /// opposite order of ticket and sleeping, one of the two sides always sees the other).</summary>
        public void Offer()
        {
            Volatile.Write(ref _state, Offered);
            Interlocked.Increment(ref _ticket);
            if (Volatile.Read(ref _sleeping) != 0) _wake.Set();
        }

        /// <summary>Waits until the worker has taken the current offer.</summary>
        public void WaitUntilTaken()
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _state) == Offered) spin.SpinOnce(sleep1Threshold: -1);
        }

        /// <summary>Cancels the offer if the worker has not taken it, else waits until it has finished.</summary>
        public void Join()
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Offered) == Offered) return;
            var spin = new SpinWait();
            while (Volatile.Read(ref _state) == Running) spin.SpinOnce(sleep1Threshold: -1);
        }

        private void Loop()
        {
            long seen = 0;
            while (true)
            {
                long spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
                while (Volatile.Read(ref _ticket) == seen)
                {
                    if (Stopwatch.GetTimestamp() < spinUntil) { Thread.SpinWait(20); continue; }
                    _wake.Reset();
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref _ticket) == seen) _wake.Wait();
                    Volatile.Write(ref _sleeping, 0);
                    spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
                }
                seen = Volatile.Read(ref _ticket);
                // Take the offer unless the caller has already finished without us (then it was cancelled).
                if (Interlocked.CompareExchange(ref _state, Running, Offered) != Offered) continue;
                try
                {
                    s_work(_index, s_count);
                }
                catch (Exception e)
                {
                    s_error = e;
                }
                Volatile.Write(ref _state, Idle);
            }
        }
    }
}
