// IGradientReducer: what synchronous data parallelism asks of a communication layer — element-wise sums over the
// processes ("ranks") of one job, the same result on every rank (MPI_Allreduce with MPI_SUM). The library never
// talks to MPI itself (the core stays pure managed): src/Recurrent.Distributed implements this over MPI, a test
// implements it in-process. Given to a StepEngine, it makes every kind of model train data-parallel: each rank
// runs forward and backward on its share of the global batch, and GradientReduction turns the local gradient,
// loss and count into the global ones before the clip, the finiteness guard and the update, which then run
// identically on every rank. Batch sources read Rank and Size to take their share; the fit loop sums its stop
// decisions so that every rank stops after the same update.
namespace Recurrent.Training;

/// <summary>
/// Sums over the ranks of a data-parallel job; every rank calls each method at the same point with buffers of the
/// same length (a collective operation, as MPI_Allreduce), and every rank receives the same sums.
/// </summary>
public interface IGradientReducer
{
    /// <summary>This process's rank, 0..<see cref="Size"/>−1; rank 0 alone writes files.</summary>
    int Rank { get; }

    /// <summary>Processes in the job (1 = a single process).</summary>
    int Size { get; }

    /// <summary>Replaces each element of <paramref name="values"/> by its sum over all ranks (in place).</summary>
    void Sum(Span<float> values);

    /// <summary>Replaces each element of <paramref name="values"/> by its sum over all ranks (in place).</summary>
    void Sum(Span<double> values);
}
