// MpiEnvironment: whether this process was started by an MPI launcher, read from the variables the launchers set
// before the program starts (no MPI library is needed to ask): Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE and
// OMPI_COMM_WORLD_RANK, PMIx-based launchers (Open MPI 5, Slurm's srun --mpi=pmix) PMIX_RANK, and Hydra (MPICH's
// mpiexec) and PMI-2 launchers PMI_SIZE and PMI_RANK.
namespace Recurrent.Distributed;

/// <summary>What the MPI launcher, if any, told this process through its environment.</summary>
public static class MpiEnvironment
{
    /// <summary>True when an MPI launcher (mpirun, mpiexec, srun) started this process.</summary>
    public static bool IsLaunched => (Variable("OMPI_COMM_WORLD_SIZE") ?? Variable("PMIX_RANK") ?? Variable("PMI_SIZE")) is not null;

    /// <summary>The number of processes the launcher started, when it says (else null).</summary>
    public static int? Size => Number(Variable("OMPI_COMM_WORLD_SIZE") ?? Variable("PMI_SIZE"));

    /// <summary>This process's rank, when the launcher says (else null).</summary>
    public static int? Rank => Number(Variable("OMPI_COMM_WORLD_RANK") ?? Variable("PMIX_RANK") ?? Variable("PMI_RANK"));

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    private static int? Number(string? text) => int.TryParse(text, out int n) ? n : null;
}
