// Seasonality: the season of a series and the yardstick of MASE. Detect reads the season from the autocorrelation
// of the first differences (differencing removes a trend, whose slow decay would hide the peaks): a local peak of
// the autocorrelation at lags 2..n/3 that passes the 90% significance test of the M4 competition's
// seasonality check, r_k > 1.645·sqrt((1 + 2·Σ_{i<k} r_i²) / n) (Bartlett's variance), and is at least 0.3 — M4
// tests one known lag, while a search over a hundred lags would find a chance peak in pure noise at the 90%
// level alone; none passing is season 1. Of the peaks passing, the shortest that divides the highest peak's lag,
// or reaches 85% of its height, is the season: a yearly cycle in monthly data peaks again at 24 and 36, sometimes
// higher than at 12. Last, of S − 1, S and S + 1 the lag whose seasonal-naive forecast (less the mean slope) fits
// best is kept, as differencing can split a peak between its neighbours.
// SeasonalTrend measures whether the changes over a season keep one sign (mean/std), which decides the automatic
// seasonal differencing. SeasonalNaiveMae is the in-sample mean absolute error of the seasonal-naive forecast, mean |y[t] − y[t−S]| over
// t ≥ S — the scale of MASE (Hyndman & Koehler 2006; the M4 competition's definition).
namespace Recurrent.Forecasting;

/// <summary>Season detection and the in-sample seasonal-naive error.</summary>
public static class Seasonality
{
    /// <summary>The largest lag considered.</summary>
    public const int MaxLag = 400;
    /// <summary>A shorter peak at least this share of the highest one is preferred to it.</summary>
    public const double NearPeak = 0.85;
    /// <summary>The least autocorrelation a season must show.</summary>
    public const double MinimumAutocorrelation = 0.3;

    /// <summary>
    /// The season of <paramref name="values"/> (1 when none is significant) and the autocorrelation of the first
    /// differences at that lag (0 for season 1). Fewer than 8 values: season 1.
    /// </summary>
    public static (int Season, double Autocorrelation) Detect(ReadOnlySpan<double> values)
    {
        int n = values.Length - 1;
        if (n < 7) return (1, 0);
        var d = new double[n];
        double mean = 0;
        for (int t = 0; t < n; t++) { d[t] = values[t + 1] - values[t]; mean += d[t]; }
        mean /= n;
        double denominator = 0;
        for (int t = 0; t < n; t++) { d[t] -= mean; denominator += d[t] * d[t]; }
        if (denominator == 0) return (1, 0);
        int maxLag = Math.Min(MaxLag, n / 3);
        var r = new double[maxLag + 2];
        for (int k = 1; k <= Math.Min(maxLag + 1, n - 1); k++)
        {
            double s = 0;
            for (int t = 0; t + k < n; t++) s += d[t] * d[t + k];
            r[k] = s / denominator;
        }
        // The significant peaks; then the season is the shortest of them that divides the highest or comes close to
        // it (a yearly cycle of monthly data also peaks, often higher, at 24 and 36; a weekly one at 14).
        var peaks = new List<int>();
        double squares = r[1] * r[1];
        for (int k = 2; k <= maxLag; k++)
        {
            double limit = Math.Max(MinimumAutocorrelation, 1.645 * Math.Sqrt((1 + 2 * squares) / n));
            if (r[k] > r[k - 1] && r[k] >= r[k + 1] && r[k] > limit) peaks.Add(k);
            squares += r[k] * r[k];
        }
        if (peaks.Count == 0) return (1, 0);
        int highest = peaks.MaxBy(k => r[k]);
        int season = peaks.First(k => highest % k == 0 || r[k] >= NearPeak * r[highest]);
        // Differencing can split a peak between its neighbours (11 and 13 for a 12-month cycle): of S − 1, S and S + 1,
        // keep the lag whose seasonal-naive forecast (less the mean slope) fits the values best.
        int refined = season;
        double best = double.PositiveInfinity;
        for (int k = Math.Max(2, season - 1); k <= Math.Min(maxLag, season + 1); k++)
        {
            double sum = 0;
            for (int t = k; t < values.Length; t++) sum += Math.Abs(values[t] - values[t - k] - k * mean);
            if (sum / (values.Length - k) < best) { best = sum / (values.Length - k); refined = k; }
        }
        return (refined, r[refined]);
    }

    /// <summary>The |mean/std| of the changes over a season at and above which a series counts as trending across seasons.</summary>
    public const double SeasonalTrendThreshold = 0.5;

    /// <summary>
    /// The mean of the changes over one season, y[t] − y[t−S], over their standard deviation: far from 0 when they keep
    /// one sign (a trend, or a season growing with the level), near 0 for a steady seasonal series. NaN when n ≤ S + 1.
    /// </summary>
    public static double SeasonalTrend(ReadOnlySpan<double> values, int season)
    {
        if (season < 1) throw new ArgumentException($"season must be at least 1, got {season}.", nameof(season));
        int n = values.Length - season;
        if (n < 2) return double.NaN;
        double sum = 0;
        for (int t = season; t < values.Length; t++) sum += values[t] - values[t - season];
        double mean = sum / n, sq = 0;
        for (int t = season; t < values.Length; t++) { double d = values[t] - values[t - season] - mean; sq += d * d; }
        double std = Math.Sqrt(sq / n);
        return std > 0 ? mean / std : mean == 0 ? 0 : Math.Sign(mean) * double.PositiveInfinity;
    }

    /// <summary>
    /// <see cref="SeasonalNaiveMae(ReadOnlySpan{double}, int)"/> of each column of the first <paramref name="rows"/>
    /// rows of row-major values (N, <paramref name="columns"/>): the scale of MASE per target column.
    /// </summary>
    public static double[] SeasonalNaiveMae(ReadOnlySpan<double> values, int columns, int rows, int season)
    {
        var scale = new double[columns];
        var column = new double[rows];
        for (int k = 0; k < columns; k++)
        {
            for (int r = 0; r < rows; r++) column[r] = values[r * columns + k];
            scale[k] = SeasonalNaiveMae(column, season);
        }
        return scale;
    }

    /// <summary>Mean |y[t] − y[t−S]| over t in [S, n) of one column; NaN when n ≤ S.</summary>
    public static double SeasonalNaiveMae(ReadOnlySpan<double> values, int season)
    {
        if (season < 1) throw new ArgumentException($"season must be at least 1, got {season}.", nameof(season));
        if (values.Length <= season) return double.NaN;
        double sum = 0;
        for (int t = season; t < values.Length; t++) sum += Math.Abs(values[t] - values[t - season]);
        return sum / (values.Length - season);
    }
}
