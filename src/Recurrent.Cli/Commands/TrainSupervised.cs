// TrainSupervised: `rnn train --task classify|tag --data FILE` — a sequence classifier (TSV label<TAB>text or CSV
// label,v1,...,vn, with --features-per-step F numbers per step) or a CoNLL tagger trained by the library's SupervisedRun on the fit loop, with everything a
// language-model run has: budgets (--epochs/--steps/--time), every optimizer, schedule and clipping flag, the live
// progress line, metrics.jsonl with validation accuracy (classify) or entity F1 (tag), loss plots, last/best
// checkpoints, `--resume DIR`, Ctrl+C/SIGTERM and the divergence guard. Defaults come from the library's
// ClassifierSettings and SupervisedOptions. Flags of the other tasks are refused; --features-per-step is part of the
// run (kept on --resume, taken from the model with --init-from). Under mpirun it trains data-parallel (TrainDistributed.cs):
// rank 0 reports and writes, the other ranks only train.
using System.CommandLine;
using Recurrent.Classification;
using Recurrent.Cli.Reporting;
using Recurrent.Data;
using Recurrent.Supervised;
using Recurrent.Training;

namespace Recurrent.Cli.Commands;

internal static class TrainSupervised
{
    private static Option[] Used(TrainCommand.Flags o, TrainCommand.TaskFlags t, string task) =>
    [
        o.Task, o.Bidirectional, o.Data, o.Val, o.ValFraction, o.Encoding, .. task == "classify" ? [o.Tokenizer, t.FeaturesPerStep] : Array.Empty<Option>(),
        o.Model, o.Activation, o.GateActivation, o.ForgetBias, o.Layers, o.Hidden, o.Embedding, o.Dropout, o.Batch, o.RunDir, o.Resume, o.InitFrom, o.Seed, o.Quiet, o.Distributed,
        .. TrainCommand.OptimizationFlags(o), .. TrainCommand.ActivationPenaltyFlags(o), .. TrainCommand.FitFlags(o), .. TrainCommand.UiFlags(o),
    ];

