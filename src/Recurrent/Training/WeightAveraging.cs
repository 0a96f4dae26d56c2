// WeightAveraging: which average of the weights a run evaluates and keeps — an exponential moving average (EMA),
// the Polyak–Juditsky running mean from a given update on (ASGD averaging), or NT-ASGD's mean that starts when the
// monitored metric stops improving (Merity et al. 2017, "Regularizing and Optimizing LSTM Language Models").
// A plain options record, stored in the run spec inside OptimizationOptions and written on the command line as
// ema[:DECAY], polyak[:START] or nt[:N]. The arithmetic is AveragingOptimizer's; the non-monotone condition is
// NonMonotoneTrigger's.
using System.Globalization;
using System.Text.Json.Serialization;

namespace Recurrent.Training;

/// <summary>The kind of weight average.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WeightAveragingKind>))]
public enum WeightAveragingKind
{
    /// <summary>Exponential moving average θ̄ ← d·θ̄ + (1−d)·θ, bias-corrected (see <see cref="AveragingOptimizer"/>).</summary>
    Ema,
    /// <summary>Polyak–Juditsky: the plain mean of the weights after every update from <see cref="WeightAveraging.Start"/> on.</summary>
    Polyak,
    /// <summary>
    /// NT-ASGD: the plain mean from the update after the first periodic evaluation whose monitored metric is worse than
    /// the best of the evaluations more than <see cref="WeightAveraging.Interval"/> evaluations before it.
    /// </summary>
    NonMonotone,
}

/// <summary>
/// Averaged weights: what evaluation, best checkpoints and the final model use, while training goes on from the
/// raw weights (Polyak and Juditsky 1992; NT-ASGD: Merity, Keskar and Socher 2017, https://arxiv.org/abs/1708.02182).
/// </summary>
public sealed record WeightAveraging
{
    /// <summary>The default EMA decay.</summary>
    public const double DefaultDecay = 0.999;
    /// <summary>NT-ASGD's default non-monotone interval (the paper's n = 5).</summary>
    public const int DefaultInterval = 5;

    /// <summary>EMA, Polyak or NT-ASGD.</summary>
    public WeightAveragingKind Kind { get; init; }
    /// <summary>EMA decay d, in (0, 1).</summary>
    public double Decay { get; init; } = DefaultDecay;
    /// <summary>Polyak: the first update (1-based) whose weights enter the mean.</summary>
    public long Start { get; init; } = 1;
    /// <summary>NT-ASGD: how many of the latest evaluations the best is not taken from (n ≥ 0).</summary>
    public int Interval { get; init; } = DefaultInterval;

    /// <summary>An exponential moving average with decay <paramref name="decay"/>.</summary>
    public static WeightAveraging Ema(double decay = DefaultDecay) => new() { Kind = WeightAveragingKind.Ema, Decay = decay };

    /// <summary>The mean of the weights after every update from <paramref name="start"/> (1-based) on.</summary>
    public static WeightAveraging Polyak(long start = 1) => new() { Kind = WeightAveragingKind.Polyak, Start = start };

    /// <summary>NT-ASGD's non-monotonically triggered mean with interval <paramref name="interval"/>.</summary>
    public static WeightAveraging NonMonotone(int interval = DefaultInterval) => new() { Kind = WeightAveragingKind.NonMonotone, Interval = interval };

    /// <summary>Throws ArgumentException (ParamName = "AverageWeights", the option's name) for an impossible setting.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind)) throw Bad($"kind {Kind} is unknown");
        if (Kind == WeightAveragingKind.Ema && !(Decay > 0 && Decay < 1)) throw Bad($"decay must be in (0, 1), got {Decay.ToString(CultureInfo.InvariantCulture)}");
        if (Kind == WeightAveragingKind.Polyak && Start < 1) throw Bad($"start must be an update number >= 1, got {Start}");
        if (Kind == WeightAveragingKind.NonMonotone && Interval < 0) throw Bad($"interval must be >= 0, got {Interval}");
    }

    /// <summary>
    /// Reads "ema", "ema:DECAY", "polyak", "polyak:START", "nt" or "nt:N" (case-insensitive). Throws ArgumentException
    /// (ParamName = "AverageWeights") naming the text when it is none of them or its number is impossible.
    /// </summary>
    public static WeightAveraging Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        int colon = t.IndexOf(':');
        string kind = colon < 0 ? t : t[..colon];
        string? value = colon < 0 ? null : t[(colon + 1)..];
        const NumberStyles Real = NumberStyles.Float;
        WeightAveraging result = kind switch
        {
            "ema" => value is null ? Ema()
                : double.TryParse(value, Real, CultureInfo.InvariantCulture, out double d) ? Ema(d) : throw Unreadable(text),
            "polyak" => value is null ? Polyak()
                : long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long s) ? Polyak(s) : throw Unreadable(text),
            "nt" or "ntasgd" or "nt-asgd" => value is null ? NonMonotone()
                : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? NonMonotone(n) : throw Unreadable(text),
            _ => throw Unreadable(text),
        };
        result.Validate();
        return result;
    }

    /// <summary>The command-line form: "ema:0.999", "polyak:1", "nt:5".</summary>
    public override string ToString() => Kind switch
    {
        WeightAveragingKind.Ema => $"ema:{Decay.ToString("R", CultureInfo.InvariantCulture)}",
        WeightAveragingKind.Polyak => $"polyak:{Start}",
        _ => $"nt:{Interval}",
    };

    /// <summary>In words, for a run's header: "EMA of the weights (decay 0.999)".</summary>
    public string Describe() => Kind switch
    {
        WeightAveragingKind.Ema => $"EMA of the weights (decay {Decay.ToString("G", CultureInfo.InvariantCulture)})",
        WeightAveragingKind.Polyak => Start == 1 ? "Polyak average of the weights" : $"Polyak average of the weights from update {Start}",
        _ => $"NT-ASGD average of the weights (starts when the monitored metric is worse than {BestBeforeText()})",
    };

    /// <summary>NT-ASGD's reference in words: "the best before the last 5 evaluations".</summary>
    public string BestBeforeText() => Interval == 0 ? "the best of all evaluations before"
        : Interval == 1 ? "the best before the last evaluation" : $"the best before the last {Interval} evaluations";

    private static ArgumentException Bad(string what) => new($"AverageWeights {what}.", nameof(OptimizationOptions.AverageWeights));

    private static ArgumentException Unreadable(string text) =>
        new($"AverageWeights '{text}' is not ema[:DECAY] (0 < DECAY < 1), polyak[:START] (an update number >= 1) or nt[:N] (N >= 0).",
            nameof(OptimizationOptions.AverageWeights));
}
