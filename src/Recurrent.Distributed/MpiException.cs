// MpiException: an MPI call that returned an error code, or an MPI library this binding cannot use; the message
// names the call and carries MPI's own text for the code (MPI_Error_string).
namespace Recurrent.Distributed;

/// <summary>An MPI library that cannot be used, or an MPI call that failed.</summary>
public sealed class MpiException(string message) : Exception(message);
