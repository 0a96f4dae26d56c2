// ForecastReport: how every forecasting command words a forecast's accuracy — the model's MAE and MASE beside the
// naive and seasonal-naive MAE of the same values, quantile coverage, the one-line verdict when the model does
// not beat a baseline, the scaling in words, and the same numbers for --json. Written once so `rnn train`,
// `rnn eval` and `rnn predict` say the same thing the same way.
using System.Globalization;
using Recurrent.Forecasting;

namespace Recurrent.Cli.Reporting;

internal static class ForecastReport
{
    /// <summary>"MAE 12.3 (MASE 0.41); naive MAE 30.1, seasonal naive (S=12) MAE 25.0; MSE 250 (48 values)" and coverage.</summary>
    public static string Summary(ForecastAccuracy a, IReadOnlyList<double>? levels = null)
    {
        string mase = double.IsFinite(a.Mase) ? $" (MASE {G(a.Mase)})" : $" (MASE n/a: the history before the first forecast has no {a.Season + 1} rows for the seasonal-naive scale)";
        string text = $"MAE {G(a.Mae)}{mase}; naive MAE {G(a.NaiveMae)}, seasonal naive (S={a.Season}) MAE {G(a.SeasonalNaiveMae)}; MSE {G(a.Mse)} ({a.Count} values, original units)";
        return a.QuantileCoverage is null ? text : text + "\n" + Coverage(a, levels);
    }

    /// <summary>The quantile coverage line, e.g. "coverage: 9.1% ≤ q0.1, 52% ≤ q0.5, 88% ≤ q0.9; 79% inside [q0.1, q0.9]".</summary>
    public static string Coverage(ForecastAccuracy a, IReadOnlyList<double>? levels = null)
    {
        if (a.QuantileCoverage is not { } c) return "";
        string Level(int i) => levels is null ? $"#{i + 1}" : "q" + levels[i].ToString("0.###", CultureInfo.InvariantCulture);
        string parts = string.Join(", ", c.Select((v, i) => $"{Percent(v)} ≤ {Level(i)}"));
        return $"quantile coverage (share of true values at or below each): {parts}" +
            (a.IntervalCoverage is double inside ? $"; {Percent(inside)} inside [{Level(0)}, {Level(c.Count - 1)}]" : "");
    }

    /// <summary>
    /// One line when the model does not beat the naive or the seasonal-naive forecast, else null, with what to try
    /// for a model of <paramref name="spec"/>: seasonal differencing when the data has a season and the model does
    /// not use it, no first differencing (whose errors compound over many steps), per-window scaling, more data.
    /// </summary>
    public static string? Verdict(ForecastAccuracy a, ForecastSpec spec)
    {
        string baseline;
        if (a.Mae >= a.NaiveMae)
            baseline = $"the naive forecast (repeating the last value: MAE {G(a.NaiveMae)} against the model's {G(a.Mae)})";
        else if (a.Mae >= a.SeasonalNaiveMae)
            baseline = $"the seasonal-naive forecast (the value {a.Season} steps earlier: MAE {G(a.SeasonalNaiveMae)} against the model's {G(a.Mae)})";
        else return null;
        var tries = new List<string>();
        if (spec.SeasonDifference == 0 && a.Season > 1) tries.Add($"--season-diff {a.Season}");
        if (spec.Difference) tries.Add("leaving out --difference (its errors add up over the steps)");
        if (spec.Normalize != ForecastNormalization.Window) tries.Add("--normalize window");
        tries.Add("more data or a shorter --window");
        return $"warning: the model does not beat {baseline}; try {string.Join(", ", tries)}.";
    }

    /// <summary>The scaling in words: "per window (last value, window std)", "first differences, then global standardisation".</summary>
    public static string Scaling(ForecastSpec spec)
    {
        var parts = new List<string>();
        if (spec.SeasonDifference > 0) parts.Add($"seasonal differences (lag {spec.SeasonDifference})");
        if (spec.Difference) parts.Add("first differences");
        parts.Add(spec.Normalize switch
        {
            ForecastNormalization.Window => "per window (minus its last value, over its own std)",
            ForecastNormalization.Global => "global standardisation (training rows' mean and std)",
            _ => "no normalisation",
        });
        return string.Join(", then ", parts);
    }

    /// <summary>The accuracy's numbers for --json.</summary>
    public static Dictionary<string, object?> Json(ForecastAccuracy a, IReadOnlyList<double>? levels)
    {
        var o = new Dictionary<string, object?>
        {
            ["values"] = a.Count, ["mse"] = a.Mse, ["mae"] = a.Mae, ["mase"] = double.IsFinite(a.Mase) ? a.Mase : null,
            ["naive_mae"] = a.NaiveMae, ["seasonal_naive_mae"] = a.SeasonalNaiveMae, ["season"] = a.Season,
            ["beats_naive"] = a.Mae < a.NaiveMae, ["beats_seasonal_naive"] = a.Mae < a.SeasonalNaiveMae,
        };
        if (a.QuantileCoverage is { } c && levels is not null)
        {
            o["quantile_coverage"] = levels.Select((q, i) => new Dictionary<string, double> { ["quantile"] = q, ["share_below"] = c[i] }).ToArray();
            o["interval_coverage"] = a.IntervalCoverage;
        }
        return o;
    }

    private static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
    private static string Percent(double v) => (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