    /// <summary>Trains --task classify or tag; the options of <paramref name="t"/> other than classify's --features-per-step are refused.</summary>
    public static int Execute(ParseResult parse, TrainCommand.Flags o, TrainCommand.TaskFlags t, string task, CancellationToken cancellation,
        LrFindCommand.Sweep? sweep = null, TrainDistributed? distributed = null)
    {
        TrainCommand.RejectOthers(parse, task, Used(o, t, task), [.. o.All, .. t.All]);
        string data = Single(parse.GetValue(o.Data), "--data")
            ?? throw new UserFacingException($"--task {task} needs --data FILE ({(task == "tag" ? "CoNLL 'token tag' lines" : "label<TAB>text lines, or label,v1,...,vn for .csv")}).");
        string? val = Single(parse.GetValue(o.Val), "--val");
        if (val is not null && CommonOptions.Given(parse, o.ValFraction))
            throw new UserFacingException("give either --val or --val-fraction, not both.");
        string? encoding = parse.GetValue(o.Encoding);
        if (encoding is not null) TrainCommand.Map(() => TextEncodings.Get(encoding));

        int featuresPerStep = parse.GetValue(t.FeaturesPerStep) ?? 1;
        if (CommonOptions.Given(parse, t.FeaturesPerStep))
        {
            if (featuresPerStep < 1) throw new UserFacingException($"--features-per-step must be positive, got {featuresPerStep}.");
            foreach (string? file in (string?[])[data, val])
                if (file is not null && ClassificationData.FormatOf(file) != ClassificationFormat.Csv)
                    throw new UserFacingException($"--features-per-step is for numeric data (a .csv file of 'label,v1,...,vn' lines), but '{Path.GetFullPath(file)}' " +
                        "is read as text ('label<TAB>text', split into tokens); leave out --features-per-step, or give the numbers in a .csv file.");
        }
        string? initFrom = parse.GetValue(o.InitFrom) is string i ? CommonOptions.ResolveModelPath(i) : null;
        if (initFrom is not null)
            foreach (var fixedByModel in new Option[] { o.Model, o.Activation, o.GateActivation, o.ForgetBias, o.Layers, o.Hidden, o.Embedding, o.Dropout, o.Bidirectional, o.Tokenizer, t.FeaturesPerStep })
                if (CommonOptions.Given(parse, fixedByModel))
                    throw new UserFacingException($"{fixedByModel.Name} cannot be used with --init-from: the architecture and vocabulary come from '{initFrom}'.");
        var defaults = new ClassifierSettings();
        string tokens = parse.GetValue(o.Tokenizer)?.ToLowerInvariant() ?? defaults.Tokens;
        if (task == "classify" && tokens is not (TokenizerKinds.Char or TokenizerKinds.Word))
            throw new UserFacingException($"--tokenizer for --task classify is char or word, not '{tokens}'.");
        var settings = defaults with
        {
            Cell = parse.GetValue(o.Model) is string cell ? CommonOptions.ParseCell(cell) : defaults.Cell,
            Activation = CommonOptions.ParseActivation(parse.GetValue(o.Activation)),
            GateActivation = CommonOptions.ParseGateActivation(parse.GetValue(o.GateActivation)),
            HiddenSize = Positive(parse.GetValue(o.Hidden) ?? defaults.HiddenSize, "--hidden"),
            Layers = Positive(parse.GetValue(o.Layers) ?? defaults.Layers, "--layers"),
            Bidirectional = parse.GetValue(o.Bidirectional),
            EmbeddingSize = parse.GetValue(o.Embedding) ?? defaults.EmbeddingSize,
            Dropout = parse.GetValue(o.Dropout) ?? defaults.Dropout,
            Tokens = tokens,
            FeaturesPerStep = featuresPerStep,
        };
        settings = settings with { ForgetGateBias = CommonOptions.ReadForgetBias(parse, o.ForgetBias, settings.Cell) };
        CommonOptions.CheckActivations(settings.Cell, settings.Activation, settings.GateActivation);
        if (settings.EmbeddingSize < 0) throw new UserFacingException($"--embedding must be >= 0, got {settings.EmbeddingSize}.");
        if (!(settings.Dropout >= 0 && settings.Dropout < 1)) throw new UserFacingException($"--dropout must be in [0, 1), got {settings.Dropout}.");
        var x = new SupervisedOptions();
        var options = x with
        {
            BatchSize = Positive(parse.GetValue(o.Batch) ?? x.BatchSize, "--batch"),
            Optimization = TrainCommand.ReadOptimization(parse, o, x.Optimization),
            Fit = TrainCommand.ReadFit(parse, o, x.Fit, resuming: false),
            ValidationFraction = val is null ? parse.GetValue(o.ValFraction) ?? x.ValidationFraction : 0,
            Seed = parse.GetValue(o.Seed) ?? x.Seed,
        };
        TrainCommand.Map(() => options.Validate());
        var spec = new SupervisedRunSpec
        {
            Kind = task, Model = settings, Training = options,
            Data = new SupervisedDataSpec { Path = Path.GetFullPath(data), Validation = val is null ? null : Path.GetFullPath(val), Encoding = encoding },
            InitFrom = initFrom,
        };
        if (sweep is not null)
            return sweep.Run(task, options.Optimization, (directory, optimization, fit) =>
                SupervisedRun.Start(spec with { Training = options with { Optimization = optimization, Fit = fit } }, directory).Loop, cancellation);
        string runDir = parse.GetValue(o.RunDir) ?? TrainCommand.DefaultRunDirectory();
        // Only rank 0 writes the run directory, and it may already have started it when another rank gets here.
        if (distributed is not { IsRoot: false } && new RunDirectory(runDir).HoldsRun)
            throw new UserFacingException($"the run directory '{Path.GetFullPath(runDir)}' already holds a run; continue it with --resume {runDir}, or choose another --run-dir. Nothing was changed.");
        bool quiet = parse.GetValue(o.Quiet);
        var run = TrainCommand.Map(() => SupervisedRun.Start(spec, runDir, distributed?.Reducer));
        if (distributed is { IsRoot: false })
        {
            run.Loop.Run(cancellation); // the other ranks only train: files, progress and plots are rank 0's
            return 0;
        }
        if (!quiet) PrintHeader(run);
        if (!quiet && distributed is not null) Console.WriteLine(DataParallelLine(distributed, options.BatchSize));
        return Train(run, quiet, TrainCommand.ReadUi(parse, o), cancellation);
    }

    /// <summary>`rnn train --resume DIR` for a classify or tag run: only the run controls may change.</summary>
    public static int Resume(ParseResult parse, TrainCommand.Flags o, TrainCommand.TaskFlags t, string task, string checkpoint, CancellationToken cancellation,
        TrainDistributed? distributed = null)
    {
        Option[] allowed = [o.Task, o.Resume, o.Quiet, o.Distributed, .. TrainCommand.FitFlags(o), .. TrainCommand.UiFlags(o)];
        foreach (var option in Used(o, t, task).Except(allowed))
            if (CommonOptions.Given(parse, option))
                throw new UserFacingException($"{option.Name} cannot be used with --resume: a resumed run keeps the settings it started with " +
                    "(only --epochs, --steps, --time, --patience, --plateau, --plateau-factor, --eval-every, --log-every, --stats-every, --checkpoint-every and --max-bad-steps may change).");
        TrainCommand.RejectOthers(parse, task, Used(o, t, task), [.. o.All, .. t.All]);
        var stored = SupervisedRunSpec.FromJsonNode(FitState.FromJson(Recurrent.Serialization.ModelFile.Read(checkpoint).Training!, checkpoint).Run, checkpoint);
        var controls = TrainCommand.ReadFit(parse, o, stored.Training.Fit, resuming: true);
        TrainCommand.Map(() => controls.Validate());
        var run = TrainCommand.Map(() => SupervisedRun.Resume(checkpoint, controls, distributed?.Reducer));
        if (distributed is { IsRoot: false })
        {
            run.Loop.Run(cancellation); // the other ranks only train
            return 0;
        }
        bool quiet = parse.GetValue(o.Quiet);
        if (!quiet)
        {
            PrintHeader(run);
            Console.WriteLine($"resuming at step {run.Loop.Step}, epoch {Format.Number(run.Loop.FractionalEpoch, "F2")}");
            if (distributed is not null) Console.WriteLine(DataParallelLine(distributed, run.Spec.Training.BatchSize));
        }
        return Train(run, quiet, TrainCommand.ReadUi(parse, o), cancellation);
    }

