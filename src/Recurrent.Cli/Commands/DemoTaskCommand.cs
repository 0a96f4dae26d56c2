// DemoTaskCommand: `rnn demo reber|adding|copy|temporal-order|sine` — one sub-command per registry entry of
// Recurrent.Demos.BuiltInDemos (cyclic keeps its own command): train, print the criterion with its source,
// the held-out metric, the run time and PASS (exit 0) or FAIL (exit 1).
using System.CommandLine;
using Recurrent.Demos;

namespace Recurrent.Cli.Commands;

internal static class DemoTaskCommand
{
    /// <summary>The registry's tasks that have no hand-written sub-command of their own.</summary>
    public static IEnumerable<Command> CreateAll(IEnumerable<string> handWritten) =>
        BuiltInDemos.All.Where(t => !handWritten.Contains(t.Name)).Select(Create);

    public static Command Create(BuiltInDemo task)
    {
        var cell = CommonOptions.Cell("lstm");
        var activation = CommonOptions.ActivationOption();
        var gateActivation = CommonOptions.GateActivationOption();
        var seed = new Option<ulong>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1UL };
        var quick = new Option<bool>("--quick") { Description = "The smaller variant that finishes in seconds." };
        var hidden = new Option<int?>("--hidden") { Description = "Hidden units (default: the task's)." };
        var batch = new Option<int?>("--batch") { Description = "Sequences per training batch (default: the task's)." };
        var maxSteps = new Option<int?>("--max-steps") { Description = "Upper bound on training steps (default: the task's)." };
        var lr = new Option<double?>("--lr") { Description = "Adam learning rate (default: the task's)." };
        var keepBias = new Option<double?>("--forget-bias") { Description = "Initial LSTM forget-gate bias, also used for the GRU update gate (default: the task's)." };
        var length = new Option<int?>("--length") { Description = $"The task's length: {task.LengthMeaning}." };
        var cmd = new Command(task.Name, $"{task.Summary}. PASS: {task.Criterion}.") { cell, activation, gateActivation, seed, quick, hidden, batch, maxSteps, lr, keepBias };
        if (task.LengthMeaning is not null) cmd.Options.Add(length);
        cmd.SetAction(parse =>
        {
            var request = new DemoRequest
            {
                Cell = CommonOptions.ParseCell(parse.GetValue(cell)!),
                Activation = CommonOptions.ParseActivation(parse.GetValue(activation)),
                GateActivation = CommonOptions.ParseGateActivation(parse.GetValue(gateActivation)),
                Seed = parse.GetValue(seed),
                Quick = parse.GetValue(quick),
                HiddenSize = Positive(parse.GetValue(hidden), "--hidden"),
                BatchSize = Positive(parse.GetValue(batch), "--batch"),
                MaxSteps = Positive(parse.GetValue(maxSteps), "--max-steps"),
                LearningRate = parse.GetValue(lr) is double rate && !(rate > 0 && double.IsFinite(rate))
                    ? throw new UserFacingException($"--lr must be a positive number, got {rate}.") : parse.GetValue(lr),
                ForgetGateBias = parse.GetValue(keepBias) is double fb && !double.IsFinite(fb)
                    ? throw new UserFacingException($"--forget-bias must be a finite number, got {fb}.") : parse.GetValue(keepBias),
                Length = task.LengthMeaning is null ? null : AtLeast(parse.GetValue(length), task.MinimumLength),
            };
            CommonOptions.CheckActivations(request.Cell, request.Activation, request.GateActivation, "--cell");
            Console.WriteLine($"{task.Name}: {task.Summary}");
            Console.WriteLine($"cell {CellName(request.Cell)}{CommonOptions.ActivationsText(request.Activation, request.GateActivation)}, seed {request.Seed}{(request.Quick ? ", quick" : "")}");
            Console.WriteLine($"criterion: {task.Criterion}");
            var result = task.Run(request, p =>
                Console.WriteLine($"  step {p.Step,5}  loss {p.Loss:F4}  validation {p.Metric:F4}{(p.Stop ? "  (stop: validation criterion met)" : "")}"));
            Console.WriteLine($"trained {result.Steps} steps; final training loss {result.FinalLoss:F4}");
            foreach (string line in result.Details) Console.WriteLine(line);
            Console.WriteLine($"held-out: {result.MetricText}");
            Console.WriteLine($"time {result.Seconds:F1} s");
            Console.WriteLine(result.Passed ? $"PASS: {task.Criterion}" : $"FAIL: {task.Criterion}");
            return result.Passed ? 0 : 1;
        });
        return cmd;
    }

    internal static int? Positive(int? value, string name) =>
        value is int v && v <= 0 ? throw new UserFacingException($"{name} must be positive, got {v}.") : value;

    private static int? AtLeast(int? value, int minimum) =>
        value is int v && v < Math.Max(1, minimum)
            ? throw new UserFacingException(minimum <= 1 ? $"--length must be positive, got {v}." : $"--length must be at least {minimum} for this task, got {v}.")
            : value;

    internal static string CellName(Recurrent.Layers.CellKind cell) => cell switch
    {
        Recurrent.Layers.CellKind.RnnTanh => "rnn",
        Recurrent.Layers.CellKind.RnnRelu => "rnn-relu",
        Recurrent.Layers.CellKind.Lstm => "lstm",
        Recurrent.Layers.CellKind.Gru => "gru",
        _ => cell.ToString(),
    };
}
