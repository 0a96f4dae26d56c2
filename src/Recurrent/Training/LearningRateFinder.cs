// LearningRateFinder: Smith's learning-rate range test (fastai's lr_find), for every kind of model at once. It asks
// the caller for a fresh fit loop built from the sweep's options — the run's own optimizer and clipping with an
// ExponentialRangeSchedule (start → end over N updates) and a step budget of N — so the sweep trains a new model
// through the one FitLoop and StepEngine, never the caller's weights. A callback records (rate, loss) per update,
// smooths the loss as fastai does (an exponential moving average with β = 0.98, debiased by 1 − β^n) and stops the
// loop once the smoothed loss is not finite or exceeds DivergenceFactor × its minimum. The suggestion rules are pure
// functions of the recorded curve (Analyze), so they are tested on synthetic curves. This file is the sweep and its
// rules; the plot and the CSV are the CLI's.
using Recurrent.Schedules;

namespace Recurrent.Training;

/// <summary>Settings of a learning-rate range test.</summary>
public sealed record LearningRateFinderOptions
{
    /// <summary>The first update's learning rate (fastai: 1e-7).</summary>
    public double StartLearningRate { get; init; } = 1e-7;
    /// <summary>The last update's learning rate (fastai: 10).</summary>
    public double EndLearningRate { get; init; } = 10;
    /// <summary>Updates in the sweep (fastai: 100).</summary>
    public int Steps { get; init; } = 100;
    /// <summary>β of the loss's exponential moving average (fastai: 0.98).</summary>
    public double Smoothing { get; init; } = 0.98;
    /// <summary>Stop once the smoothed loss exceeds this factor × its minimum so far (fastai: 4).</summary>
    public double DivergenceFactor { get; init; } = 4;

    /// <summary>Throws ArgumentException (ParamName = the property) naming the first impossible setting.</summary>
    public void Validate()
    {
        if (!(StartLearningRate > 0 && double.IsFinite(StartLearningRate)))
            throw new ArgumentException($"StartLearningRate must be positive and finite, got {StartLearningRate}.", nameof(StartLearningRate));
        if (!(EndLearningRate > StartLearningRate && double.IsFinite(EndLearningRate)))
            throw new ArgumentException($"EndLearningRate must be finite and above the start rate {StartLearningRate}, got {EndLearningRate}.", nameof(EndLearningRate));
        if (Steps < 2) throw new ArgumentException($"Steps must be 2 or more, got {Steps}.", nameof(Steps));
        if (!(Smoothing >= 0 && Smoothing < 1)) throw new ArgumentException($"Smoothing must be in [0, 1), got {Smoothing}.", nameof(Smoothing));
        if (!(DivergenceFactor > 1 && double.IsFinite(DivergenceFactor)))
            throw new ArgumentException($"DivergenceFactor must be finite and above 1, got {DivergenceFactor}.", nameof(DivergenceFactor));
    }
}

/// <summary>One update of the sweep: its learning rate, its training loss and the smoothed loss after it.</summary>
public sealed record LearningRatePoint(long Step, double LearningRate, double Loss, double SmoothedLoss);

/// <summary>Why a sweep ended.</summary>
public enum LearningRateFinderStop
{
    /// <summary>All the updates were made.</summary>
    Completed,
    /// <summary>The smoothed loss exceeded DivergenceFactor × its minimum.</summary>
    Diverged,
    /// <summary>A loss, gradient or the smoothed loss was not finite.</summary>
    NotFinite,
    /// <summary>The caller cancelled.</summary>
    Cancelled,
}

/// <summary>
/// The recorded curve and the rates it suggests: <see cref="Steepest"/> (fastai's "steep": the rate where the
/// smoothed loss falls fastest against log(rate)) and <see cref="MinimumOverTen"/> (fastai's "minimum": a tenth of
/// the rate with the lowest smoothed loss; null when the loss never fell). <see cref="Suggested"/> is minimum/10 (see
/// docs/lr-find.md for why not the steepest point); null when nothing finite was recorded.
/// </summary>
public sealed record LearningRateFinderResult(
    IReadOnlyList<LearningRatePoint> Points, LearningRateFinderStop Stop, double? Steepest, double? MinimumOverTen, double? Suggested, string Rule);

