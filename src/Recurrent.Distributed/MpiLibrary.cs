// MpiLibrary: the thin binding to the MPI library's C API that data parallelism needs — MPI_Init_thread,
// MPI_Initialized, MPI_Finalized, MPI_Comm_rank, MPI_Comm_size, MPI_Allreduce, MPI_Barrier, MPI_Abort,
// MPI_Finalize and MPI_Error_string — resolved at run time (NativeLibrary), so the tool runs without MPI installed
// and only a data-parallel run needs it. No MPI.NET: its package is Windows-only (MS-MPI).
//
// Handles differ by implementation, and that is the whole ABI question. Open MPI (libmpi.so.40: 3.x, 4.x, 5.x)
// declares MPI_Comm, MPI_Datatype and MPI_Op as pointers to predefined objects, and mpi.h's MPI_COMM_WORLD is
// &ompi_mpi_comm_world, MPI_FLOAT &ompi_mpi_float, MPI_DOUBLE &ompi_mpi_double, MPI_SUM &ompi_mpi_op_sum: exported
// globals whose addresses NativeLibrary.GetExport gives; MPI_IN_PLACE is (void*)1. MPICH and its ABI family
// (libmpi.so.12: MPICH, Intel MPI, MVAPICH) use int handles with fixed values in mpi.h (MPI_COMM_WORLD 0x44000000,
// MPI_FLOAT 0x4c00040a, MPI_DOUBLE 0x4c00080b, MPI_SUM 0x58000003) and MPI_IN_PLACE (void*)-1. This binding
// supports Open MPI, the one installed and tested here; an MPICH library is recognised (it exports no
// ompi_mpi_comm_world) and refused with a message, rather than driven by signatures no test has run.
//
// RECURRENT_MPI_LIBRARY, when set, names the one library to load (a path or a file name) instead of the list.
//
// Every call here is made by one thread at a time (the training loop's), so MPI_THREAD_SERIALIZED is asked for.
using System.Runtime.InteropServices;

namespace Recurrent.Distributed;

/// <summary>The MPI C functions and predefined handles of a loaded Open MPI library.</summary>
internal sealed unsafe class MpiLibrary
{
    /// <summary>The names tried, in order: Open MPI's soname, MPICH's (recognised to be refused), the development link.</summary>
    public static readonly string[] Names = ["libmpi.so.40", "libmpi.so.12", "libmpi.so"];

    /// <summary>The environment variable that names the one MPI library to load instead of <see cref="Names"/>.</summary>
    public const string LibraryVariable = "RECURRENT_MPI_LIBRARY";

    /// <summary>What to install when no MPI library is found.</summary>
    public const string InstallHint = "install Open MPI: apt-get install openmpi-bin libopenmpi-dev";

    public const int Success = 0;               // MPI_SUCCESS
    public const int ThreadSerialized = 2;      // MPI_THREAD_SERIALIZED (0 single, 1 funneled, 2 serialized, 3 multiple)
    private const int MaxErrorString = 256;     // MPI_MAX_ERROR_STRING (Open MPI)

    public readonly delegate* unmanaged<int*, nint, int, int*, int> InitThread;           // (argc*, argv*, required, provided*)
    public readonly delegate* unmanaged<int*, int> Initialized;                             // (flag*)
    public readonly delegate* unmanaged<int*, int> Finalized;                               // (flag*)
    public readonly delegate* unmanaged<nint, int*, int> CommRank;                          // (comm, rank*)
    public readonly delegate* unmanaged<nint, int*, int> CommSize;                          // (comm, size*)
    public readonly delegate* unmanaged<nint, void*, int, nint, nint, nint, int> Allreduce; // (sendbuf, recvbuf, count, type, op, comm)
    public readonly delegate* unmanaged<nint, int> Barrier;                                 // (comm)
    public readonly delegate* unmanaged<nint, int, int> Abort;                              // (comm, errorcode)
    public readonly delegate* unmanaged<int> Finalize;                                      // ()
    private readonly delegate* unmanaged<int, byte*, int*, int> _errorString;               // (code, buffer, length*)

    private MpiLibrary(nint handle, string path)
    {
        Path = path;
        InitThread = (delegate* unmanaged<int*, nint, int, int*, int>)Function(handle, "MPI_Init_thread");
        Initialized = (delegate* unmanaged<int*, int>)Function(handle, "MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)Function(handle, "MPI_Finalized");
        CommRank = (delegate* unmanaged<nint, int*, int>)Function(handle, "MPI_Comm_rank");
        CommSize = (delegate* unmanaged<nint, int*, int>)Function(handle, "MPI_Comm_size");
        Allreduce = (delegate* unmanaged<nint, void*, int, nint, nint, nint, int>)Function(handle, "MPI_Allreduce");
        Barrier = (delegate* unmanaged<nint, int>)Function(handle, "MPI_Barrier");
        Abort = (delegate* unmanaged<nint, int, int>)Function(handle, "MPI_Abort");
        Finalize = (delegate* unmanaged<int>)Function(handle, "MPI_Finalize");
        _errorString = (delegate* unmanaged<int, byte*, int*, int>)Function(handle, "MPI_Error_string");
        CommWorld = Function(handle, "ompi_mpi_comm_world");
        Float = Function(handle, "ompi_mpi_float");
        Double = Function(handle, "ompi_mpi_double");
        Sum = Function(handle, "ompi_mpi_op_sum");
    }

    /// <summary>The file the library was loaded from (the name that was found).</summary>
    public string Path { get; }
    /// <summary>MPI_COMM_WORLD.</summary>
    public nint CommWorld { get; }
    /// <summary>MPI_FLOAT.</summary>
    public nint Float { get; }
    /// <summary>MPI_DOUBLE.</summary>
    public nint Double { get; }
    /// <summary>MPI_SUM.</summary>
    public nint Sum { get; }
    /// <summary>MPI_IN_PLACE (Open MPI's value).</summary>
    public static void* InPlace => (void*)1;

    /// <summary>
    /// Loads the first MPI library of <see cref="Names"/> that exists. Throws <see cref="MpiException"/> saying what to
    /// install when there is none, and naming the library when it is not Open MPI.
    /// </summary>
    public static MpiLibrary Load()
    {
        string[] names = Environment.GetEnvironmentVariable(LibraryVariable) is { Length: > 0 } chosen ? [chosen] : Names;
        foreach (string name in names)
        {
            if (!NativeLibrary.TryLoad(name, out nint handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out _))
                throw new MpiException($"the MPI library '{name}' is not Open MPI (MPICH, Intel MPI and MVAPICH use another ABI, which " +
                    $"this build does not drive yet); {InstallHint}, and run with Open MPI's mpirun.");
            return new MpiLibrary(handle, name);
        }
        throw new MpiException($"no MPI library was found (tried {string.Join(", ", names)}); {InstallHint}.");
    }

    /// <summary>Throws <see cref="MpiException"/> naming <paramref name="call"/> and MPI's text for <paramref name="code"/> unless it is MPI_SUCCESS.</summary>
    public void Check(int code, string call)
    {
        if (code == Success) return;
        byte* text = stackalloc byte[MaxErrorString + 1];
        int length = 0;
        string detail = _errorString(code, text, &length) == Success && length > 0
            ? System.Text.Encoding.UTF8.GetString(text, Math.Min(length, MaxErrorString)) : $"error code {code}";
        throw new MpiException($"{call} failed: {detail}.");
    }

    private static nint Function(nint handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out nint address) ? address
            : throw new MpiException($"the MPI library has no '{name}'; it is not a usable Open MPI ({InstallHint}).");
}
