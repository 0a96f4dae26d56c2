// TrainingDisplay: what `rnn train` shows while any kind of model trains. In a terminal, a live Spectre.Console
// progress line (step, epoch, loss, validation, throughput, ETA) with evaluations and samples printed above it;
// when stdout is redirected (tests, CI, `| tee`), one plain line per metrics record; with --quiet, nothing until
// the end. Steps skipped for a non-finite or diverged loss are reported as they happen (stderr in plain mode), and so
// is the evaluation at which NT-ASGD starts averaging the weights.
// It is a callback on the fit loop (and listens to a language model's sampler); the loop does the work.
using Recurrent.LanguageModels;
using Recurrent.Training;
using Spectre.Console;

namespace Recurrent.Cli.Reporting;

internal abstract class TrainingDisplay : FitCallback
{
    /// <summary>Live progress when stdout is a terminal, plain lines otherwise, or nothing when quiet.</summary>
    public static TrainingDisplay Create(bool quiet) =>
        quiet ? new QuietDisplay() : Console.IsOutputRedirected ? new PlainDisplay() : new LiveDisplay();

    /// <summary>Runs <paramref name="train"/> while showing <paramref name="loop"/>'s progress (and <paramref name="sampler"/>'s samples).</summary>
    public abstract FitOutcome Run(FitLoop loop, TextSampler? sampler, Func<FitOutcome> train);

    /// <summary>The line shown for a step skipped because its loss or gradient was not finite or diverged.</summary>
    protected static string SkippedText(SkippedStepReport s) =>
        $"rnn: warning: skipped a batch after update {s.Step}: loss {s.Loss}, gradient norm {s.GradientNorm} (not finite, or the loss diverged), " +
        $"so no update was made ({s.InARow} in a row, {s.Total} in all)";

    /// <summary>The line shown when NT-ASGD triggers at an evaluation, or null.</summary>
    protected static string? AveragingText(FitLoop loop, EvaluationReport e) => e.AveragingStartsAt is long start
        ? $"NT-ASGD: {e.Evaluation.Monitor} {Format.Metric(e.Evaluation.Score)} at step {e.Step} is worse than " +
          $"{loop.Averaging?.Averaging.BestBeforeText()}; averaging the weights from update {start} on"
        : null;

    /// <summary>An evaluation's metrics as "val_loss 0.4012  val_accuracy 0.9125".</summary>
    protected static string MetricsText(IEnumerable<KeyValuePair<string, double>> metrics) =>
        string.Join("  ", metrics.Select(m => $"{m.Key} {Format.Metric(m.Value)}"));

    /// <summary>Progress towards the nearest budget and the time left, from the rate of this session.</summary>
    protected sealed class Clock(FitLoop loop)
    {
        private readonly long _startStep = loop.Step;
        private readonly double _startElapsed = loop.ElapsedSeconds;

        public double Fraction(long step, double elapsed)
        {
            double f = 0;
            if (loop.PlannedSteps is long planned && planned > 0) f = Math.Max(f, (double)step / planned);
            if (loop.Options.TimeBudgetSeconds is double budget) f = Math.Max(f, elapsed / budget);
            return Math.Clamp(f, 0, 1);
        }

        public string Eta(long step, double elapsed)
        {
            double? left = null;
            double session = elapsed - _startElapsed;
            if (loop.PlannedSteps is long planned && step > _startStep && session > 0)
                left = (planned - step) * session / (step - _startStep);
            if (loop.Options.TimeBudgetSeconds is double budget)
                left = Math.Min(left ?? double.MaxValue, budget - elapsed);
            return left is double s ? Format.Duration(Math.Max(0, s)) : "?";
        }

        public string StepText(long step) => loop.PlannedSteps is long planned ? $"{step}/{planned}" : $"{step}";
    }
}

internal sealed class QuietDisplay : TrainingDisplay
{
    public override FitOutcome Run(FitLoop loop, TextSampler? sampler, Func<FitOutcome> train) => train();
}

internal sealed class PlainDisplay : TrainingDisplay
{
    private Clock? _clock;
    private long _improvedAt = -1;

