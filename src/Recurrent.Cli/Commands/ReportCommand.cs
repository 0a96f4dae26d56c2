// ReportCommand: `rnn report RUN_DIR [--out FILE]` — write one self-contained HTML page for a run (loss and
// validation curves, learning rate, gradient norm, tokens/s, the samples printed during training and the
// configuration); see Reporting/HtmlReport.cs. Default output: RUN_DIR/report.html.
using System.CommandLine;
using Recurrent.Cli.Reporting;

namespace Recurrent.Cli.Commands;

internal static class ReportCommand
{
    public static Command Create()
    {
        var runDir = new Argument<string>("RUN_DIR") { Description = "The directory of an `rnn train` run." };
        var output = new Option<string?>("--out") { HelpName = "FILE", Description = "Where to write the page (default RUN_DIR/report.html)." };
        var cmd = new Command("report", "Write a self-contained HTML report of a run: curves, samples and configuration.") { runDir, output };
        cmd.SetAction(parse =>
        {
            string path = HtmlReport.Write(parse.GetValue(runDir)!, parse.GetValue(output));
            Console.WriteLine($"wrote {path}");
            return 0;
        });
        return cmd;
    }
}
