// TrainCommand.Fit: what every kind of model shares on the command line — the optimizer, clipping, weight-decay
// and schedule flags read into OptimizationOptions, the run-control flags (--epochs, --steps, --time, --patience,
// --eval-every, --log-every, --stats-every, --checkpoint-every, --max-bad-steps) read into FitOptions, and one way to run a fit
// loop in a run directory: the progress display, Ctrl+C/SIGTERM, divergence turned into a one-line error, the loss
// plot, and the closing lines (why it stopped, the metrics, the files, how to continue).
using System.CommandLine;
using Recurrent.Cli.Dashboard;
using Recurrent.Cli.Reporting;
using Recurrent.LanguageModels;
using Recurrent.Training;

namespace Recurrent.Cli.Commands;

internal static partial class TrainCommand
{
    /// <summary>The optimizer, clipping, weight-decay and schedule flags, applied over <paramref name="x"/> (a task's defaults).</summary>
    internal static OptimizationOptions ReadOptimization(ParseResult parse, Flags o, OptimizationOptions x)
    {
        if (parse.GetValue(o.Optimizer) is string optimizer) x = x with { Optimizer = ParseOptimizer(optimizer) };
        if (parse.GetValue(o.Lr) is double lr) x = x with { LearningRate = lr };
        if (parse.GetValue(o.Momentum) is double momentum) x = x with { Momentum = momentum };
        if (parse.GetValue(o.Beta1) is double beta1) x = x with { Beta1 = beta1 };
        if (parse.GetValue(o.Beta2) is double beta2) x = x with { Beta2 = beta2 };
        if (parse.GetValue(o.Alpha) is double alpha) x = x with { RmsPropAlpha = alpha };
        if (parse.GetValue(o.Eps) is double eps) x = x with { Epsilon = eps };
        if (parse.GetValue(o.Clip) is double clip) x = x with { ClipNorm = clip == 0 ? null : clip };
        if (parse.GetValue(o.ClipValue) is double clipValue) x = x with { ClipValue = clipValue == 0 ? null : clipValue };
        if (parse.GetValue(o.WeightDecay) is double wd) x = x with { WeightDecay = wd };
        if (parse.GetValue(o.Ar) is double ar) x = x with { ActivationRegularization = ar };
        if (parse.GetValue(o.Tar) is double tar) x = x with { TemporalActivationRegularization = tar };
        if (parse.GetValue(o.AverageWeights) is string averaging) x = x with { AverageWeights = Map(() => WeightAveraging.Parse(averaging)) };
        if (parse.GetValue(o.LrSchedule) is string schedule) x = x with { Schedule = ParseSchedule(schedule) };
        else if (parse.GetValue(o.LrDecay) is not null) x = x with { Schedule = LearningRateScheduleKind.StepDecay };
        if (parse.GetValue(o.LrDecay) is double decay) x = x with { LrDecay = decay };
        if (parse.GetValue(o.LrDecayAfter) is int after) x = x with { LrDecayAfter = after };
        if (parse.GetValue(o.LrDecayEvery) is int every) x = x with { LrDecayEvery = every };
        if (parse.GetValue(o.Warmup) is long warmup) x = x with { WarmupSteps = warmup };
        if (parse.GetValue(o.ScheduleSteps) is long scheduleSteps) x = x with { ScheduleSteps = scheduleSteps };
        if (parse.GetValue(o.MinLr) is double minLr) x = x with { MinLearningRate = minLr };
        return x;
    }

    /// <summary>
    /// The run-control flags over <paramref name="x"/>. On resume, giving any budget replaces all of the run's
    /// budgets (a run that reached its epochs is continued with --steps N, say).
    /// </summary>
    internal static FitOptions ReadFit(ParseResult parse, Flags o, FitOptions x, bool resuming)
    {
        int? epochs = parse.GetValue(o.Epochs);
        long? steps = parse.GetValue(o.Steps);
        double? time = parse.GetValue(o.Time) is string t ? ParseDuration(t) : null;
        if (epochs is not null || steps is not null || time is not null)
            x = resuming ? x with { Epochs = epochs, Steps = steps, TimeBudgetSeconds = time }
                : x with { Epochs = epochs ?? x.Epochs, Steps = steps ?? x.Steps, TimeBudgetSeconds = time ?? x.TimeBudgetSeconds };
        if (parse.GetValue(o.Patience) is int patience) x = x with { Patience = patience };
        if (parse.GetValue(o.Plateau) is int plateau) x = x with { PlateauPatience = plateau };
        if (parse.GetValue(o.PlateauFactor) is double plateauFactor) x = x with { PlateauFactor = plateauFactor };
        if (parse.GetValue(o.EvalEvery) is int evalEvery) x = x with { EvalEvery = evalEvery };
        if (parse.GetValue(o.LogEvery) is int logEvery) x = x with { LogEvery = logEvery };
        if (parse.GetValue(o.StatsEvery) is int statsEvery) x = x with { StatsEvery = statsEvery };
        if (parse.GetValue(o.CheckpointEvery) is int checkpointEvery) x = x with { CheckpointEvery = checkpointEvery };
        if (parse.GetValue(o.MaxBadSteps) is int maxBad) x = x with { MaxBadSteps = maxBad };
        return x;
    }