    public override FitOutcome Run(FitLoop loop, TextSampler? sampler, Func<FitOutcome> train)
    {
        _clock = new Clock(loop);
        loop.Add(this);
        if (sampler is not null)
            sampler.Sampled += s =>
            {
                Console.WriteLine($"---- sample at step {s.Step} ----");
                Console.WriteLine(s.Text);
                Console.WriteLine("----");
            };
        return train();
    }

    public override void OnEvaluated(FitLoop loop, EvaluationReport evaluation)
    {
        if (evaluation.Improved) _improvedAt = evaluation.Step;
        if (AveragingText(loop, evaluation) is string averaging) Console.WriteLine(averaging);
    }

    public override void OnLogged(FitLoop loop, MetricsRecord r)
    {
        string val = r.ValidationLoss is double v ? $"  val {Format.Loss(v)}{(_improvedAt == r.Step ? "*" : " ")}" : "";
        if (r.Validation is { Count: > 0 } others) val += "  " + MetricsText(others);
        Console.WriteLine(
            $"step {_clock!.StepText(r.Step)}  epoch {Format.Number(r.Epoch, "F2")}  loss {Format.Loss(r.TrainLoss)}{val}  " +
            $"lr {Format.Number(r.LearningRate, "0.00e+00")}  |g| {Format.Number(r.GradientNorm, "F2")}  " +
            $"{Format.Number(r.TokensPerSecond, "N0")} tok/s  elapsed {Format.Duration(r.ElapsedSeconds)}  eta {_clock.Eta(r.Step, r.ElapsedSeconds)}" +
            (r.SkippedSteps > 0 ? $"  skipped {r.SkippedSteps}" : ""));
    }

    public override void OnStepSkipped(FitLoop loop, SkippedStepReport skipped) => Console.Error.WriteLine(SkippedText(skipped));
}

internal sealed class LiveDisplay : TrainingDisplay
{
    private Action<long>? _update;
    private double? _loss, _tokensPerSecond;
    private string _validation = "val -";

    public override FitOutcome Run(FitLoop loop, TextSampler? sampler, Func<FitOutcome> train)
    {
        var clock = new Clock(loop);
        FitOutcome outcome = null!;
        loop.Add(this);
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("starting", maxValue: 100);
                _update = step =>
                {
                    double elapsed = loop.ElapsedSeconds;
                    task.Value = 100 * clock.Fraction(step, elapsed);
                    task.Description = Markup.Escape(
                        $"step {clock.StepText(step)}  epoch {Format.Number(loop.FractionalEpoch, "F2")}  loss {Format.Loss(_loss)}  " +
                        $"{_validation}  {(_tokensPerSecond is double t ? Format.Number(t, "N0") : "-")} tok/s  " +
                        $"elapsed {Format.Duration(elapsed)}  eta {clock.Eta(step, elapsed)}");
                };
                if (sampler is not null)
                    sampler.Sampled += s => AnsiConsole.Write(new Panel(new Text(s.Text)).Header($"sample at step {s.Step}").Expand());
                outcome = train();
                task.Value = task.MaxValue;
                _update(loop.Step);
            });
        return outcome;
    }

    public override void OnStepEnd(FitLoop loop, StepReport s)
    {
        _loss = _loss is double l ? 0.9 * l + 0.1 * s.Loss : s.Loss; // smoothed for display
        _update?.Invoke(s.Step);
    }

    public override void OnLogged(FitLoop loop, MetricsRecord r)
    {
        if (r.TokensPerSecond > 0) _tokensPerSecond = r.TokensPerSecond;
    }

    public override void OnEvaluated(FitLoop loop, EvaluationReport e)
    {
        var monitor = e.Evaluation.Metrics.First(m => m.Key == e.Evaluation.Monitor);
        _validation = $"{monitor.Key} {Format.Metric(monitor.Value)}";
        AnsiConsole.MarkupLine(Markup.Escape($"step {e.Step}: {MetricsText(e.Evaluation.Metrics)}") +
            (e.Improved ? " [green](best so far)[/]" : ""));
        if (AveragingText(loop, e) is string averaging) AnsiConsole.MarkupLine(Markup.Escape(averaging));
        _update?.Invoke(e.Step);
    }

    public override void OnStepSkipped(FitLoop loop, SkippedStepReport skipped) =>
        AnsiConsole.MarkupLine("[yellow]" + Markup.Escape(SkippedText(skipped)) + "[/]");
}
