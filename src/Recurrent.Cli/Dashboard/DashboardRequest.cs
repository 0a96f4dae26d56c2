// DashboardRequest: `rnn train --ui [PORT] [--ui-host HOST]` as read from the command line — the same for every task;
// TrainCommand.RunFit starts the dashboard with it for the run directory being trained and stops it when the run ends.
namespace Recurrent.Cli.Dashboard;

/// <summary>Where to serve the dashboard: a port (0 = a free one) and a host (null = 127.0.0.1).</summary>
internal sealed record DashboardRequest(int Port, string? Host);
