// TrainForecast: `rnn train --task forecast --data FILE.csv` — a forecaster (reads --window steps of the --inputs
// columns, predicts the next --horizon steps of the --targets columns) trained by the library's ForecastRun on the fit
// loop, with everything a language-model run has: budgets (--epochs/--steps/--time), every optimizer, schedule and
// clipping flag, the live progress line, metrics.jsonl with the validation MSE and MAE in the series' units, loss
// plots, last/best checkpoints that `rnn predict`/`eval`/`export` read, `--resume DIR`, Ctrl+C/SIGTERM and the
// divergence guard. Defaults come from the library's ForecastModelSettings and ForecastOptions. Flags of the other
// tasks are refused. Under mpirun it trains data-parallel (TrainDistributed.cs): rank 0 reports and writes, the other
// ranks only train.
using System.CommandLine;
using Recurrent.Cli.Reporting;
using Recurrent.Data;
using Recurrent.Forecasting;
using Recurrent.Training;

namespace Recurrent.Cli.Commands;

internal static class TrainForecast
{
    private const string Task = ForecastRunSpec.KindName;

    private static Option[] Used(TrainCommand.Flags o, TrainCommand.TaskFlags t) =>
    [
        o.Task, o.Data, o.Encoding, o.ValFraction, .. t.ForecastShape,
        o.Model, o.Activation, o.GateActivation, o.ForgetBias, o.Hidden, o.Layers, o.Batch, o.RunDir, o.Resume, o.InitFrom, o.Seed, o.Quiet, o.Distributed,
        .. TrainCommand.OptimizationFlags(o), .. TrainCommand.ActivationPenaltyFlags(o), .. TrainCommand.FitFlags(o), .. TrainCommand.UiFlags(o),
    ];

