// CommonOptions: options and value parsers shared by several sub-commands.
using System.CommandLine;
using Recurrent.Training;
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

    /// <summary>
    /// The model file a MODEL argument names: the file itself, or for a run directory its best.safetensors
    /// (else last.safetensors). Throws a UserFacingException naming the path when there is none.
    /// </summary>
    public static string ResolveModelPath(string path)
    {
        string full = Path.GetFullPath(path);
        if (!Directory.Exists(full))
        {
            if (!File.Exists(full)) throw new UserFacingException($"the model file '{full}' does not exist.");
            return full;
        }
        foreach (string name in new[] { Recurrent.Training.RunDirectory.BestFile, Recurrent.Training.RunDirectory.LastFile })
            if (File.Exists(Path.Combine(full, name))) return Path.Combine(full, name);
        throw new UserFacingException($"the directory '{full}' has no {Recurrent.Training.RunDirectory.BestFile} or {Recurrent.Training.RunDirectory.LastFile}; give a model file or the directory of an `rnn train` run.");
    }

    /// <summary>True when the user wrote the option on the command line (not a default).</summary>
    public static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };
}

/// <summary>An error caused by the user's input: printed as one line without a stack trace.</summary>
internal sealed class UserFacingException(string message) : Exception(message);
