// TrainCommand.Seq2Seq: `rnn train --task seq2seq --data FILE` — an encoder–decoder on `source<TAB>target` lines
// trained by the library's Seq2SeqRun on the fit loop, with everything a language-model run has: budgets
// (--epochs/--steps/--time), every optimizer, schedule, clipping and weight-decay flag, the live progress line,
// metrics.jsonl with val_loss, val_sequence_accuracy and val_token_accuracy (greedy decoding), loss plots, last/best
// checkpoints that `rnn predict`, `rnn eval` and `rnn export` read, `--resume DIR`, Ctrl+C/SIGTERM and the divergence
// guard. Defaults come from the library's Seq2SeqTrainingOptions. Flags of the other tasks are refused. Under mpirun it
// trains data-parallel (TrainDistributed.cs): rank 0 reports and writes, the other ranks only train.
using System.CommandLine;
using Recurrent.Cli.Reporting;
using Recurrent.Data;
using Recurrent.Seq2Seq;
using Recurrent.Supervised;
using Recurrent.Training;

namespace Recurrent.Cli.Commands;

internal static partial class TrainCommand
{
    private static Option[] Seq2SeqFlags(Flags o, TaskFlags t) =>
    [
        o.Task, o.Data, o.Val, o.ValFraction, o.Encoding, o.Model, o.Layers, o.Hidden, o.Embedding, o.Bidirectional, o.Batch, o.RunDir, o.Resume, o.InitFrom, o.Seed, o.Quiet, o.Distributed,
        t.ReverseSource, t.Attention, t.MaxOutput, .. OptimizationFlags(o), .. FitFlags(o), .. UiFlags(o),
    ];

    private static int ExecuteSeq2Seq(ParseResult parse, Flags o, TaskFlags t, CancellationToken cancellation, LrFindCommand.Sweep? sweep,
        TrainDistributed? distributed)
    {
        // The encoder–decoder (its model file, ONNX and PyTorch exports, step decoding) is built on the standard cells.
        foreach (var option in new Option[] { o.Activation, o.GateActivation })
            if (CommonOptions.Given(parse, option))
                throw new UserFacingException($"{option.Name} does not apply to --task seq2seq: its encoder and decoder use the standard cells " +
                    "(sigmoid gates, tanh); it applies to --task lm, classify, tag and forecast.");
        RejectOthers(parse, "seq2seq", Seq2SeqFlags(o, t), [.. o.All, .. t.All]);
        string data = OneFile(parse.GetValue(o.Data), "--data")
            ?? throw new UserFacingException("--task seq2seq needs --data FILE (source<TAB>target lines).");
        string? val = OneFile(parse.GetValue(o.Val), "--val");
        if (val is not null && CommonOptions.Given(parse, o.ValFraction))
            throw new UserFacingException("give either --val or --val-fraction, not both.");
        foreach (string file in new[] { data, val }.OfType<string>())
            if (!File.Exists(file)) throw new UserFacingException($"the data file '{Path.GetFullPath(file)}' does not exist.");
        string? encoding = parse.GetValue(o.Encoding);
        if (encoding is not null) Map(() => TextEncodings.Get(encoding));

        string? initFrom = parse.GetValue(o.InitFrom) is string i ? CommonOptions.ResolveModelPath(i) : null;
        if (initFrom is not null)
            foreach (var fixedByModel in new Option[] { o.Model, o.Layers, o.Hidden, o.Embedding, o.Bidirectional, t.ReverseSource, t.Attention, t.MaxOutput })
                if (CommonOptions.Given(parse, fixedByModel))
                    throw new UserFacingException($"{fixedByModel.Name} cannot be used with --init-from: the architecture and vocabulary come from '{initFrom}'.");
        var x = new Seq2SeqTrainingOptions();
        var options = x with
        {
            Model = x.Model with
            {
                Cell = parse.GetValue(o.Model) is string cell ? CommonOptions.ParseCell(cell) : x.Model.Cell,
                HiddenSize = parse.GetValue(o.Hidden) ?? x.Model.HiddenSize,
                Layers = parse.GetValue(o.Layers) ?? x.Model.Layers,
                EmbeddingSize = parse.GetValue(o.Embedding) ?? x.Model.EmbeddingSize,
                Attention = parse.GetValue(t.Attention) is string attention ? ParseAttention(attention) : x.Model.Attention,
                BidirectionalEncoder = parse.GetValue(o.Bidirectional),
            },
            BatchSize = parse.GetValue(o.Batch) ?? x.BatchSize,
            Optimization = ReadOptimization(parse, o, x.Optimization),
            Fit = ReadFit(parse, o, x.Fit, resuming: false),
            ReverseSource = parse.GetValue(t.ReverseSource),
            MaxTargetLength = parse.GetValue(t.MaxOutput) is int max
                ? max > 0 ? max : throw new UserFacingException($"--max-output must be positive, got {max}.")
                : x.MaxTargetLength,
            ValidationFraction = val is null ? parse.GetValue(o.ValFraction) ?? x.ValidationFraction : 0,
            Seed = parse.GetValue(o.Seed) ?? x.Seed,
        };
        Map(() => options.Validate());
        var spec = new Seq2SeqRunSpec
        {
            Training = options,
            Data = new SupervisedDataSpec { Path = Path.GetFullPath(data), Validation = val is null ? null : Path.GetFullPath(val), Encoding = encoding },
            InitFrom = initFrom,
        };
        if (sweep is not null)
            return sweep.Run(Seq2SeqRunSpec.RunKind, options.Optimization, (directory, optimization, fit) =>
                Seq2SeqRun.Start(spec with { Training = options with { Optimization = optimization, Fit = fit } }, directory).Loop, cancellation);
        string runDir = parse.GetValue(o.RunDir) ?? DefaultRunDirectory();
        // Only rank 0 writes the run directory, and it may already have started it when another rank gets here.
        if (distributed is not { IsRoot: false } && new RunDirectory(runDir).HoldsRun)
            throw new UserFacingException($"the run directory '{Path.GetFullPath(runDir)}' already holds a run; continue it with --resume {runDir}, or choose another --run-dir. Nothing was changed.");
        bool quiet = parse.GetValue(o.Quiet);
        var run = Map(() => Seq2SeqRun.Start(spec, runDir, distributed?.Reducer));
        if (distributed is { IsRoot: false })
        {
            run.Loop.Run(cancellation); // the other ranks only train: files, progress and plots are rank 0's
            return 0;
        }
        if (!quiet) PrintSeq2SeqHeader(run);
        if (!quiet && distributed is not null) Console.WriteLine(TrainSupervised.DataParallelLine(distributed, options.BatchSize));
        return TrainSeq2Seq(run, quiet, ReadUi(parse, o), cancellation);
    }