/// <summary>Smith's learning-rate range test on a fresh model; see the file header.</summary>
public static class LearningRateFinder
{
    /// <summary>Points fastai leaves out at the end of the curve before looking for the steepest slope.</summary>
    public const int SkipEnd = 5;

    /// <summary><paramref name="optimization"/> with the sweep's schedule in place of its own (optimizer and clipping kept).</summary>
    public static OptimizationOptions SweepOptimization(OptimizationOptions optimization, LearningRateFinderOptions options)
    {
        ArgumentNullException.ThrowIfNull(optimization);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // Averaged weights change only what is evaluated, not what trains: the sweep runs without them.
        return optimization with
        {
            LearningRate = options.StartLearningRate,
            RangeEndLearningRate = options.EndLearningRate,
            Schedule = LearningRateScheduleKind.RangeTest,
            ScheduleSteps = options.Steps,
            WarmupSteps = 0,
            MinLearningRate = 0,
            AverageWeights = null,
        };
    }

    /// <summary>
    /// The sweep's loop controls: a budget of <see cref="LearningRateFinderOptions.Steps"/> updates, evaluation only at the
    /// end (the loop always evaluates once when it has held-out data), no periodic logging or checkpoints, and no
    /// divergence guard of the loop's own (the finder stops on its rule; a non-finite step is skipped and ends the sweep).
    /// </summary>
    public static FitOptions SweepFit(LearningRateFinderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new FitOptions { Steps = options.Steps, EvalEvery = 0, LogEvery = options.Steps, DivergenceFactor = 0 };
    }

    /// <summary>
    /// Runs the range test: <paramref name="buildFresh"/> must build a new model (from its seed, or a copy of the
    /// caller's weights) and its fit loop from the given optimization options and fit options — for an application run,
    /// its Start with these options in place of its own. The caller's model is never trained.
    /// </summary>
    /// <exception cref="ArgumentException">The loop was not built from the sweep's options, or has trained already.</exception>
    public static LearningRateFinderResult Run(Func<OptimizationOptions, FitOptions, FitLoop> buildFresh, OptimizationOptions optimization,
        LearningRateFinderOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(buildFresh);
        options ??= new LearningRateFinderOptions();
        var loop = buildFresh(SweepOptimization(optimization, options), SweepFit(options));
        if (loop.Engine.Schedule is not ExponentialRangeSchedule)
            throw new ArgumentException("The fit loop was not built from the sweep's optimization options (its schedule is not the range test's).", nameof(buildFresh));
        if (loop.Step != 0) throw new ArgumentException($"The fit loop has trained {loop.Step} updates already; the range test needs a fresh one.", nameof(buildFresh));
        var recorder = new Recorder(options);
        loop.Add(recorder);
        var outcome = loop.Run(cancellation);
        if (outcome.Reason == StopReason.Cancelled && recorder.Stop == LearningRateFinderStop.Completed) recorder.Stop = LearningRateFinderStop.Cancelled;
        return Suggest(recorder.Points, recorder.Stop, options.Steps);
    }

    /// <summary>
    /// What the finder makes of a curve of (learning rate, loss) pairs, one per update: it smooths, stops where the
    /// sweep would have stopped (points after that are ignored) and suggests. For tests and for curves recorded elsewhere.
    /// </summary>
    public static LearningRateFinderResult Analyze(IEnumerable<(double LearningRate, double Loss)> curve, LearningRateFinderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(curve);
        options ??= new LearningRateFinderOptions();
        options.Validate();
        var smoother = new Smoother(options);
        var points = new List<LearningRatePoint>();
        LearningRateFinderStop stop = LearningRateFinderStop.Completed;
        long step = 0;
        foreach (var (lr, loss) in curve)
        {
            step++;
            stop = smoother.Add(step, lr, loss, points);
            if (stop != LearningRateFinderStop.Completed) break;
        }
        return Suggest(points, stop, options.Steps);
    }