    /// <summary>Rank 0's header line for a data-parallel run of a task whose ranks split each batch of examples and each evaluate all.</summary>
    internal static string DataParallelLine(TrainDistributed distributed, int batchSize) =>
        $"data-parallel: {distributed.Reducer.Size} processes ({distributed.Reducer.Library}), each training its share of every batch of {batchSize}; " +
        "each evaluates the whole validation set; rank 0 writes the run directory";

    private static int Train(SupervisedRun run, bool quiet, Recurrent.Cli.Dashboard.DashboardRequest? ui, CancellationToken cancellation) =>
        TrainCommand.RunFit(run.Loop, run.RunDirectory, quiet, ui, cancellation, more: outcome =>
        {
            string model = File.Exists(run.RunDirectory.Best) ? run.RunDirectory.Best : run.RunDirectory.Last;
            string what = run.Task is SequenceClassifier c ? $"{c.Labels.Count} labels: {string.Join(", ", c.Labels.Names)}"
                : run.Task is Tagging.SequenceTagger t ? $"{t.Tags.Count} tags, {t.Words.Count} words" : "";
            Console.WriteLine($"model: {model} ({what})");
            Console.WriteLine($"next: rnn eval {model} --data FILE   rnn report {run.RunDirectory.Path}   continue: rnn train --resume {run.RunDirectory.Path} --epochs N");
        });

    private static void PrintHeader(SupervisedRun run)
    {
        var s = run.Spec;
        var m = s.Model;
        string input = s.Kind == "tag" ? "CoNLL tokens"
            : ClassificationData.FormatOf(s.Data.Path) == ClassificationFormat.Tsv ? $"text, {m.Tokens} tokens"
            : run.Task is SequenceClassifier { Standardisation: null } ? "numeric sequences, 1 number per step, unscaled"
            : $"numeric sequences, {m.FeaturesPerStep} number{(m.FeaturesPerStep == 1 ? "" : "s")} per step, standardised per channel";
        Console.WriteLine($"{s.Kind}: {s.Data.Path} ({input}); {run.TrainCount} training and {run.ValidationCount} validation {(s.Kind == "tag" ? "sentences" : "examples")}");
        Console.WriteLine($"model: {m.Cell}{CommonOptions.ActivationsText(m.Activation, m.GateActivation)} {m.HiddenSize}x{m.Layers}{(m.Bidirectional ? " bidirectional" : "")}{ForgetBiasText(m.ForgetGateBias)}; {run.Task.Model.Parameters.Count:N0} parameters" +
            (s.InitFrom is string init ? $"; fine-tuning from {init}" : ""));
        var opt = s.Training.Optimization;
        var fit = run.Loop.Options;
        var budgets = new List<string>();
        if (fit.Steps is long st) budgets.Add($"{st} steps");
        if (fit.Epochs is int e) budgets.Add($"{e} epochs");
        if (fit.TimeBudgetSeconds is double t) budgets.Add(Format.Duration(t));
        Console.WriteLine($"training: batch {s.Training.BatchSize} ({run.Loop.BatchesPerEpoch:N0} updates per epoch); {opt.Optimizer} lr {Format.Number(opt.LearningRate, "G")} ({opt.Schedule})" +
            $"{(opt.ClipNorm is double cn ? $", clip norm {cn}" : "")}; stop after {string.Join(" or ", budgets)}" +
            $"{(fit.Patience is int p ? $" or {p} evaluations without a lower validation loss" : "")}{TrainCommand.PlateauText(fit)}; seed {s.Training.Seed}");
        Console.WriteLine($"run directory: {run.RunDirectory.Path}");
    }

    /// <summary>", forget-gate bias B" when the run sets one, else nothing (the default, 1, goes unsaid).</summary>
    internal static string ForgetBiasText(double? bias) => bias is double b ? $", forget-gate bias {Format.Number(b, "G")}" : "";

    private static string? Single(string[]? paths, string flag) => paths switch
    {
        null or [] => null,
        [var one] => one,
        _ => throw new UserFacingException($"{flag} takes one file for --task classify and tag, got {paths.Length}."),
    };

    private static int Positive(int value, string flag) =>
        value > 0 ? value : throw new UserFacingException($"{flag} must be positive, got {value}.");
}
