// MpiReducer: the core's IGradientReducer over MPI_COMM_WORLD — each Sum is one MPI_Allreduce(MPI_IN_PLACE, ...,
// MPI_SUM) (in chunks of at most 2^30 elements, since MPI counts are int), which Open MPI delivers identically to every
// rank. It owns the process's MPI session: Initialize calls MPI_Init_thread once, Dispose calls MPI_Finalize, and
// Abort (MPI_Abort) ends every process of the job — what a rank must do when it fails, or the others would wait
// forever in their next sum. Weights are not broadcast at the start: every rank builds them from the same seed (or
// file), and the fit loop checks that the ranks' weights are bit-identical at its start and at every checkpoint
// (GradientReduction.CheckSameWeights), which also catches ranks that drift apart later; a broadcast would hide the
// cause of a difference at the start and could not see the drift. The reducer also times its float sums (one per
// training step: the gradient) with a Stopwatch — two timestamps per call, nothing else — for `rnn train`'s
// `allreduce:` line and the scaling measurements of docs/distributed.md. The time includes waiting for the slowest rank.
using System.Diagnostics;

namespace Recurrent.Distributed;

/// <summary>Sums over the processes of an MPI job (MPI_COMM_WORLD); one per process.</summary>
public sealed unsafe class MpiReducer : Recurrent.Training.IGradientReducer, IDisposable
{
    private const int Chunk = 1 << 30;
    private static MpiReducer? _current;
    private readonly MpiLibrary _mpi;
    private bool _finalized;
    private readonly List<double> _floatSumMilliseconds = [];
    private long _doubleSumTicks;
    private int _lastFloatCount;

    private MpiReducer(MpiLibrary mpi, int rank, int size)
    {
        _mpi = mpi;
        Rank = rank;
        Size = size;
    }

    /// <inheritdoc/>
    public int Rank { get; }
    /// <inheritdoc/>
    public int Size { get; }
    /// <summary>The MPI library in use (the file name that was loaded).</summary>
    public string Library => _mpi.Path;

    /// <summary>
    /// Loads the MPI library and initialises MPI for this process (once; a second call returns the same object).
    /// Throws <see cref="MpiException"/> saying what to install when there is no usable MPI library.
    /// </summary>
    public static MpiReducer Initialize()
    {
        if (_current is not null) return _current;
        var mpi = MpiLibrary.Load();
        int initialized = 0, provided = 0, rank = 0, size = 0;
        mpi.Check(mpi.Initialized(&initialized), "MPI_Initialized");
        if (initialized == 0) mpi.Check(mpi.InitThread(null, 0, MpiLibrary.ThreadSerialized, &provided), "MPI_Init_thread");
        mpi.Check(mpi.CommRank(mpi.CommWorld, &rank), "MPI_Comm_rank");
        mpi.Check(mpi.CommSize(mpi.CommWorld, &size), "MPI_Comm_size");
        return _current = new MpiReducer(mpi, rank, size);
    }

    /// <inheritdoc/>
    public void Sum(Span<float> values)
    {
        long began = Stopwatch.GetTimestamp();
        fixed (float* p = values)
            for (int start = 0; start < values.Length; start += Chunk)
                _mpi.Check(_mpi.Allreduce((nint)MpiLibrary.InPlace, p + start, Math.Min(Chunk, values.Length - start), _mpi.Float, _mpi.Sum, _mpi.CommWorld), "MPI_Allreduce");
        _floatSumMilliseconds.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
        _lastFloatCount = values.Length;
    }

    /// <inheritdoc/>
    public void Sum(Span<double> values)
    {
        long began = Stopwatch.GetTimestamp();
        fixed (double* p = values)
            for (int start = 0; start < values.Length; start += Chunk)
                _mpi.Check(_mpi.Allreduce((nint)MpiLibrary.InPlace, p + start, Math.Min(Chunk, values.Length - start), _mpi.Double, _mpi.Sum, _mpi.CommWorld), "MPI_Allreduce");
        _doubleSumTicks += Stopwatch.GetTimestamp() - began;
    }

    /// <summary>Milliseconds each float sum so far took on this rank, in order (a training step sums its gradient once),
    /// waiting for the other ranks included.</summary>
    public IReadOnlyList<double> FloatSumMilliseconds => _floatSumMilliseconds;

    /// <summary>Elements in the last float sum (the gradient's length in a training run).</summary>
    public int LastFloatSumLength => _lastFloatCount;

    /// <summary>Seconds spent in the double sums so far (losses, counts, stop votes, weight checks, state gathers).</summary>
    public double DoubleSumSeconds => (double)_doubleSumTicks / Stopwatch.Frequency;

    /// <summary>Waits until every process of the job has called it (MPI_Barrier).</summary>
    public void Barrier() => _mpi.Check(_mpi.Barrier(_mpi.CommWorld), "MPI_Barrier");

    /// <summary>Ends every process of the job with <paramref name="exitCode"/> (MPI_Abort); does not return.</summary>
    public void Abort(int exitCode)
    {
        _mpi.Abort(_mpi.CommWorld, exitCode);
        Environment.Exit(exitCode); // MPI_Abort does not return; should it, this process still ends
    }

    /// <summary>Ends this process's MPI session (MPI_Finalize), once; every process of the job must call it.</summary>
    public void Dispose()
    {
        if (_finalized) return;
        _finalized = true;
        int finalized = 0;
        if (_mpi.Finalized(&finalized) == MpiLibrary.Success && finalized == 0) _mpi.Check(_mpi.Finalize(), "MPI_Finalize");
    }
}
