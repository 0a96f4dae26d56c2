// CommonOptions: options and value parsers shared by several sub-commands.
using System.CommandLine;
using Recurrent.Layers;

namespace Recurrent.Cli.Commands;

internal static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show stack traces for errors.",
        Recursive = true,
    };

    /// <summary>Parses a cell name as the CLI spells it: rnn (tanh), rnn-relu, lstm, gru.</summary>
    public static CellKind ParseCell(string name) => name.ToLowerInvariant() switch
    {
        "rnn" or "rnn-tanh" => CellKind.RnnTanh,
        "rnn-relu" or "irnn" => CellKind.RnnRelu,
        "lstm" => CellKind.Lstm,
        "gru" => CellKind.Gru,
        _ => throw new UserFacingException($"unknown cell '{name}'; use one of: rnn, rnn-relu, lstm, gru."),
    };

    public static Option<string> Cell(string defaultValue) => new("--cell")
    {
        Description = "Recurrent cell: rnn, rnn-relu, lstm or gru.",
        DefaultValueFactory = _ => defaultValue,
    };
}

/// <summary>An error caused by the user's input: printed as one line without a stack trace.</summary>
internal sealed class UserFacingException(string message) : Exception(message);
