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
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(LrFindCommand.Create());
        root.Subcommands.Add(SampleCommand.Create());
        root.Subcommands.Add(TokenizeCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(PlotCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(UiCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Unparsable or unknown options are user errors too: one line each, exit code 2, no help dump.
            foreach (var error in parse.Errors) Console.Error.WriteLine($"rnn: {Friendly(error.Message)}");
            string command = string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')).Take(2).Prepend("rnn"));
            Console.Error.WriteLine($"rnn: see '{command} --help'.");
            return 2;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is UserFacingException or ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // Errors the user can cause: one line naming the value and what to do; details with --verbose.
            Console.Error.WriteLine($"rnn: {WithoutParameterSuffix(e)}");
            if (parse.GetValue(CommonOptions.Verbose)) Console.Error.WriteLine(e);
            return 2;
        }
    }

    // ArgumentException appends " (Parameter 'name')" to its message; the message already names the value.
    private static string WithoutParameterSuffix(Exception e)
    {
        string message = e.Message;
        if (e is ArgumentException { ParamName: string name })
        {
            string suffix = $" (Parameter '{name}')";
            int at = message.IndexOf(suffix, StringComparison.Ordinal);
            if (at >= 0) message = message.Remove(at, suffix.Length);
        }
        return message;
    }

    // System.CommandLine names .NET types in parse errors ("System.Nullable`1[System.Int32]"); say what to type instead.
    private static string Friendly(string message) => System.Text.RegularExpressions.Regex.Replace(message,
        @"as expected type '(?:System\.Nullable`1\[)?System\.(\w+)\]?'", m => m.Groups[1].Value switch
        {
            "Int32" or "Int64" => "as an integer",
            "UInt64" => "as a non-negative integer",
            "Double" or "Single" => "as a number",
            "Boolean" => "as true or false",
            var other => $"as {other}",
        });
}
