// TrainCommand.Caption: `rnn train --task caption --images DIR --captions captions.tsv` — image captioning (the cs231n
// set-up: a pretrained CNN's pooled feature vector starts an LSTM that writes the caption; with --attention the
// decoder also attends over the CNN's grid at every word, Show, Attend and Tell: --grid 7x7, the default, or 14x14).
// Features come from ResNet18 through ONNX Runtime (Recurrent.Vision), computed once into the run directory's feature
// cache (CaptionImageData); the model file records which grid, so predict, eval, report and resume compute the same;
// the library's CaptionRun trains on the one fit loop with everything the other tasks have: budgets, every optimizer,
// schedule and clipping flag, the progress line, metrics.jsonl with val_loss and val_bleu1..4, loss plots, last/best
// checkpoints that `rnn predict --images`, `rnn eval` and `rnn report` read, `--resume DIR` (the features are read
// back from the cache), Ctrl+C/SIGTERM and the divergence guard. Defaults come from the library's CaptionOptions.
// Under mpirun the run trains data-parallel (TrainDistributed.cs): rank 0 computes the features into the run
// directory's cache, reports and writes; the other ranks read that cache (LoadFeatures) and only train.
using System.CommandLine;
using Recurrent.Captioning;
using Recurrent.Cli.Reporting;
using Recurrent.Training;

namespace Recurrent.Cli.Commands;

internal static partial class TrainCommand
{
    private static Option[] CaptionFlags(Flags o, TaskFlags t) =>
    [
        o.Task, t.Images, t.Captions, t.Grid, t.Positions, t.MinCount, o.ValFraction, o.Model, o.Layers, o.Hidden, o.Embedding, o.Batch, o.RunDir, o.Resume, o.Seed, o.Quiet,
        o.Distributed, t.Attention, t.MaxOutput, .. OptimizationFlags(o), .. FitFlags(o), .. UiFlags(o),
    ];

    private static int ExecuteCaption(ParseResult parse, Flags o, TaskFlags t, CancellationToken cancellation, LrFindCommand.Sweep? sweep,
        TrainDistributed? distributed)
    {
        foreach (var option in new Option[] { o.Activation, o.GateActivation, o.Bidirectional })
            if (CommonOptions.Given(parse, option))
                throw new UserFacingException($"{option.Name} does not apply to --task caption: its decoder is a standard unidirectional cell stack.");
        RejectOthers(parse, "caption", CaptionFlags(o, t), [.. o.All, .. t.All]);
        string images = parse.GetValue(t.Images) ?? throw new UserFacingException("--task caption needs --images DIR (the pictures) and --captions FILE (file name<TAB>caption lines).");
        string captions = parse.GetValue(t.Captions) ?? throw new UserFacingException("--task caption needs --captions FILE (file name<TAB>caption lines, several per image allowed).");
        var x = new CaptionOptions();
        var options = x with
        {
            Cell = parse.GetValue(o.Model) is string cell ? CommonOptions.ParseCell(cell) : x.Cell,
            HiddenSize = parse.GetValue(o.Hidden) ?? x.HiddenSize,
            Layers = parse.GetValue(o.Layers) ?? x.Layers,
            EmbeddingSize = parse.GetValue(o.Embedding) ?? x.EmbeddingSize,
            Attention = parse.GetValue(t.Attention) is string attention ? ParseAttention(attention) : x.Attention,
            MaxLength = parse.GetValue(t.MaxOutput) is int max
                ? max > 0 ? max : throw new UserFacingException($"--max-output must be positive, got {max}.")
                : x.MaxLength,
            MinCount = parse.GetValue(t.MinCount) ?? x.MinCount,
            BatchSize = parse.GetValue(o.Batch) ?? x.BatchSize,
            Optimization = ReadOptimization(parse, o, x.Optimization),
            Fit = ReadFit(parse, o, x.Fit, resuming: false),
            ValidationFraction = parse.GetValue(o.ValFraction) ?? x.ValidationFraction,
            Seed = parse.GetValue(o.Seed) ?? x.Seed,
        };
        var grid = parse.GetValue(t.Grid) is string gridName ? CaptionImageData.ParseGrid(gridName) : Recurrent.Vision.ResNet18Grid.Last;
        if (CommonOptions.Given(parse, t.Positions) && options.Attention == Recurrent.Layers.AttentionKind.None)
            throw new UserFacingException("--positions adds position vectors to the grid the decoder attends over; it needs --attention luong|bahdanau.");
        options = options with
        {
            RegionPositions = parse.GetValue(t.Positions) is string positions ? CaptionImageData.ParsePositions(positions) : CaptionImageData.DefaultPositions(grid),
        };
        Map(() => options.Validate());
        var data = new CaptionDataSpec { ImagesDirectory = Path.GetFullPath(images), CaptionsPath = Path.GetFullPath(captions), Features = grid.Description };
        bool quiet = parse.GetValue(o.Quiet);
        CaptionImageData.Match(images, captions); // file mistakes are reported before anything is created
        if (sweep is not null)
        {
            var cache = Directory.CreateTempSubdirectory("rnn-lr-find-features-").FullName;
            try
            {
                var all = CaptionImageData.Load(images, captions, cache, quiet, grid);
                return sweep.Run(CaptionRunSpec.RunKind, options.Optimization, (directory, optimization, fit) =>
                    CaptionRun.Start(options with { Optimization = optimization, Fit = fit }, all, data, directory).Loop, cancellation);
            }
            finally { Directory.Delete(cache, recursive: true); }
        }
        string runDir = parse.GetValue(o.RunDir) ?? DefaultRunDirectory();
        // Only rank 0 writes the run directory, and it may already have started it when another rank gets here.
        if (distributed is not { IsRoot: false } && new RunDirectory(runDir).HoldsRun)
            throw new UserFacingException($"the run directory '{Path.GetFullPath(runDir)}' already holds a run; continue it with --resume {runDir}, or choose another --run-dir. Nothing was changed.");
        if (distributed is not { IsRoot: false }) Directory.CreateDirectory(runDir);
        var imagesWithFeatures = LoadFeatures(images, captions, runDir, quiet, distributed, grid);
        var run = Map(() => CaptionRun.Start(options, imagesWithFeatures, data, runDir, reducer: distributed?.Reducer));
        if (distributed is { IsRoot: false })
        {
            run.Loop.Run(cancellation); // the other ranks only train: files, progress and plots are rank 0's
            return 0;
        }
        if (!quiet) PrintCaptionHeader(run);
        if (!quiet && distributed is not null) Console.WriteLine(TrainSupervised.DataParallelLine(distributed, options.BatchSize));
        return TrainCaption(run, quiet, ReadUi(parse, o), cancellation);
    }

