// TrainCommand.Tasks: `rnn train --task seq2seq` (TSV source<TAB>target), trained with early stopping on held-out
// data, printing progress and validation metrics and writing best.safetensors into the run directory; the flags
// only --task forecast (TrainForecast.cs) and seq2seq use; and RejectOthers, which every task uses to refuse the
// flags of the others. Shared flags (--data, --model, --hidden, --layers, --batch, --lr, --epochs, --patience,
// --seed, --run-dir, --val-fraction, ...) come from TrainCommand's Flags; task-only flags are defined here.
using System.CommandLine;
using Recurrent.Training;
using Recurrent.Forecasting;
using Recurrent.Seq2Seq;

namespace Recurrent.Cli.Commands;

internal static partial class TrainCommand
{
    /// <summary>The flags only --task forecast and seq2seq use (--task itself is in Flags).</summary>
    internal sealed class TaskFlags
    {
        public readonly Option<int?> Window = new("--window") { HelpName = "W", Description = $"forecast: steps the model reads (default {new ForecastOptions().Window})." };
        public readonly Option<int?> Horizon = new("--horizon") { HelpName = "H", Description = $"forecast: steps predicted at once (default {new ForecastOptions().Horizon})." };
        public readonly Option<string?> Inputs = new("--inputs") { HelpName = "COLS", Description = "forecast: input columns, comma-separated header names or 1-based numbers (default: the targets)." };
        public readonly Option<string?> Targets = new("--targets") { HelpName = "COLS", Description = "forecast: predicted columns (default: the last column)." };
        public readonly Option<bool> ReverseSource = new("--reverse-source") { Description = "seq2seq: feed every source reversed (Sutskever et al. 2014)." };
        public readonly Option<int?> MaxOutput = new("--max-output") { Description = "seq2seq: longest decoded output (default: longest target + 25%)." };

        public IEnumerable<Option> All => [Window, Horizon, Inputs, Targets, ReverseSource, MaxOutput];
    }

    private static int ExecuteTask(ParseResult parse, Flags o, TaskFlags t, string task)
    {
        Option[] shared = [o.Task, o.Data, o.RunDir, o.Model, o.Hidden, o.Layers, o.Batch, o.Lr, o.Clip, o.Epochs, o.Patience, o.ValFraction, o.Seed, o.Quiet];
        Option[] used = [.. shared, o.Embedding, o.EvalEvery, o.Time, t.ReverseSource, t.MaxOutput];
        RejectOthers(parse, task, used, [.. o.All, .. t.All]);
        if (parse.GetValue(o.Data) is not { Length: 1 } data)
            throw new UserFacingException($"--task {task} needs --data with exactly one file.");
        string runDir = parse.GetValue(o.RunDir) ?? DefaultRunDirectory();
        string modelPath = Path.Combine(Path.GetFullPath(runDir), Recurrent.Training.RunDirectory.BestFile);
        if (File.Exists(modelPath))
            throw new UserFacingException($"'{modelPath}' already exists; choose another --run-dir. Nothing was changed.");
        string file = Path.GetFullPath(data[0]);
        if (!File.Exists(file)) throw new UserFacingException($"the data file '{file}' does not exist.");
        return TrainSeq2Seq(parse, o, t, file, runDir, modelPath);
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

    private static int TrainSeq2Seq(ParseResult parse, Flags o, TaskFlags t, string file, string runDir, string modelPath)
    {
        var pairs = Seq2SeqData.ReadTsv(file);
        double fraction = parse.GetValue(o.ValFraction) ?? 0.1;
        if (!(fraction > 0 && fraction < 1)) throw new UserFacingException($"--val-fraction must be in (0, 1), got {fraction}.");
        int validationCount = (int)Math.Round(pairs.Count * fraction);
        if (validationCount < 1 || validationCount >= pairs.Count)
            throw new UserFacingException($"'{file}' has {pairs.Count} pairs; with --val-fraction {fraction} that leaves no training or no validation pairs.");
        // Validation pairs are spread through the file (every k-th), so a sorted file still validates on all kinds.
        int every = pairs.Count / validationCount;
        var validation = new List<Seq2SeqPair>();
        var train = new List<Seq2SeqPair>();
        for (int i = 0; i < pairs.Count; i++)
            (i % every == every - 1 && validation.Count < validationCount ? validation : train).Add(pairs[i]);
        var options = new Seq2SeqTrainingOptions
        {
            Cell = CommonOptions.ParseCell(parse.GetValue(o.Model) ?? "lstm"),
            HiddenSize = parse.GetValue(o.Hidden) ?? 128,
            Layers = parse.GetValue(o.Layers) ?? 1,
            EmbeddingSize = parse.GetValue(o.Embedding) ?? 32,
            BatchSize = parse.GetValue(o.Batch) ?? 64,
            LearningRate = parse.GetValue(o.Lr) ?? 3e-3,
            ClipNorm = parse.GetValue(o.Clip) ?? 5,
            Epochs = parse.GetValue(o.Epochs) ?? 30,
            EvaluateEvery = parse.GetValue(o.EvalEvery) ?? 0,
            Patience = parse.GetValue(o.Patience) ?? 5,
            TimeBudgetSeconds = parse.GetValue(o.Time) is string time ? ParseDuration(time) : 0,
            ReverseSource = parse.GetValue(t.ReverseSource),
            MaxTargetLength = parse.GetValue(t.MaxOutput) ?? 0,
            Seed = parse.GetValue(o.Seed) ?? 1,
        };
        TaskMap(() => options.Validate());
        bool quiet = parse.GetValue(o.Quiet);
        Console.WriteLine($"seq2seq: {file}; {train.Count} training / {validation.Count} validation pairs{(options.ReverseSource ? "; sources reversed" : "")}");
        Console.WriteLine($"model: {options.Cell} encoder–decoder H={options.HiddenSize} × {options.Layers}, embedding {options.EmbeddingSize}; Adam lr {options.LearningRate}, batch {options.BatchSize}, seed {options.Seed}");
        var result = TaskMap(() => Seq2SeqTraining.Run(train, validation, options, e =>
        {
            if (!quiet)
                Console.WriteLine($"  step {e.Step,6}  epoch {e.Epoch,6:F2}  train loss {e.TrainLoss:F4}  validation: sequence accuracy {e.Validation.SequenceAccuracy:P2}, " +
                                  $"per-token accuracy {e.Validation.TokenAccuracy:P2}");
        }));
        Directory.CreateDirectory(runDir);
        Seq2SeqFile.Save(modelPath, result.Model, result.Vocabulary);
        var best = result.Best.Validation;
        Console.WriteLine($"stopped: {result.StopReason}; {result.Steps} updates in {result.Seconds:F1} s");
        Console.WriteLine($"best validation (step {result.Best.Step}): sequence accuracy {best.SequenceAccuracy:P2}, per-token accuracy {best.TokenAccuracy:P2} over {best.Count} pairs");
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