    /// <summary>The flags <see cref="ReadOptimization"/> reads.</summary>
    internal static Option[] OptimizationFlags(Flags o) =>
        [o.Optimizer, o.Lr, o.Momentum, o.Beta1, o.Beta2, o.Alpha, o.Eps, o.Clip, o.ClipValue, o.WeightDecay, o.LrSchedule, o.LrDecay,
         o.LrDecayAfter, o.LrDecayEvery, o.Warmup, o.ScheduleSteps, o.MinLr, o.AverageWeights];

    /// <summary>
    /// --ar and --tar (read by <see cref="ReadOptimization"/>): the kinds trained through a SequenceModel Trainer
    /// (lm, classify, tag, forecast) take them; seq2seq refuses them.
    /// </summary>
    internal static Option[] ActivationPenaltyFlags(Flags o) => [o.Ar, o.Tar];

    /// <summary>--ui and --ui-host: every kind of run takes them, also when resumed.</summary>
    internal static Option[] UiFlags(Flags o) => [o.Ui, o.UiHost];

    /// <summary>The dashboard asked for with --ui [PORT] (and --ui-host), or null; a bad port or host is refused here, before any work.</summary>
    internal static DashboardRequest? ReadUi(ParseResult parse, Flags o)
    {
        if (!CommonOptions.Given(parse, o.Ui))
        {
            if (CommonOptions.Given(parse, o.UiHost)) throw new UserFacingException("--ui-host needs --ui: it says where the dashboard listens.");
            return null;
        }
        var request = new DashboardRequest(parse.GetValue(o.Ui) ?? 0, parse.GetValue(o.UiHost));
        DashboardServer.CheckPort(request.Port);
        DashboardServer.ParseHost(request.Host);
        return request;
    }

    /// <summary>"; learning rate × 0.5 after every 2 evaluations without improvement" for --plateau, else "".</summary>
    internal static string PlateauText(FitOptions fit) =>
        fit.PlateauPatience is int p ? $"; learning rate × {Format.Number(fit.PlateauFactor, "G")} after every {p} evaluation{(p == 1 ? "" : "s")} without improvement" : "";

    /// <summary>The flags <see cref="ReadFit"/> reads.</summary>
    internal static Option[] FitFlags(Flags o) => [o.Epochs, o.Steps, o.Time, o.Patience, o.Plateau, o.PlateauFactor, o.EvalEvery, o.LogEvery, o.StatsEvery, o.CheckpointEvery, o.MaxBadSteps];