    /// <summary>`rnn train --resume DIR` for a caption run: only the run controls may change; the features come from the run's cache.</summary>
    private static int ResumeCaption(ParseResult parse, Flags o, TaskFlags t, string checkpoint, CancellationToken cancellation,
        TrainDistributed? distributed)
    {
        var stored = CaptionRunSpec.FromJsonNode(FitState.FromJson(Recurrent.Serialization.ModelFile.Read(checkpoint).Training!, checkpoint).Run, checkpoint);
        var controls = ResumeControls(parse, o, t, "caption", CaptionFlags(o, t), stored.Training.Fit);
        bool quiet = parse.GetValue(o.Quiet);
        string runDir = Path.GetDirectoryName(checkpoint)!;
        var run = Map(() => CaptionRun.Resume(checkpoint, spec =>
        {
            if (spec.Data.ImagesDirectory is not string images || spec.Data.CaptionsPath is not string captions)
                throw new UserFacingException($"'{checkpoint}' was trained on images given in code, not by files; resume it with the library's CaptionRun.Resume.");
            return LoadFeatures(images, captions, runDir, quiet, distributed, CaptionImageData.GridOf(spec.Data.Features, checkpoint));
        }, controls, reducer: distributed?.Reducer));
        if (distributed is { IsRoot: false })
        {
            run.Loop.Run(cancellation); // the other ranks only train
            return 0;
        }
        if (!quiet)
        {
            PrintCaptionHeader(run);
            Console.WriteLine($"resuming at step {run.Loop.Step}, epoch {Format.Number(run.Loop.FractionalEpoch, "F2")}");
            if (distributed is not null) Console.WriteLine(TrainSupervised.DataParallelLine(distributed, run.Spec.Training.BatchSize));
        }
        return TrainCaption(run, quiet, ReadUi(parse, o), cancellation);
    }