    /// <summary>
    /// fastai's rules on the smoothed curve, leaving out the first tenth of the planned updates and the last
    /// <see cref="SkipEnd"/> points (the start is flat, the end is diverging): the steepest descent — the rate at
    /// the start of the most negative slope d(smoothed loss)/d(log rate) — and a tenth of the rate at the minimum.
    /// </summary>
    private static LearningRateFinderResult Suggest(List<LearningRatePoint> points, LearningRateFinderStop stop, int plannedSteps)
    {
        var finite = points.Where(p => double.IsFinite(p.SmoothedLoss) && p.LearningRate > 0).ToList();
        int skipStart = plannedSteps / 10;
        var window = finite.Count - skipStart - SkipEnd >= 3 ? finite.GetRange(skipStart, finite.Count - skipStart - SkipEnd)
            : finite.Count - SkipEnd >= 3 ? finite.GetRange(0, finite.Count - SkipEnd) : finite;
        if (window.Count == 0) return new(points, stop, null, null, null, "no finite loss was recorded: nothing to suggest");
        var minimum = window.MinBy(p => p.SmoothedLoss)!;
        double minimumOverTen = minimum.LearningRate / 10;
        double? steepest = null;
        double bestSlope = double.PositiveInfinity;
        for (int i = 0; i + 1 < window.Count; i++)
        {
            double dlog = Math.Log(window[i + 1].LearningRate) - Math.Log(window[i].LearningRate);
            if (dlog <= 0) continue;
            double slope = (window[i + 1].SmoothedLoss - window[i].SmoothedLoss) / dlog;
            if (slope < bestSlope)
            {
                bestSlope = slope;
                steepest = window[i].LearningRate;
            }
        }
        // The suggestion is minimum / 10: measured on tinyshakespeare (docs/lr-find.md), the steepest point of a short
        // sweep sits right of the true one (the smoothing lags) and trained worse than both minimum / 10 and the docs' rate.
        return new(points, stop, bestSlope < 0 ? steepest : null, minimumOverTen, minimumOverTen,
            bestSlope < 0 ? "a tenth of the rate at the minimum of the smoothed loss" : "a tenth of the rate at the minimum of the smoothed loss; the loss never fell");
    }

    /// <summary>fastai's debiased exponential moving average and its stop rule.</summary>
    private sealed class Smoother(LearningRateFinderOptions options)
    {
        private double _average, _best = double.PositiveInfinity;
        private int _count;

        public LearningRateFinderStop Add(long step, double lr, double loss, List<LearningRatePoint> points)
        {
            if (!double.IsFinite(loss))
            {
                points.Add(new(step, lr, loss, double.NaN));
                return LearningRateFinderStop.NotFinite;
            }
            _count++;
            _average = options.Smoothing * _average + (1 - options.Smoothing) * loss;
            double smoothed = _average / (1 - Math.Pow(options.Smoothing, _count));
            points.Add(new(step, lr, loss, smoothed));
            if (!double.IsFinite(smoothed)) return LearningRateFinderStop.NotFinite;
            if (smoothed > options.DivergenceFactor * _best) return LearningRateFinderStop.Diverged;
            _best = Math.Min(_best, smoothed);
            return LearningRateFinderStop.Completed;
        }
    }

    /// <summary>The callback that records the sweep and stops it.</summary>
    private sealed class Recorder(LearningRateFinderOptions options) : FitCallback
    {
        private readonly Smoother _smoother = new(options);
        public List<LearningRatePoint> Points { get; } = [];
        public LearningRateFinderStop Stop { get; set; } = LearningRateFinderStop.Completed;

        public override void OnStepEnd(FitLoop loop, StepReport step) => Record(loop, step.Step, step.LearningRate, step.Loss);

        // A skipped step (non-finite loss or gradient) made no update; its rate is the one the update would have used.
        public override void OnStepSkipped(FitLoop loop, SkippedStepReport skipped) =>
            Record(loop, skipped.Step + 1, loop.Engine.Schedule.At(loop.Engine.Step, loop.Engine.Epoch) * loop.Engine.LearningRateFactor,
                double.IsFinite(skipped.GradientNorm) ? skipped.Loss : double.NaN);

        private void Record(FitLoop loop, long step, double lr, double loss)
        {
            if (Stop != LearningRateFinderStop.Completed) return;
            Stop = _smoother.Add(step, lr, loss, Points);
            if (Stop != LearningRateFinderStop.Completed) loop.RequestStop(StopReason.TargetReached);
        }
    }
}
