// TrainDistributed: how `rnn train` runs as one process of a data-parallel job (docs/distributed.md). Under an MPI
// launcher (mpirun sets OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_SIZE) or with --distributed, MPI is initialised
// through Recurrent.Distributed and its reducer goes to the run; without MPI installed that is one message saying
// what to install. Rank 0 is the run as usual; the other ranks print nothing to standard output (errors still go to
// standard error, prefixed with the rank) and write no file. A rank that fails ends the whole job (MPI_Abort), so no
// other rank waits forever in its next sum; a run that ends normally finalises MPI on every rank. At the end rank 0
// prints its time in MPI_Allreduce per update (the `allreduce (rank 0):` line; docs/distributed.md, Scaling).
using Recurrent.Distributed;

namespace Recurrent.Cli.Commands;

/// <summary>This process's part in a data-parallel `rnn train`.</summary>
internal sealed class TrainDistributed : IDisposable
{
    private readonly TextWriter? _stdout;

    private TrainDistributed(MpiReducer reducer)
    {
        Reducer = reducer;
        if (reducer.Rank != 0)
        {
            _stdout = Console.Out;
            Console.SetOut(TextWriter.Null);
        }
    }

    /// <summary>The sums over the job's processes.</summary>
    public MpiReducer Reducer { get; }
    /// <summary>True on rank 0, the process that writes the run directory and the progress.</summary>
    public bool IsRoot => Reducer.Rank == 0;

    /// <summary>
    /// Joins the MPI job when this process was started by an MPI launcher or <paramref name="requested"/> (--distributed);
    /// null otherwise. Throws UserFacingException saying what to install when there is no usable MPI library.
    /// </summary>
    public static TrainDistributed? Join(bool requested)
    {
        if (!requested && !MpiEnvironment.IsLaunched) return null;
        try
        {
            return new TrainDistributed(MpiReducer.Initialize());
        }
        catch (Exception e) when (e is MpiException or DllNotFoundException or EntryPointNotFoundException)
        {
            throw new UserFacingException(
                $"data-parallel training (--distributed, or running under mpirun) needs MPI: {e.Message.TrimEnd('.')}.");
        }
    }

    /// <summary>
    /// Runs <paramref name="train"/> as this rank; when it throws in a job of more than one process, prints the error
    /// (rank 0 as `rnn: ...`, the others as `rnn: rank R: ...`) and ends every process of the job with exit code 2
    /// (a user error) or 1.
    /// </summary>
    public int Run(Func<int> train, bool verbose)
    {
        if (Reducer.Size == 1) return train();
        try
        {
            return train();
        }
        catch (Exception e)
        {
            bool user = e is UserFacingException or ArgumentException or IOException or InvalidDataException
                or Recurrent.Training.TrainingDivergedException or InvalidOperationException;
            // A mistake in the flags or the data fails every rank alike: the others wait a moment so that rank 0's
            // message is the one printed (its MPI_Abort ends them first); an error of their own still gets out.
            if (!IsRoot && user) Thread.Sleep(2000);
            string message = e is ArgumentException { ParamName: string name } ? e.Message.Replace($" (Parameter '{name}')", "") : e.Message;
            Console.Error.WriteLine(IsRoot ? $"rnn: {message}" : $"rnn: rank {Reducer.Rank}: {message}");
            if (verbose || !user) Console.Error.WriteLine(e);
            Console.Error.Flush();
            Reducer.Abort(user ? 2 : 1);
            throw; // not reached: MPI_Abort ends the process
        }
    }

    /// <summary>
    /// Rank 0's time in MPI_Allreduce, one line: the gradient sums (one per update; median, range and mean per update,
    /// waiting for the slowest rank included) and the small double sums; null when nothing was summed.
    /// </summary>
    public string? AllreduceLine()
    {
        var ms = Reducer.FloatSumMilliseconds;
        if (Reducer.Size == 1 || ms.Count == 0) return null;
        var sorted = ms.Order().ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return string.Format(inv,
            "allreduce (rank 0): {0} gradient sums of {1:N0} floats ({2:F1} MB): median {3:F2} ms, min {4:F2}, max {5:F2}, mean {6:F2} ms per update; other sums {7:F2} s in all",
            ms.Count, Reducer.LastFloatSumLength, Reducer.LastFloatSumLength * 4 / 1e6, median, sorted[0], sorted[^1], ms.Average(), Reducer.DoubleSumSeconds);
    }

    /// <summary>Puts standard output back and finalises MPI.</summary>
    public void Dispose()
    {
        if (IsRoot && AllreduceLine() is string line) Console.WriteLine(line);
        if (_stdout is not null) Console.SetOut(_stdout);
        Reducer.Dispose();
    }
}
