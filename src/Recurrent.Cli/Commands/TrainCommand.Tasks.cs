// TrainCommand.Tasks: `rnn train --task forecast` — a forecaster on a CSV time series, trained with early stopping
// on held-out data, printing progress and validation metrics, and writing best.safetensors into the run directory;
// and the flags only some tasks use (TaskFlags; --task seq2seq is TrainCommand.Seq2Seq.cs).
// Shared flags (--data, --model, --hidden, --layers, --batch, --lr, --epochs, --patience, --seed, --run-dir,
// --val-fraction, ...) come from TrainCommand's Flags; task-only flags are defined here.
using System.CommandLine;
using Recurrent.Training;
using Recurrent.Forecasting;

namespace Recurrent.Cli.Commands;

internal static partial class TrainCommand
{
    /// <summary>The flags only --task forecast and seq2seq use (--task itself is in Flags).</summary>
    private sealed class TaskFlags
    {
        public readonly Option<int?> Window = new("--window") { HelpName = "W", Description = "forecast: steps the model reads (default 24)." };
        public readonly Option<int?> Horizon = new("--horizon") { HelpName = "H", Description = "forecast: steps predicted at once (default 1)." };
        public readonly Option<string?> Inputs = new("--inputs") { HelpName = "COLS", Description = "forecast: input columns, comma-separated header names or 1-based numbers (default: the targets)." };
        public readonly Option<string?> Targets = new("--targets") { HelpName = "COLS", Description = "forecast: predicted columns (default: the last column)." };
        public readonly Option<bool> ReverseSource = new("--reverse-source") { Description = "seq2seq: feed every source reversed (Sutskever et al. 2014)." };
        public readonly Option<int?> MaxOutput = new("--max-output") { Description = "seq2seq: longest decoded output (default: longest target + 25%)." };

        public IEnumerable<Option> All => [Window, Horizon, Inputs, Targets, ReverseSource, MaxOutput];
    }

    private static int ExecuteTask(ParseResult parse, Flags o, TaskFlags t, string task)
    {
        Option[] shared = [o.Task, o.Data, o.RunDir, o.Model, o.Hidden, o.Layers, o.Batch, o.Lr, o.Clip, o.Epochs, o.Patience, o.ValFraction, o.Seed, o.Quiet];
        Option[] used = [.. shared, t.Window, t.Horizon, t.Inputs, t.Targets];
        RejectOthers(parse, task, used, [.. o.All, .. t.All]);
        if (parse.GetValue(o.Data) is not { Length: 1 } data)
            throw new UserFacingException($"--task {task} needs --data with exactly one file.");
        string runDir = parse.GetValue(o.RunDir) ?? DefaultRunDirectory();
        string modelPath = Path.Combine(Path.GetFullPath(runDir), Recurrent.Training.RunDirectory.BestFile);
        if (File.Exists(modelPath))
            throw new UserFacingException($"'{modelPath}' already exists; choose another --run-dir. Nothing was changed.");
        string file = Path.GetFullPath(data[0]);
        if (!File.Exists(file)) throw new UserFacingException($"the data file '{file}' does not exist.");
        return TrainForecast(parse, o, t, file, runDir, modelPath);
    }

    /// <summary>
    /// Refuses the first option of <paramref name="candidates"/> that was given but is not in <paramref name="used"/>
    /// (the options <paramref name="task"/> reads): one `rnn:` line naming the option and the task, exit code 2.
    /// Used by every --task, so no task silently ignores another task's flag.
    /// </summary>
    internal static void RejectOthers(ParseResult parse, string task, IEnumerable<Option> used, IEnumerable<Option> candidates)
    {
        var keep = used.ToHashSet();
        foreach (var option in candidates)
            if (!keep.Contains(option) && CommonOptions.Given(parse, option))
                throw new UserFacingException(task == "lm"
                    ? $"{option.Name} does not apply to a language model (--task lm, the default); see `rnn train --help` for the task it belongs to."
                    : $"{option.Name} does not apply to --task {task}.");
    }

