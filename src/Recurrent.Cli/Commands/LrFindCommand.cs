// LrFindCommand: `rnn lr-find` — Smith's learning-rate range test (fastai's lr_find) for every --task. It takes
// `rnn train`'s data, model and optimizer flags (TrainCommand.Flags, TaskFlags) and goes through the same start
// code as `rnn train --task KIND` (TrainCommand.Execute with a Sweep): the task builds its run from the sweep's
// options, in a temporary run directory that is deleted afterwards, and the library's LearningRateFinder trains it
// on the one fit loop. The sweep's curve goes to --out as lr_find.csv, lr_find.png, lr_find.svg and lr_find.json (`rnn ui` draws it); one line says
// the suggested rate and the rule that chose it. Flags that only a training run uses (budgets, schedules, the run
// directory, samples) are refused.
using System.CommandLine;
using System.Globalization;
using Recurrent.Cli.Reporting;
using Recurrent.Training;

namespace Recurrent.Cli.Commands;

internal static class LrFindCommand
{
    public static Command Create()
    {
        var o = new TrainCommand.Flags();
        var t = new TrainCommand.TaskFlags();
        var f = new Flags();
        o.Steps.Description = $"Updates in the sweep (default {new LearningRateFinderOptions().Steps}); it stops earlier when the smoothed loss exceeds 4× its minimum.";
        var cmd = new Command("lr-find",
            "Learning-rate range test (Smith 2017, fastai's lr_find): train a fresh model for a few hundred updates while the learning rate grows " +
            "exponentially, plot loss against learning rate and suggest a rate. Takes `rnn train`'s data, model and optimizer flags and --task.");
        foreach (var option in TrainingOnly(o)) option.Hidden = true;
        foreach (var option in o.All) cmd.Options.Add(option);
        foreach (var option in t.All) cmd.Options.Add(option);
        foreach (var option in f.All) cmd.Options.Add(option);
        cmd.SetAction(parse => Execute(parse, o, t, f));
        return cmd;
    }

    private sealed class Flags
    {
        public readonly Option<double?> StartLr = new("--start-lr") { Description = $"Learning rate of the first update (default {new LearningRateFinderOptions().StartLearningRate:G})." };
        public readonly Option<double?> EndLr = new("--end-lr") { Description = $"Learning rate of the last update (default {new LearningRateFinderOptions().EndLearningRate:G})." };
        public readonly Option<string?> Out = new("--out") { HelpName = "DIR", Description = "Directory for lr_find.csv, lr_find.png, lr_find.svg and lr_find.json (default runs/lr-find-DATE-TIME)." };
        public IEnumerable<Option> All => [StartLr, EndLr, Out];
    }

    /// <summary>`rnn train` flags that describe a training run, not the model or its optimizer: refused here.</summary>
    private static Option[] TrainingOnly(TrainCommand.Flags o) =>
    [
        o.Resume, o.RunDir, o.Ui, o.UiHost, o.Epochs, o.Time, o.Patience, o.Plateau, o.PlateauFactor, o.EvalEvery, o.LogEvery, o.StatsEvery, o.CheckpointEvery, o.MaxBadSteps,
        o.SampleEvery, o.SampleLength, o.SampleTemperature, o.SamplePrime,
        o.Lr, o.LrSchedule, o.LrDecay, o.LrDecayAfter, o.LrDecayEvery, o.Warmup, o.ScheduleSteps, o.MinLr, o.AverageWeights,
    ];

    private static int Execute(ParseResult parse, TrainCommand.Flags o, TrainCommand.TaskFlags t, Flags f)
    {
        foreach (var option in TrainingOnly(o))
            if (CommonOptions.Given(parse, option))
                throw new UserFacingException($"{option.Name} is a flag of `rnn train`, not of `rnn lr-find`: the sweep sets its own learning rates and length " +
                    "(--start-lr, --end-lr, --steps).");
        var defaults = new LearningRateFinderOptions();
        long steps = parse.GetValue(o.Steps) ?? defaults.Steps;
        if (steps is < 2 or > 100_000) throw new UserFacingException($"--steps must be between 2 and 100000 for lr-find, got {steps}.");
        var options = defaults with
        {
            StartLearningRate = parse.GetValue(f.StartLr) ?? defaults.StartLearningRate,
            EndLearningRate = parse.GetValue(f.EndLr) ?? defaults.EndLearningRate,
            Steps = (int)steps,
        };
        if (!(options.StartLearningRate > 0 && double.IsFinite(options.StartLearningRate)))
            throw new UserFacingException($"--start-lr must be positive and finite, got {Num(options.StartLearningRate)}.");
        if (!(options.EndLearningRate > options.StartLearningRate && double.IsFinite(options.EndLearningRate)))
            throw new UserFacingException($"--end-lr must be finite and above --start-lr ({Num(options.StartLearningRate)}), got {Num(options.EndLearningRate)}.");
        string output = Path.GetFullPath(parse.GetValue(f.Out) ?? DefaultOut());
        if (File.Exists(output)) throw new UserFacingException($"--out '{output}' is a file; give a directory.");
        if (File.Exists(Path.Combine(output, LrFindPlot.CsvFile)))
            throw new UserFacingException($"'{output}' already holds an lr-find result ({LrFindPlot.CsvFile}); choose another --out. Nothing was changed.");
        var sweep = new Sweep(options, output, parse.GetValue(o.Quiet));
        return TrainCommand.Execute(parse, o, t, sweep);
    }