    /// <summary>
    /// Runs <paramref name="loop"/> (whose callbacks write <paramref name="run"/>) with the progress display, turns a
    /// divergence into a one-line error, draws the loss plot and prints why it stopped, the last and best evaluation
    /// and the files. Returns the exit code: 130 when interrupted (a checkpoint was written), else 0.
    /// </summary>
    internal static int RunFit(FitLoop loop, RunDirectory run, bool quiet, DashboardRequest? ui, CancellationToken cancellation,
        TextSampler? sampler = null, Action<FitOutcome>? more = null)
    {
        if (!quiet && AveragingLine(loop) is string averaging) Console.WriteLine(averaging);
        // The dashboard reads the run directory's files, so it is the same for every kind of model; it lives while the run trains.
        DashboardServer? dashboard = ui is null ? null : DashboardServer.StartAsync([run.Path], ui.Host, ui.Port).GetAwaiter().GetResult();
        if (dashboard is not null)
        {
            Console.WriteLine($"dashboard: {dashboard.Url} (live while this run trains; afterwards: rnn ui {run.Path})");
            if (dashboard.RequiresToken) Console.WriteLine("dashboard listens beyond this machine: requests without the token in this address are refused.");
        }
        FitOutcome outcome;
        try
        {
            outcome = TrainingDisplay.Create(quiet).Run(loop, sampler, () => loop.Run(cancellation));
        }
        catch (TrainingDivergedException e)
        {
            throw new UserFacingException(e.Message);
        }
        finally
        {
            dashboard?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        string plots;
        try
        {
            var (png, svg) = LossPlot.Write(run.Path);
            plots = $", {Path.GetFileName(png)}, {Path.GetFileName(svg)}";
        }
        catch (IOException e)
        {
            plots = "";
            Console.Error.WriteLine($"rnn: no loss plot: {e.Message}");
        }
        if (outcome.StepsThisSession == 0 && outcome.Reason != StopReason.Cancelled)
            Console.WriteLine($"the run had already reached its budget or early-stopping point (step {outcome.Step}); " +
                "give a larger --steps, --epochs or --time (or --patience) to continue it.");
        Console.WriteLine($"stopped at step {outcome.Step} (epoch {Format.Number(outcome.Epoch, "F2")}) after {Format.Duration(outcome.ElapsedSeconds)}: {Describe(outcome.Reason, loop.Options)}");
        string validation = outcome.Validation is Evaluation v
            ? $", validation {string.Join(", ", v.Metrics.Select(m => $"{m.Key} {Format.Metric(m.Value)}"))}" +
              (outcome.BestScore is double b ? $" (best {v.Monitor} {Format.Metric(b)} at step {outcome.BestStep})" : "")
            : ", no validation data";
        Console.WriteLine($"train loss {Format.Loss(outcome.TrainLoss)}{validation}");
        if (outcome.SkippedSteps > 0)
            Console.WriteLine($"skipped steps (non-finite or diverged loss or gradient, no update made): {outcome.SkippedSteps}");
        var files = new List<string> { RunDirectory.LastFile };
        if (File.Exists(run.Best)) files.Add(RunDirectory.BestFile);
        files.Add(RunDirectory.MetricsFile);
        if (File.Exists(run.Stats)) files.Add(RunDirectory.StatsFile);
        if (File.Exists(run.Samples)) files.Add(RunDirectory.SamplesFile);
        if (File.Exists(run.Predictions)) files.Add(RunDirectory.PredictionsFile);
        Console.WriteLine($"run directory {run.Path}: {string.Join(", ", files)}{plots}");
        more?.Invoke(outcome);
        return outcome.Reason == StopReason.Cancelled ? 130 : 0;
    }

    /// <summary>The header line of a run that averages its weights (every kind of model), or null.</summary>
    internal static string? AveragingLine(FitLoop loop)
    {
        if (loop.Averaging is not AveragingOptimizer a) return null;
        string state = a.Averaging.Kind != WeightAveragingKind.NonMonotone ? ""
            : a.Start is long start ? $"; triggered: averaging since update {start}" : "; not triggered yet";
        return $"averaged weights: {a.Averaging.Describe()}{state}; evaluations, {RunDirectory.BestFile} and the final model use the average, " +
            $"{RunDirectory.LastFile} the raw weights (and the average, to resume)";
    }

    /// <summary>
    /// Before a large model is set up (allocation and initialisation take seconds to minutes), says what is being set
    /// up and how much memory training it takes, so a long silence is never the first thing a user sees. A model that
    /// cannot fit is refused later, by the library's check, with the same figures.
    /// </summary>
    internal static void AnnounceSetup(Recurrent.Models.ModelConfig config, int batch, int steps, OptimizationOptions optimization)
    {
        Recurrent.Models.ModelMemoryEstimate estimate;
        try { estimate = Recurrent.Models.ModelMemory.Estimate(config, batch, steps, optimization.OptimizerBuffers); }
        catch (ArgumentException) { return; }
        if (estimate.TotalBytes < 512L << 20) return;
        if (estimate.TotalBytes > (Int128)(Recurrent.Models.ModelMemory.AvailableBytes * Recurrent.Models.ModelMemory.DefaultMaxFraction)) return; // refused next
        Console.Error.WriteLine($"rnn: setting up a model of {estimate.ParameterCount:N0} parameters; training it takes about " +
            $"{(double)estimate.TotalBytes / (1L << 30):F1} GB of the {(double)Recurrent.Models.ModelMemory.AvailableBytes / (1L << 30):F1} GB available...");
    }

    private static OptimizerKind ParseOptimizer(string name) => name.ToLowerInvariant() switch
    {
        "sgd" => OptimizerKind.Sgd,
        "momentum" => OptimizerKind.Momentum,
        "nesterov" => OptimizerKind.Nesterov,
        "adagrad" => OptimizerKind.Adagrad,
        "rmsprop" => OptimizerKind.RmsProp,
        "adam" => OptimizerKind.Adam,
        "adamw" => OptimizerKind.AdamW,
        _ => throw new UserFacingException($"unknown optimizer '{name}'; use one of: sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw."),
    };

    private static LearningRateScheduleKind ParseSchedule(string name) => name.ToLowerInvariant() switch
    {
        "constant" => LearningRateScheduleKind.Constant,
        "step" or "char-rnn" => LearningRateScheduleKind.StepDecay,
        "exponential" or "exp" => LearningRateScheduleKind.Exponential,
        "cosine" => LearningRateScheduleKind.Cosine,
        _ => throw new UserFacingException($"unknown --lr-schedule '{name}'; use one of: constant, step, exponential, cosine."),
    };
}