    // The features of every image, through the run directory's feature cache. Every rank needs all of them, but two
    // ranks computing into that one cache would race on its file. So under mpirun rank 0 alone loads (computing and
    // writing what the cache misses) while the other ranks wait at a barrier (MPI_Barrier), then
    // read the complete cache rank 0 wrote: nothing is written twice, ResNet18 runs once, and every rank trains on the
    // same bytes (the loop's weight check would stop ranks whose features differed). If rank 0 fails, its MPI_Abort
    // ends the waiting ranks. The run directory must be visible to every rank (one file system, as --resume needs).
    private static IReadOnlyList<CaptionedImage> LoadFeatures(string images, string captions, string runDir, bool quiet, TrainDistributed? distributed,
        Recurrent.Vision.ResNet18Grid grid)
    {
        if (distributed is null) return CaptionImageData.Load(images, captions, runDir, quiet, grid);
        var loaded = distributed.IsRoot ? CaptionImageData.Load(images, captions, runDir, quiet, grid) : null;
        distributed.Reducer.Barrier();
        return loaded ?? CaptionImageData.Load(images, captions, runDir, quiet: true, grid);
    }

    private static int TrainCaption(CaptionRun run, bool quiet, Recurrent.Cli.Dashboard.DashboardRequest? ui, CancellationToken cancellation) =>
        RunFit(run.Loop, run.RunDirectory, quiet, ui, cancellation, more: outcome =>
        {
            string model = File.Exists(run.RunDirectory.Best) ? run.RunDirectory.Best : run.RunDirectory.Last;
            Console.WriteLine($"model: {model} ({run.Vocabulary.Size - CaptionVocabulary.Specials} words, captions up to {run.Model.Config.MaxLength})");
            string images = run.Spec.Data.ImagesDirectory ?? "DIR";
            Console.WriteLine($"next: rnn predict {model} --images {images}   rnn eval {model} --images {images} --captions FILE   rnn report {run.RunDirectory.Path}   " +
                              $"continue: rnn train --resume {run.RunDirectory.Path} --epochs N");
        });

    private static string PositionsText(Recurrent.Seq2Seq.RegionPositionKind kind) => kind switch
    {
        Recurrent.Seq2Seq.RegionPositionKind.PerRegion => ", a learned position vector per region",
        Recurrent.Seq2Seq.RegionPositionKind.RowColumn => ", learned position vectors per row and per column",
        _ => ", no position vectors",
    };

    private static void PrintCaptionHeader(CaptionRun run)
    {
        var s = run.Spec;
        var c = run.Model.Config;
        Console.WriteLine($"caption: {s.Data.CaptionsPath} over {s.Data.ImagesDirectory}; {run.TrainImages:N0} training images ({run.TrainCount:N0} captions) and " +
                          $"{run.ValidationImages:N0} validation images ({run.ValidationCount:N0} captions)" +
                          (run.TruncatedCaptions > 0 ? $"; {run.TruncatedCaptions:N0} captions longer than {c.MaxLength} words cut to it (--max-output)" : ""));
        Console.WriteLine($"features: {s.Data.Features}; the pooled vector starts the decoder" +
                          (c.Attends ? $", and it attends over the {c.Regions} grid regions ({AttentionName(c.Attention)}{PositionsText(c.RegionPositions)})" : " (no attention; --attention luong|bahdanau attends over the grid)"));
        Console.WriteLine($"model: {c.Cell} decoder {c.HiddenSize}x{c.Layers}, embedding {c.EmbeddingSize}; {run.Vocabulary.Size - CaptionVocabulary.Specials:N0} words " +
                          $"(seen at least {s.Training.MinCount} time{(s.Training.MinCount == 1 ? "" : "s")}; the rest are <unk>); {run.Model.Parameters.Count:N0} parameters");
        var opt = s.Training.Optimization;
        var fit = run.Loop.Options;
        var budgets = new List<string>();
        if (fit.Steps is long st) budgets.Add($"{st} steps");
        if (fit.Epochs is int e) budgets.Add($"{e} epochs");
        if (fit.TimeBudgetSeconds is double time) budgets.Add(Format.Duration(time));
        Console.WriteLine($"training: batch {s.Training.BatchSize} ({run.Loop.BatchesPerEpoch:N0} updates per epoch); {opt.Optimizer} lr {Format.Number(opt.LearningRate, "G")} ({opt.Schedule})" +
            $"{(opt.ClipNorm is double cn ? $", clip norm {cn}" : "")}; stop after {string.Join(" or ", budgets)}" +
            $"{(fit.Patience is int p ? $" or {p} evaluations without a lower val_loss" : "")}{PlateauText(fit)}; seed {s.Training.Seed}");
        Console.WriteLine($"run directory: {run.RunDirectory.Path}");
    }
}
