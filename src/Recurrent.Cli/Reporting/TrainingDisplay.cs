// TrainingDisplay: what `rnn train` shows while it trains. In a terminal, a live Spectre.Console progress line
// (step, epoch, loss, validation loss, tokens/s, ETA) with evaluations and samples printed above it; when stdout
// is redirected (tests, CI, `| tee`), one plain line per metrics record; with --quiet, nothing until the end.
// Windows skipped for a non-finite loss or gradient are reported as they happen (stderr in plain mode).
// It only listens to LanguageModelTrainer's events; the trainer does the work.
using Recurrent.LanguageModels;
using Spectre.Console;

namespace Recurrent.Cli.Reporting;

internal abstract class TrainingDisplay
{
    /// <summary>Live progress when stdout is a terminal, plain lines otherwise, or nothing when quiet.</summary>
    public static TrainingDisplay Create(bool quiet) =>
        quiet ? new QuietDisplay() : Console.IsOutputRedirected ? new PlainDisplay() : new LiveDisplay();

    /// <summary>Runs <paramref name="train"/> while showing the trainer's progress.</summary>
    public abstract TrainingOutcome Run(LanguageModelTrainer trainer, Func<TrainingOutcome> train);

    /// <summary>The line shown for a window skipped because its loss or gradient was not finite.</summary>
    protected static string SkippedText(SkippedStepReport s) =>
        $"rnn: warning: skipped a window after update {s.Step}: loss {s.Loss}, gradient norm {s.GradientNorm}, not both finite, " +
        $"so no update was made ({s.InARow} in a row, {s.Total} in all)";

    /// <summary>Progress towards the nearest budget and the time left, from the rate of this session.</summary>
    protected sealed class Clock(LanguageModelTrainer trainer)
    {
        private readonly long _startStep = trainer.Step;
        private readonly double _startElapsed = trainer.ElapsedSeconds;

        public double Fraction(long step, double elapsed)
        {
            double f = 0;
            if (trainer.PlannedSteps is long planned && planned > 0) f = Math.Max(f, (double)step / planned);
            if (trainer.Options.TimeBudgetSeconds is double budget) f = Math.Max(f, elapsed / budget);
            return Math.Clamp(f, 0, 1);
        }

        public string Eta(long step, double elapsed)
        {
            double? left = null;
            double session = elapsed - _startElapsed;
            if (trainer.PlannedSteps is long planned && step > _startStep && session > 0)
                left = (planned - step) * session / (step - _startStep);
            if (trainer.Options.TimeBudgetSeconds is double budget)
                left = Math.Min(left ?? double.MaxValue, budget - elapsed);
            return left is double s ? Format.Duration(Math.Max(0, s)) : "?";
        }

        public string StepText(long step) => trainer.PlannedSteps is long planned ? $"{step}/{planned}" : $"{step}";
    }
}

internal sealed class QuietDisplay : TrainingDisplay
{
    public override TrainingOutcome Run(LanguageModelTrainer trainer, Func<TrainingOutcome> train) => train();
}

internal sealed class PlainDisplay : TrainingDisplay
{
    public override TrainingOutcome Run(LanguageModelTrainer trainer, Func<TrainingOutcome> train)
    {
        var clock = new Clock(trainer);
        long improvedAt = -1;
        trainer.Evaluated += e => { if (e.Improved) improvedAt = e.Step; };
        trainer.Logged += r =>
        {
            string val = r.ValidationLoss is double v ? $"  val {Format.Loss(v)}{(improvedAt == r.Step ? "*" : " ")}" : "";
            Console.WriteLine(
                $"step {clock.StepText(r.Step)}  epoch {Format.Number(r.Epoch, "F2")}  loss {Format.Loss(r.TrainLoss)}{val}  " +
                $"lr {Format.Number(r.LearningRate, "0.00e+00")}  |g| {Format.Number(r.GradientNorm, "F2")}  " +
                $"{Format.Number(r.TokensPerSecond, "N0")} tok/s  elapsed {Format.Duration(r.ElapsedSeconds)}  eta {clock.Eta(r.Step, r.ElapsedSeconds)}" +
                (r.SkippedSteps > 0 ? $"  skipped {r.SkippedSteps}" : ""));
        };
        trainer.StepSkipped += s => Console.Error.WriteLine(SkippedText(s));
        trainer.Sampled += s =>
        {
            Console.WriteLine($"---- sample at step {s.Step} ----");
            Console.WriteLine(s.Text);
            Console.WriteLine("----");
        };
        return train();
    }
}

internal sealed class LiveDisplay : TrainingDisplay
{
    public override TrainingOutcome Run(LanguageModelTrainer trainer, Func<TrainingOutcome> train)
    {
        var clock = new Clock(trainer);
        double? loss = null, validation = null, tokensPerSecond = null;
        TrainingOutcome outcome = null!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("starting", maxValue: 100);
                void Update(long step)
                {
                    double elapsed = trainer.ElapsedSeconds;
                    task.Value = 100 * clock.Fraction(step, elapsed);
                    task.Description = Markup.Escape(
                        $"step {clock.StepText(step)}  epoch {Format.Number(trainer.FractionalEpoch, "F2")}  loss {Format.Loss(loss)}  " +
                        $"val {Format.Loss(validation)}  {(tokensPerSecond is double t ? Format.Number(t, "N0") : "-")} tok/s  " +
                        $"elapsed {Format.Duration(elapsed)}  eta {clock.Eta(step, elapsed)}");
                }
                trainer.StepCompleted += s =>
                {
                    loss = loss is double l ? 0.9 * l + 0.1 * s.Loss : s.Loss; // smoothed for display
                    Update(s.Step);
                };
                trainer.Logged += r => { if (r.TokensPerSecond > 0) tokensPerSecond = r.TokensPerSecond; };
                trainer.Evaluated += e =>
                {
                    validation = e.Loss;
                    AnsiConsole.MarkupLine(Markup.Escape($"step {e.Step}: validation loss {Format.Loss(e.Loss)}") +
                        (e.Improved ? " [green](best so far)[/]" : ""));
                    Update(e.Step);
                };
                trainer.Sampled += s =>
                    AnsiConsole.Write(new Panel(new Text(s.Text)).Header($"sample at step {s.Step}").Expand());
                trainer.StepSkipped += s => AnsiConsole.MarkupLine("[yellow]" + Markup.Escape(SkippedText(s)) + "[/]");
                outcome = train();
                task.Value = task.MaxValue;
                Update(trainer.Step);
            });
        return outcome;
    }
}