    private static string DefaultOut()
    {
        string baseName = Path.Combine("runs", "lr-find-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        string name = baseName;
        for (int i = 2; Directory.Exists(name); i++) name = $"{baseName}-{i}";
        return name;
    }

    private static string Num(double v) => v.ToString("G", CultureInfo.InvariantCulture);

    /// <summary>
    /// What `rnn train --task KIND` does differently under lr-find: where the task would start its run and train, it
    /// hands its start code to <see cref="Run"/>, which builds the run from the sweep's options in a temporary
    /// directory and runs the library's finder on it.
    /// </summary>
    internal sealed class Sweep(LearningRateFinderOptions options, string output, bool quiet)
    {
        /// <summary>The sweep's settings.</summary>
        public LearningRateFinderOptions Options { get; } = options;

        /// <summary>
        /// Runs the sweep: <paramref name="start"/> is the task's start code, given the run directory and the sweep's
        /// optimization and fit options; <paramref name="optimization"/> is what `rnn train` would have trained with.
        /// </summary>
        public int Run(string task, OptimizationOptions optimization, Func<string, OptimizationOptions, FitOptions, FitLoop> start, CancellationToken cancellation)
        {
            string runDirectory = Path.Combine(Path.GetTempPath(), $"rnn-lr-find-{Guid.NewGuid():N}");
            try
            {
                var result = LearningRateFinder.Run((opt, fit) =>
                {
                    var loop = TrainCommand.Map(() => start(runDirectory, opt, fit));
                    if (!quiet)
                    {
                        Console.WriteLine($"lr-find: --task {task}, {loop.Model.Parameters.Count:N0} parameters, {optimization.Optimizer}; learning rate " +
                            $"{Num(Options.StartLearningRate)} → {Num(Options.EndLearningRate)} over {Options.Steps} updates ({loop.BatchesPerEpoch:N0} per epoch)");
                        if (!Console.IsOutputRedirected) loop.Add(new Progress(Options.Steps));
                    }
                    return loop;
                }, optimization, Options, cancellation);
                if (!result.Points.Any(p => double.IsFinite(p.SmoothedLoss)))
                    throw new UserFacingException($"the first update's loss was not finite at learning rate {Num(Options.StartLearningRate)}; nothing to plot. Try a lower --start-lr.");
                Directory.CreateDirectory(output);
                string title = $"Learning-rate range test — {task}, {optimization.Optimizer}";
                string[] files = LrFindPlot.Write(output, result, title);
                string why = result.Stop switch
                {
                    LearningRateFinderStop.Diverged => $"stopped at update {result.Points.Count}: the smoothed loss passed {Num(Options.DivergenceFactor)}× its minimum",
                    LearningRateFinderStop.NotFinite => $"stopped at update {result.Points.Count}: the loss was not finite",
                    LearningRateFinderStop.Cancelled => $"interrupted after {result.Points.Count} updates",
                    _ => $"all {result.Points.Count} updates made",
                };
                if (!quiet)
                {
                    Console.WriteLine($"sweep: {why}; steepest descent at lr {Show(result.Steepest)}, minimum/10 at lr {Show(result.MinimumOverTen)}");
                    Console.WriteLine($"wrote {string.Join(", ", files)}");
                }
                Console.WriteLine($"suggested learning rate: {Show(result.Suggested)} ({result.Rule}; train with --lr {Show(result.Suggested)})");
                return 0;
            }
            finally
            {
                try { if (Directory.Exists(runDirectory)) Directory.Delete(runDirectory, recursive: true); }
                catch (IOException) { } // a temporary directory left behind is no reason to fail the command
            }
        }

        private static string Show(double? v) => v is double x ? x.ToString("G3", CultureInfo.InvariantCulture) : "none";
    }

    /// <summary>One progress line, rewritten in place.</summary>
    private sealed class Progress(int steps) : FitCallback
    {
        public override void OnStepEnd(FitLoop loop, StepReport step)
        {
            if (step.Step % 10 != 0 && step.Step != steps) return;
            Console.Write($"\rupdate {step.Step}/{steps}  lr {step.LearningRate.ToString("G3", CultureInfo.InvariantCulture)}  loss {step.Loss.ToString("F4", CultureInfo.InvariantCulture)}   ");
        }

        public override void OnTrainEnd(FitLoop loop, FitOutcome outcome) => Console.WriteLine();
    }
}
