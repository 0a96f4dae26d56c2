// PlotCommand: `rnn plot RUN_DIR` — (re)draw the loss curve of a run from its metrics.jsonl into loss.png and
// loss.svg, e.g. while the run is still going or after copying metrics from another machine.
using System.CommandLine;
using Recurrent.Cli.Reporting;

namespace Recurrent.Cli.Commands;

internal static class PlotCommand
{
    public static Command Create()
    {
        var runDir = new Argument<string>("RUN_DIR") { Description = "The directory of an `rnn train` run." };
        var cmd = new Command("plot", "Write loss.png and loss.svg (train and validation loss against step) for a run.") { runDir };
        cmd.SetAction(parse =>
        {
            var (png, svg) = LossPlot.Write(parse.GetValue(runDir)!);
            Console.WriteLine($"wrote {png}");
            Console.WriteLine($"wrote {svg}");
            return 0;
        });
        return cmd;
    }
}