    /// <summary>`rnn train --resume DIR` for a seq2seq run: only the run controls may change.</summary>
    private static int ResumeSeq2Seq(ParseResult parse, Flags o, TaskFlags t, string checkpoint, CancellationToken cancellation, TrainDistributed? distributed)
    {
        var stored = Seq2SeqRunSpec.FromJsonNode(FitState.FromJson(Recurrent.Serialization.ModelFile.Read(checkpoint).Training!, checkpoint).Run, checkpoint);
        var controls = ResumeControls(parse, o, t, "seq2seq", Seq2SeqFlags(o, t), stored.Training.Fit);
        var run = Map(() => Seq2SeqRun.Resume(checkpoint, controls, distributed?.Reducer));
        if (distributed is { IsRoot: false })
        {
            run.Loop.Run(cancellation); // the other ranks only train
            return 0;
        }
        bool quiet = parse.GetValue(o.Quiet);
        if (!quiet)
        {
            PrintSeq2SeqHeader(run);
            Console.WriteLine($"resuming at step {run.Loop.Step}, epoch {Format.Number(run.Loop.FractionalEpoch, "F2")}");
            if (distributed is not null) Console.WriteLine(TrainSupervised.DataParallelLine(distributed, run.Spec.Training.BatchSize));
        }
        return TrainSeq2Seq(run, quiet, ReadUi(parse, o), cancellation);
    }

    /// <summary>
    /// The run controls of a resumed seq2seq or caption run: every other flag of the task (<paramref name="used"/>) is
    /// refused — a resumed run keeps the settings it started with — and the given controls replace the stored ones.
    /// </summary>
    internal static FitOptions ResumeControls(ParseResult parse, Flags o, TaskFlags t, string task, Option[] used, FitOptions stored)
    {
        Option[] allowed = [o.Task, o.Resume, o.Quiet, o.Distributed, .. FitFlags(o), .. UiFlags(o)];
        foreach (var option in used.Except(allowed))
            if (CommonOptions.Given(parse, option))
                throw new UserFacingException($"{option.Name} cannot be used with --resume: a resumed run keeps the settings it started with " +
                    "(only --epochs, --steps, --time, --patience, --plateau, --plateau-factor, --eval-every, --log-every, --stats-every, --checkpoint-every and --max-bad-steps may change).");
        RejectOthers(parse, task, used, [.. o.All, .. t.All]);
        var controls = ReadFit(parse, o, stored, resuming: true);
        Map(() => controls.Validate());
        return controls;
    }

