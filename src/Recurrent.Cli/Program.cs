// rnn: the Recurrent command-line tool. Each sub-command lives in Commands/; this file wires them up and
// turns user errors into one clear message and a non-zero exit code (stack traces only with --verbose).
using System.CommandLine;
using Recurrent.Cli.Commands;

namespace Recurrent.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("rnn — train and run recurrent neural networks (RNN, LSTM, GRU) in pure C#.");
        root.Options.Add(CommonOptions.Verbose);
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        var parse = root.Parse(args);
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is UserFacingException or ArgumentException or IOException or InvalidDataException)
        {
            // Errors the user can cause: one line naming the value and what to do; details with --verbose.
            Console.Error.WriteLine($"rnn: {e.Message}");
            if (parse.GetValue(CommonOptions.Verbose)) Console.Error.WriteLine(e);
            return 2;
        }
    }
}