    private static int TrainForecast(ParseResult parse, Flags o, TaskFlags t, string file, string runDir, string modelPath)
    {
        var table = TimeSeriesTable.Read(file);
        static string[] Columns(string text) => text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string[] targets = parse.GetValue(t.Targets) is string tt ? Columns(tt) : [table.ColumnName(table.Columns - 1)];
        string[] inputs = parse.GetValue(t.Inputs) is string ii ? Columns(ii) : targets;
        var options = new ForecastOptions
        {
            Window = parse.GetValue(t.Window) ?? 24,
            Horizon = parse.GetValue(t.Horizon) ?? 1,
            Cell = CommonOptions.ParseCell(parse.GetValue(o.Model) ?? "lstm"),
            HiddenSize = parse.GetValue(o.Hidden) ?? 32,
            Layers = parse.GetValue(o.Layers) ?? 1,
            BatchSize = parse.GetValue(o.Batch) ?? 32,
            LearningRate = parse.GetValue(o.Lr) ?? 5e-3,
            ClipNorm = parse.GetValue(o.Clip) ?? 1,
            Epochs = parse.GetValue(o.Epochs) ?? 100,
            Patience = parse.GetValue(o.Patience) ?? 10,
            ValidationFraction = parse.GetValue(o.ValFraction) ?? 0.2,
            Seed = parse.GetValue(o.Seed) ?? 1,
        };
        TaskMap(() => options.Validate());
        bool quiet = parse.GetValue(o.Quiet);
        Console.WriteLine($"forecast: {file}; {table.Rows} rows; inputs [{string.Join(", ", inputs)}] → targets [{string.Join(", ", targets)}]; " +
                          $"window {options.Window}, horizon {options.Horizon}; last {options.ValidationFraction:P0} of the rows held out");
        Console.WriteLine($"model: {options.Cell} H={options.HiddenSize} × {options.Layers} → linear (MSE on standardised values); Adam lr {options.LearningRate}, batch {options.BatchSize}, seed {options.Seed}");
        var result = TaskMap(() => ForecastTraining.Run(table, inputs, targets, options, e =>
        {
            if (!quiet)
                Console.WriteLine($"  epoch {e.Epoch,4}  train MSE {e.TrainMse:F5}  validation MSE {e.ValidationMse:F5} (standardised)  " +
                                  $"MSE {e.Validation.Mse:G6}  MAE {e.Validation.Mae:G6} (original units)");
        }));
        Directory.CreateDirectory(runDir);
        ForecastFile.Save(modelPath, result.Forecaster);
        var best = result.Best;
        Console.WriteLine($"stopped: {result.StopReason}; {result.TrainWindows} training / {result.ValidationWindows} validation windows");
        Console.WriteLine($"best epoch {best.Epoch}: validation MSE {best.Validation.Mse:G6}, MAE {best.Validation.Mae:G6} (original units, {best.Validation.Count} values)");
        Console.WriteLine($"model: {modelPath}");
        return 0;
    }

    // Library ArgumentExceptions name properties; say them as the flags a user typed.
    private static readonly Dictionary<string, string> TaskFlagOf = new(StringComparer.Ordinal)
    {
        ["Window"] = "--window", ["Horizon"] = "--horizon", ["HiddenSize"] = "--hidden", ["Layers"] = "--layers", ["BatchSize"] = "--batch",
        ["LearningRate"] = "--lr", ["ClipNorm"] = "--clip", ["Epochs"] = "--epochs", ["Patience"] = "--patience",
        ["ValidationFraction"] = "--val-fraction", ["EmbeddingSize"] = "--embedding", ["EvaluateEvery"] = "--eval-every",
        ["MaxTargetLength"] = "--max-output", ["TimeBudgetSeconds"] = "--time",
    };

    private static T TaskMap<T>(Func<T> action)
    {
        try { return action(); }
        catch (ArgumentException e) when (e.ParamName is string name && TaskFlagOf.TryGetValue(name, out string? flag))
        {
            string message = e.Message;
            int suffix = message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
            if (suffix >= 0) message = message[..suffix];
            if (message.StartsWith(name, StringComparison.Ordinal)) message = flag + message[name.Length..];
            throw new UserFacingException(message);
        }
    }

    private static void TaskMap(Action action) => TaskMap(() => { action(); return 0; });
}
