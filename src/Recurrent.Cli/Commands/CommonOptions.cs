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

    /// <summary>--activation: the cell input/output non-linearity (LSTM g and h, GRU n, the tanh RNN's h).</summary>
    public static Option<string?> ActivationOption() => new("--activation")
    {
        HelpName = "tanh|softsign",
        Description = "Cell input/output non-linearity of lstm and gru (g and h; n) and of rnn: tanh (default) or softsign, x/(1+|x|), which the DL4J LSTM guide advises.",
    };

    /// <summary>--gate-activation: the LSTM/GRU gate non-linearity.</summary>
    public static Option<string?> GateActivationOption() => new("--gate-activation")
    {
        HelpName = "sigmoid|hard-sigmoid",
        Description = "Gate non-linearity of lstm and gru: sigmoid (default) or hard-sigmoid, max(0, min(1, 0.2x+0.5)) as ONNX's HardSigmoid.",
    };

    /// <summary>--forget-bias for `rnn train`: the LSTM's initial forget-gate bias.</summary>
    public static Option<double?> ForgetBiasOption() => new("--forget-bias")
    {
        HelpName = "B",
        Description = $"Initial forget-gate bias of an lstm (default {Recurrent.Models.ModelConfig.DefaultForgetGateBias}); 3, as `rnn demo`'s long-memory tasks use, starts the cell remembering and helps it learn over long sequences.",
    };

    /// <summary>
    /// The value of --forget-bias, or null when it was not given; a non-finite value, or a cell other than the LSTM
    /// (which has no forget gate), is a UserFacingException.
    /// </summary>
    public static double? ReadForgetBias(ParseResult parse, Option<double?> option, CellKind cell, string cellFlag = "--model")
    {
        if (parse.GetValue(option) is not double b) return null;
        if (!double.IsFinite(b)) throw new UserFacingException($"--forget-bias must be a finite number, got {b}.");
        if (cell != CellKind.Lstm)
            throw new UserFacingException($"--forget-bias sets the initial bias of an LSTM's forget gate; {cellFlag} {CellName(cell)} has none (use {cellFlag} lstm, or leave out --forget-bias).");
        return b;
    }

    /// <summary>The name of <paramref name="cell"/> as --model spells it.</summary>
    public static string CellName(CellKind cell) => cell switch
    {
        CellKind.RnnTanh => "rnn",
        CellKind.RnnRelu => "rnn-relu",
        CellKind.Lstm => "lstm",
        _ => "gru",
    };

    /// <summary>The value of --activation, or <paramref name="fallback"/> when it was not given.</summary>
    public static CellActivation ParseActivation(string? name, CellActivation fallback = CellActivation.Tanh) => name?.ToLowerInvariant() switch
    {
        null => fallback,
        "tanh" => CellActivation.Tanh,
        "softsign" => CellActivation.Softsign,
        _ => throw new UserFacingException($"--activation must be tanh or softsign, got '{name}'."),
    };

    /// <summary>The value of --gate-activation, or <paramref name="fallback"/> when it was not given.</summary>
    public static GateActivation ParseGateActivation(string? name, GateActivation fallback = GateActivation.Sigmoid) => name?.ToLowerInvariant() switch
    {
        null => fallback,
        "sigmoid" => GateActivation.Sigmoid,
        "hard-sigmoid" or "hardsigmoid" => GateActivation.HardSigmoid,
        _ => throw new UserFacingException($"--gate-activation must be sigmoid or hard-sigmoid, got '{name}'."),
    };

    /// <summary>The CLI's name of each activation (as the flags spell them).</summary>
    public static string Name(CellActivation a) => a == CellActivation.Softsign ? "softsign" : "tanh";

    /// <inheritdoc cref="Name(CellActivation)"/>
    public static string Name(GateActivation g) => g == GateActivation.HardSigmoid ? "hard-sigmoid" : "sigmoid";

    /// <summary>" (softsign, hard-sigmoid gates)" for a model with non-default activations, "" otherwise (for the run headers).</summary>
    public static string ActivationsText(CellActivation a, GateActivation g)
    {
        var parts = new List<string>();
        if (a != CellActivation.Tanh) parts.Add(Name(a));
        if (g != GateActivation.Sigmoid) parts.Add(Name(g) + " gates");
        return parts.Count == 0 ? "" : $" ({string.Join(", ", parts)})";
    }

    /// <summary>Refuses activations the cell cannot take, in the flags' words: gates need lstm or gru; rnn-relu keeps ReLU.</summary>
    public static void CheckActivations(CellKind cell, CellActivation activation, GateActivation gate, string cellFlag = "--model")
    {
        if (gate != GateActivation.Sigmoid && cell is not (CellKind.Lstm or CellKind.Gru))
            throw new UserFacingException($"--gate-activation {Name(gate)} needs {cellFlag} lstm or gru; an rnn has no gates.");
        if (activation != CellActivation.Tanh && cell == CellKind.RnnRelu)
            throw new UserFacingException($"--activation {Name(activation)} replaces tanh, but rnn-relu's non-linearity is ReLU; use {cellFlag} rnn --activation {Name(activation)}.");
    }

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
