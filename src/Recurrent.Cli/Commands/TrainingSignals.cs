// TrainingSignals: how `rnn train` (every kind of model) is stopped from outside — Ctrl+C (SIGINT) and `kill PID`
// (SIGTERM, what container runtimes and schedulers send) cancel the run, which then stops after the current update
// and writes a checkpoint; a second Ctrl+C ends the process at once. The ranks of a data-parallel run other than 0
// stop alike but say nothing (rank 0 says it once for the job; mpirun forwards the signal to every rank).
using System.Runtime.InteropServices;

namespace Recurrent.Cli.Commands;

/// <summary>Turns SIGINT and SIGTERM into a cancellation of the training run while it is in scope.</summary>
internal sealed class TrainingSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly ConsoleCancelEventHandler _onCancel;
    private readonly PosixSignalRegistration _onTerm;

    public TrainingSignals(bool silent = false)
    {
        _onCancel = (_, e) =>
        {
            if (_cancel.IsCancellationRequested) return; // a second Ctrl+C ends the process
            e.Cancel = true;
            _cancel.Cancel();
            if (!silent) Console.Error.WriteLine("rnn: stopping after this update and writing a checkpoint (Ctrl+C again to abort)...");
        };
        Console.CancelKeyPress += _onCancel;
        _onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            if (_cancel.IsCancellationRequested) return;
            context.Cancel = true;
            _cancel.Cancel();
            if (!silent) Console.Error.WriteLine("rnn: terminated; stopping after this update and writing a checkpoint...");
        });
    }

    /// <summary>Signalled by the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _cancel.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= _onCancel;
        _onTerm.Dispose();
        _cancel.Dispose();
    }
}
