// UiCommand: `rnn ui RUN_DIR... [--port N] [--host HOST]` — the live dashboard for finished or running runs (it follows
// their files as they grow) and for `rnn lr-find` results, several runs overlaid on one page; see Dashboard/. Serves
// until Ctrl+C. Binds to 127.0.0.1 unless --host is given; then every request needs the token printed in the address.
using System.CommandLine;
using Recurrent.Cli.Dashboard;

namespace Recurrent.Cli.Commands;

internal static class UiCommand
{
    public static Command Create()
    {
        var runs = new Argument<string[]>("RUN_DIR") { Description = "Directories of `rnn train` runs (finished or running) or `rnn lr-find --out` results.", Arity = ArgumentArity.OneOrMore };
        var port = new Option<int?>("--port") { Description = "Port to listen on (default: a free port, printed)." };
        var host = new Option<string?>("--host") { HelpName = "ADDRESS", Description = "Address to listen on (default 127.0.0.1: this machine only). Any other address requires the token printed at start." };
        var cmd = new Command("ui", "Serve the live training dashboard for runs in the browser: curves, update ratios, histograms, samples or predictions, configuration.") { runs, port, host };
        cmd.SetAction(parse =>
        {
            var directories = parse.GetValue(runs)!.Select(Path.GetFullPath).ToList();
            foreach (string d in directories)
                if (!Directory.Exists(d))
                    throw new UserFacingException(File.Exists(d)
                        ? $"'{d}' is a file; give the directory of an `rnn train` run (the folder holding metrics.jsonl)."
                        : $"the run directory '{d}' does not exist.");
            using var stop = new ManualResetEventSlim();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stop.Set(); };
            Console.CancelKeyPress += onCancel;
            using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
                System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
            var server = DashboardServer.StartAsync(directories, parse.GetValue(host), parse.GetValue(port) ?? 0).GetAwaiter().GetResult();
            try
            {
                Console.WriteLine($"dashboard for {directories.Count} run{(directories.Count == 1 ? "" : "s")}: {server.Url}");
                if (server.RequiresToken) Console.WriteLine("listening beyond this machine: requests without the token in this address are refused.");
                Console.WriteLine("Ctrl+C to stop.");
                stop.Wait();
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            return 0;
        });
        return cmd;
    }
}