    /// <summary>Starts a new --task forecast run.</summary>
    public static int Execute(ParseResult parse, TrainCommand.Flags o, TrainCommand.TaskFlags t, CancellationToken cancellation,
        LrFindCommand.Sweep? sweep = null, TrainDistributed? distributed = null)
    {
        TrainCommand.RejectOthers(parse, Task, Used(o, t), [.. o.All, .. t.All]);
        if (parse.GetValue(o.Data) is not { Length: 1 } data)
            throw new UserFacingException("--task forecast needs --data with exactly one CSV file (one row per time step).");
        string file = Path.GetFullPath(data[0]);
        if (!File.Exists(file)) throw new UserFacingException($"the data file '{file}' does not exist.");
        string? encoding = parse.GetValue(o.Encoding);
        if (encoding is not null) TrainCommand.Map(() => TextEncodings.Get(encoding));

        string? initFrom = parse.GetValue(o.InitFrom) is string init ? CommonOptions.ResolveModelPath(init) : null;
        if (initFrom is not null)
            foreach (var fixedByModel in (Option[])[o.Model, o.Activation, o.GateActivation, o.ForgetBias, o.Hidden, o.Layers, .. t.ForecastShape])
                if (CommonOptions.Given(parse, fixedByModel))
                    throw new UserFacingException($"{fixedByModel.Name} cannot be used with --init-from: the architecture, columns, window, scaling and quantiles come from '{initFrom}'.");
        var m = new ForecastModelSettings();
        var settings = m with
        {
            Cell = parse.GetValue(o.Model) is string cell ? CommonOptions.ParseCell(cell) : m.Cell,
            Activation = CommonOptions.ParseActivation(parse.GetValue(o.Activation)),
            GateActivation = CommonOptions.ParseGateActivation(parse.GetValue(o.GateActivation)),
            HiddenSize = Positive(parse.GetValue(o.Hidden) ?? m.HiddenSize, "--hidden"),
            Layers = Positive(parse.GetValue(o.Layers) ?? m.Layers, "--layers"),
        };
        settings = settings with { ForgetGateBias = CommonOptions.ReadForgetBias(parse, o.ForgetBias, settings.Cell) };
        CommonOptions.CheckActivations(settings.Cell, settings.Activation, settings.GateActivation);
        var x = new ForecastOptions();
        var options = x with
        {
            Window = Positive(parse.GetValue(t.Window) ?? x.Window, "--window"),
            Horizon = Positive(parse.GetValue(t.Horizon) ?? x.Horizon, "--horizon"),
            BatchSize = Positive(parse.GetValue(o.Batch) ?? x.BatchSize, "--batch"),
            Optimization = TrainCommand.ReadOptimization(parse, o, x.Optimization),
            Fit = TrainCommand.ReadFit(parse, o, x.Fit, resuming: false),
            ValidationFraction = parse.GetValue(o.ValFraction) ?? x.ValidationFraction,
            Seed = parse.GetValue(o.Seed) ?? x.Seed,
            Normalize = parse.GetValue(t.Normalize) is string n ? ParseNormalization(n) : x.Normalize,
            Difference = parse.GetValue(t.Difference),
            SeasonDifference = parse.GetValue(t.SeasonDiff) is int sd
                ? (sd >= 2 || sd == 0 ? sd : throw new UserFacingException($"--season-diff must be a season of 2 or more steps, or 0 for none, got {sd}; --difference is the lag-1 difference."))
                : null,
            Season = parse.GetValue(t.Season) is int season ? Positive(season, "--season") : null,
            Quantiles = parse.GetValue(t.Quantiles) is string q ? ParseQuantiles(q) : null,
        };
        TrainCommand.Map(() => options.Validate());
        var spec = new ForecastRunSpec
        {
            Model = settings,
            Training = options,
            Data = new ForecastDataSpec
            {
                Path = file, Inputs = Columns(parse.GetValue(t.Inputs)), Targets = Columns(parse.GetValue(t.Targets)), Encoding = encoding,
                Known = Columns(parse.GetValue(t.Known)), TimeColumn = parse.GetValue(t.TimeColumn), SeriesColumn = parse.GetValue(t.SeriesColumn),
            },
            InitFrom = initFrom,
        };
        if (sweep is not null)
            return sweep.Run(Task, options.Optimization, (directory, optimization, fit) =>
                ForecastRun.Start(spec with { Training = options with { Optimization = optimization, Fit = fit } }, directory).Loop, cancellation);
        string runDir = parse.GetValue(o.RunDir) ?? TrainCommand.DefaultRunDirectory();
        // Only rank 0 writes the run directory, and it may already have started it when another rank gets here.
        if (distributed is not { IsRoot: false } && new RunDirectory(runDir).HoldsRun)
            throw new UserFacingException($"the run directory '{Path.GetFullPath(runDir)}' already holds a run; continue it with --resume {runDir}, or choose another --run-dir. Nothing was changed.");
        var run = TrainCommand.Map(() => ForecastRun.Start(spec, runDir, distributed?.Reducer));
        if (distributed is { IsRoot: false })
        {
            run.Loop.Run(cancellation); // the other ranks only train: files, progress and plots are rank 0's
            return 0;
        }
        bool quiet = parse.GetValue(o.Quiet);
        if (!quiet) PrintHeader(run);
        if (!quiet && distributed is not null) Console.WriteLine(TrainSupervised.DataParallelLine(distributed, options.BatchSize));
        return Train(run, quiet, TrainCommand.ReadUi(parse, o), cancellation);
    }

