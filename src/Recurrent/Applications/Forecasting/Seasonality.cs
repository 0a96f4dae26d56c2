// Seasonality: the season of a series and the yardstick of MASE. Detect reads the season from the autocorrelation
// of the first differences (differencing removes a trend, whose slow decay would hide the peaks): the highest
// local peak of the autocorrelation at lags 2..n/3 that passes the 90% significance test of the M4 competition's
// seasonality check, r_k > 1.645·sqrt((1 + 2·Σ_{i<k} r_i²) / n) (Bartlett's variance), and is at least 0.3 — M4
// tests one known lag, while a search over a hundred lags would find a chance peak in pure noise at the 90%
// level alone; none passing is season 1.
// SeasonalNaiveMae is the in-sample mean absolute error of the seasonal-naive forecast, mean |y[t] − y[t−S]| over
// t ≥ S — the scale of MASE (Hyndman & Koehler 2006; the M4 competition's definition).
namespace Recurrent.Forecasting;

/// <summary>Season detection and the in-sample seasonal-naive error.</summary>
public static class Seasonality
{
    /// <summary>The largest lag considered.</summary>
    public const int MaxLag = 400;
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
        int best = 1;
        double bestR = 0, squares = r[1] * r[1];
        for (int k = 2; k <= maxLag; k++)
        {
            double limit = Math.Max(MinimumAutocorrelation, 1.645 * Math.Sqrt((1 + 2 * squares) / n));
            if (r[k] > r[k - 1] && r[k] >= r[k + 1] && r[k] > limit && r[k] > bestR) { best = k; bestR = r[k]; }
            squares += r[k] * r[k];
        }
        return (best, bestR);
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