    private static int TrainSeq2Seq(Seq2SeqRun run, bool quiet, Recurrent.Cli.Dashboard.DashboardRequest? ui, CancellationToken cancellation) =>
        RunFit(run.Loop, run.RunDirectory, quiet, ui, cancellation, more: outcome =>
        {
            string model = File.Exists(run.RunDirectory.Best) ? run.RunDirectory.Best : run.RunDirectory.Last;
            Console.WriteLine($"model: {model} ({run.Vocabulary.Size - Seq2SeqVocabulary.Specials} characters, outputs up to {run.Model.Config.MaxTargetLength})");
            Console.WriteLine($"next: rnn predict {model} --input FILE   rnn eval {model} --data FILE   rnn report {run.RunDirectory.Path}   " +
                              $"continue: rnn train --resume {run.RunDirectory.Path} --epochs N");
        });

    private static void PrintSeq2SeqHeader(Seq2SeqRun run)
    {
        var s = run.Spec;
        var c = run.Model.Config;
        Console.WriteLine($"seq2seq: {s.Data.Path}{(s.Data.Validation is string v ? $" (validation {v})" : "")}; {run.TrainCount} training and " +
                          $"{run.ValidationCount} validation pairs{(c.ReverseSource ? "; sources reversed" : "")}");
        Console.WriteLine($"model: {c.Cell} encoder–decoder {c.HiddenSize}x{c.Layers}{(c.BidirectionalEncoder ? " (bidirectional encoder)" : "")}, embedding {c.EmbeddingSize}, {AttentionName(c.Attention)}; {run.Vocabulary.Size} tokens, " +
                          $"sources of {c.SourceLength}, outputs up to {c.MaxTargetLength}; {run.Model.Parameters.Count:N0} parameters");
        var opt = s.Training.Optimization;
        var fit = run.Loop.Options;
        var budgets = new List<string>();
        if (fit.Steps is long st) budgets.Add($"{st} steps");
        if (fit.Epochs is int e) budgets.Add($"{e} epochs");
        if (fit.TimeBudgetSeconds is double time) budgets.Add(Format.Duration(time));
        Console.WriteLine($"training: batch {s.Training.BatchSize} ({run.Loop.BatchesPerEpoch:N0} updates per epoch); {opt.Optimizer} lr {Format.Number(opt.LearningRate, "G")} ({opt.Schedule})" +
            $"{(opt.ClipNorm is double cn ? $", clip norm {cn}" : "")}; stop after {string.Join(" or ", budgets)}" +
            $"{(fit.Patience is int p ? $" or {p} evaluations without a better per-token accuracy" : "")}{PlateauText(fit)}; seed {s.Training.Seed}");
        Console.WriteLine($"run directory: {run.RunDirectory.Path}");
    }

    internal static Recurrent.Layers.AttentionKind ParseAttention(string value) => value.ToLowerInvariant() switch
    {
        "none" => Recurrent.Layers.AttentionKind.None,
        "bahdanau" => Recurrent.Layers.AttentionKind.Bahdanau,
        "luong" => Recurrent.Layers.AttentionKind.Luong,
        "luong-dot" => Recurrent.Layers.AttentionKind.LuongDot,
        _ => throw new UserFacingException($"--attention must be bahdanau, luong, luong-dot or none, got '{value}'."),
    };

    internal static string AttentionName(Recurrent.Layers.AttentionKind kind) => kind switch
    {
        Recurrent.Layers.AttentionKind.Bahdanau => "Bahdanau (additive) attention",
        Recurrent.Layers.AttentionKind.Luong => "Luong (general) attention",
        Recurrent.Layers.AttentionKind.LuongDot => "Luong (dot) attention",
        _ => "no attention",
    };

    private static string? OneFile(string[]? paths, string flag) => paths switch
    {
        null or [] => null,
        [var one] => one,
        _ => throw new UserFacingException($"{flag} takes one file for --task seq2seq, got {paths.Length}."),
    };
}