    /// <summary>`rnn train --resume DIR` for a forecast run: only the run controls may change.</summary>
    public static int Resume(ParseResult parse, TrainCommand.Flags o, TrainCommand.TaskFlags t, string checkpoint, CancellationToken cancellation,
        TrainDistributed? distributed = null)
    {
        var mayChange = new HashSet<Option>([o.Task, o.Resume, o.Quiet, o.Distributed, .. TrainCommand.FitFlags(o), .. TrainCommand.UiFlags(o)]);
        if (Used(o, t).FirstOrDefault(f => !mayChange.Contains(f) && CommonOptions.Given(parse, f)) is Option fixedFlag)
            throw new UserFacingException($"{fixedFlag.Name} cannot be used with --resume: a resumed forecast run keeps the series, model and optimizer it " +
                "started with; only the budgets and intervals (--epochs, --steps, --time, --patience, --eval-every, --log-every, --stats-every, --checkpoint-every, --max-bad-steps) may change.");
        TrainCommand.RejectOthers(parse, Task, Used(o, t), [.. o.All, .. t.All]);
        var stored = ForecastRunSpec.FromJsonNode(FitState.ReadRun(Recurrent.Serialization.ModelFile.Read(checkpoint).Training!, checkpoint), checkpoint);
        var controls = TrainCommand.ReadFit(parse, o, stored.Training.Fit, resuming: true);
        TrainCommand.Map(() => controls.Validate());
        var run = TrainCommand.Map(() => ForecastRun.Resume(checkpoint, controls, distributed?.Reducer));
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
            if (distributed is not null) Console.WriteLine(TrainSupervised.DataParallelLine(distributed, run.Spec.Training.BatchSize));
        }
        return Train(run, quiet, TrainCommand.ReadUi(parse, o), cancellation);
    }

    private static int Train(ForecastRun run, bool quiet, Recurrent.Cli.Dashboard.DashboardRequest? ui, CancellationToken cancellation) =>
        TrainCommand.RunFit(run.Loop, run.RunDirectory, quiet, ui, cancellation, more: outcome =>
        {
            var dir = run.RunDirectory;
            string model = File.Exists(dir.Best) ? dir.Best : dir.Last;
            var spec = run.Forecaster.Spec;
            Console.WriteLine($"model: {model} (window {spec.Window} of [{Labels(spec.Inputs)}] → {spec.Horizon} step(s) of [{Labels(spec.Targets)}])");
            if (File.Exists(model) && run.Series.Validation.Count > 0)
            {
                var best = ForecastFile.Load(model);
                var a = ForecastEvaluation.Run(best.Model, run.Series, run.Series.Validation).Overall;
                Console.WriteLine("validation (best weights" + (run.Series.Segments.Count > 1 ? $"; {run.Series.Segments.Count} series, errors pooled, MASE the mean of theirs" : "") + "): " +
                    ForecastReport.Summary(a, spec.Quantiles).Replace("quantile coverage", "  quantile coverage"));
                if (ForecastReport.Verdict(a, spec) is string verdict) Console.WriteLine(verdict);
            }
            Console.WriteLine($"next: rnn predict {dir.Path} --input FILE --steps N   rnn eval {dir.Path} --data FILE   rnn report {dir.Path}   " +
                $"continue: rnn train --resume {dir.Path} --epochs N");
        });

    private static void PrintHeader(ForecastRun run)
    {
        var s = run.Spec;
        var f = run.Forecaster.Spec;
        var series = run.Series;
        string many = series.Segments.Count > 1 || f.SeriesColumn is not null
            ? $"{series.Segments.Count} series (column '{f.SeriesColumn}'), the last {Format.Number(s.Training.ValidationFraction * 100, "0.#")}% of each held out"
            : $"rows {series.Segments[0].Split + 1}..{series.Rows} held out";
        Console.WriteLine($"forecast: {s.Data.Path}; {series.Rows} rows; inputs [{Labels(f.Inputs)}] → targets [{Labels(f.Targets)}]; window {f.Window}, horizon {f.Horizon}; " +
            $"{many} ({run.TrainWindows} training, {run.ValidationWindows} validation windows)");
        if (series.SkippedSeries.Count > 0)
            Console.WriteLine($"left out {series.SkippedSeries.Count} series too short for a training and a validation window: {string.Join(", ", series.SkippedSeries.Take(10))}{(series.SkippedSeries.Count > 10 ? ", ..." : "")}");
        string extra = (f.Known is { Count: > 0 } known ? $"; known ahead [{Labels(known)}]" : "") +
            (f.Calendar is { } cal ? $"; calendar of '{cal.Column}' ({string.Join(", ", cal.Features)})" : "");
        if (s.InitFrom is string init)
            Console.WriteLine($"fine-tuning from {init}: its weights, architecture, columns, window, horizon, scaling, season and quantiles");
        Console.WriteLine($"scaling: {ForecastReport.Scaling(f)}; season {f.Season} ({(s.InitFrom is not null ? "the model's" : s.Training.Season is null ? "detected from the training rows' autocorrelation" : "given")}){extra}");
        if (series.SeasonDifferenceChoice is string why)
            Console.WriteLine($"seasonal differencing {(f.SeasonDifference > 0 ? $"on (lag {f.SeasonDifference})" : "off")}: {why} (--season-diff S or 0 decides it)");
        string loss = f.Quantiles is { } q ? $"pinball loss on quantiles {string.Join(", ", q.Select(v => Format.Number(v, "G")))}" : "MSE";
        Console.WriteLine($"model: {s.Model.Cell}{CommonOptions.ActivationsText(s.Model.Activation, s.Model.GateActivation)} {s.Model.HiddenSize}x{s.Model.Layers}{TrainSupervised.ForgetBiasText(s.Model.ForgetGateBias)} → linear ({loss} on scaled values); {run.Forecaster.Model.Parameters.Count:N0} parameters");
        var opt = s.Training.Optimization;
        var fit = run.Loop.Options;
        string?[] budgets =
        [
            fit.Steps is long steps ? $"{steps} steps" : null,
            fit.Epochs is int epochs ? $"{epochs} epochs" : null,
            fit.TimeBudgetSeconds is double seconds ? Format.Duration(seconds) : null,
            fit.Patience is int p ? $"{p} evaluations without a lower validation loss" : null,
        ];
        Console.WriteLine($"training: batch {s.Training.BatchSize} ({run.Loop.BatchesPerEpoch:N0} updates per epoch); {opt.Optimizer} lr {Format.Number(opt.LearningRate, "G")} " +
            $"({opt.Schedule}){(opt.ClipNorm is double cn ? $", clip norm {Format.Number(cn, "G")}" : "")}; stop after {string.Join(" or ", budgets.OfType<string>())}{TrainCommand.PlateauText(fit)}; seed {s.Training.Seed}");
        if (series.Validation.Count > 0)
        {
            var a = ForecastEvaluation.Run(run.Forecaster.Model, series, series.Validation).Overall;
            Console.WriteLine($"baselines on the validation windows: naive (last value) MAE {G(a.NaiveMae)}, seasonal naive (S={a.Season}) MAE {G(a.SeasonalNaiveMae)}");
        }
        Console.WriteLine($"run directory: {run.RunDirectory.Path}");
    }

    private static string G(double v) => Format.Number(v, "G4");

    private static ForecastNormalization ParseNormalization(string text) => text.Trim().ToLowerInvariant() switch
    {
        "window" => ForecastNormalization.Window,
        "global" => ForecastNormalization.Global,
        "none" => ForecastNormalization.None,
        _ => throw new UserFacingException($"--normalize must be window, global or none, got '{text}'."),
    };

    private static double[] ParseQuantiles(string text)
    {
        var levels = new List<double>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            levels.Add(double.TryParse(part, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) && v > 0 && v < 1
                ? v : throw new UserFacingException($"--quantiles takes levels strictly between 0 and 1, e.g. 0.1,0.5,0.9; '{part}' is not one."));
        if (levels.Count == 0) throw new UserFacingException("--quantiles needs at least one level, e.g. 0.1,0.5,0.9.");
        if (levels.Zip(levels.Skip(1)).Any(p => p.Second <= p.First)) throw new UserFacingException($"--quantiles must increase, got {text}.");
        return levels.ToArray();
    }

    private static string Labels(IReadOnlyList<ForecastColumn> columns) => string.Join(", ", columns.Select(c => c.Label));

    private static string[]? Columns(string? text) =>
        text?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } names ? names : null;

    private static int Positive(int value, string flag) =>
        value > 0 ? value : throw new UserFacingException($"{flag} must be positive, got {value}.");
}
