// ForecastAccuracy: how good a forecast is, in the series' units and beside the forecasts a practitioner tries
// first, on the same windows: the naive forecast (every step repeats the last observed value) and the
// seasonal-naive one (each step repeats the value one season earlier, y[T+h−S·⌈h/S⌉]). MASE divides the model's
// MAE by the in-sample seasonal-naive MAE (Seasonality.SeasonalNaiveMae of the history; per target column, then
// averaged), so below 1 beats the seasonal-naive forecast's own in-sample error, as in the M4 competition. With
// quantiles: the share of true values at or below each predicted quantile (it should be near the level) and the
// share inside the outermost pair's interval. ForecastAccuracy.Builder accumulates windows; Combine pools many
// series (errors pooled over all values, MASE the mean of the series' MASEs, as M4).
namespace Recurrent.Forecasting;

/// <summary>Errors of a forecast and of the two baselines on the same values.</summary>
/// <param name="Count">Values compared.</param>
/// <param name="Mse">Mean squared error of the model.</param>
/// <param name="Mae">Mean absolute error of the model.</param>
/// <param name="NaiveMae">MAE of the naive (last value) forecast.</param>
/// <param name="SeasonalNaiveMae">MAE of the seasonal-naive forecast.</param>
/// <param name="Season">The season S of the seasonal-naive forecast and of MASE.</param>
/// <param name="Mase">The model's MAE over the in-sample seasonal-naive MAE (NaN when the history is shorter than S + 1 rows).</param>
/// <param name="QuantileCoverage">Per quantile level, the share of true values at or below its prediction; null for a point forecast.</param>
/// <param name="IntervalCoverage">Share of true values between the lowest and highest quantile; null with fewer than two quantiles.</param>
public sealed record ForecastAccuracy(long Count, double Mse, double Mae, double NaiveMae, double SeasonalNaiveMae, int Season, double Mase,
    IReadOnlyList<double>? QuantileCoverage, double? IntervalCoverage)
{
    /// <summary>Pools the accuracies of several series: errors over all their values, MASE the mean of theirs.</summary>
    public static ForecastAccuracy Combine(IReadOnlyList<ForecastAccuracy> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("There is nothing to combine.", nameof(parts));
        if (parts.Count == 1) return parts[0];
        long n = parts.Sum(p => p.Count);
        double W(Func<ForecastAccuracy, double> f) => parts.Sum(p => f(p) * p.Count) / n;
        var mases = parts.Select(p => p.Mase).Where(double.IsFinite).ToArray();
        IReadOnlyList<double>? coverage = parts[0].QuantileCoverage is { } q
            ? Enumerable.Range(0, q.Count).Select(i => W(p => p.QuantileCoverage![i])).ToArray() : null;
        double? interval = parts[0].IntervalCoverage is null ? null : W(p => p.IntervalCoverage!.Value);
        return new ForecastAccuracy(n, W(p => p.Mse), W(p => p.Mae), W(p => p.NaiveMae), W(p => p.SeasonalNaiveMae), parts[0].Season,
            mases.Length > 0 ? mases.Average() : double.NaN, coverage, interval);
    }

    /// <summary>Accumulates windows of one series.</summary>
    public sealed class Builder
    {
        private readonly int _targets, _season;
        private readonly double[] _maseScale;                 // (C_target) in-sample seasonal-naive MAE
        private readonly IReadOnlyList<double>? _quantiles;
        private readonly double[] _absByTarget;               // (C_target)
        private readonly long[] _below;                       // (Q)
        private long _count, _inside;
        private double _sq, _abs, _naive, _seasonal;

        /// <summary>
        /// For <paramref name="targets"/> columns with the in-sample seasonal-naive MAE of each
        /// (<paramref name="maseScale"/>) at season <paramref name="season"/>, and the quantile levels, if any.
        /// </summary>
        public Builder(int targets, int season, ReadOnlySpan<double> maseScale, IReadOnlyList<double>? quantiles)
        {
            if (targets <= 0) throw new ArgumentException($"targets must be positive, got {targets}.", nameof(targets));
            if (season < 1) throw new ArgumentException($"season must be at least 1, got {season}.", nameof(season));
            if (maseScale.Length != targets) throw new ArgumentException($"maseScale has {maseScale.Length} values for {targets} targets.", nameof(maseScale));
            _targets = targets;
            _season = season;
            _maseScale = maseScale.ToArray();
            _quantiles = quantiles;
            _absByTarget = new double[targets];
            _below = new long[quantiles?.Count ?? 0];
        }

        /// <summary>
        /// Adds one window: the point predictions, the truths and the two baselines, each (H, C_target), and the
        /// quantile predictions (H, C_target, Q) when the model has quantiles (else empty).
        /// </summary>
        public void Add(ReadOnlySpan<double> predictions, ReadOnlySpan<double> truths, ReadOnlySpan<double> naive, ReadOnlySpan<double> seasonalNaive,
            ReadOnlySpan<double> quantilePredictions = default)
        {
            int n = truths.Length, q = _below.Length;
            if (predictions.Length != n || naive.Length != n || seasonalNaive.Length != n || n % _targets != 0)
                throw new ArgumentException("predictions, truths and baselines must all be (H, C_target).", nameof(predictions));
            if (quantilePredictions.Length != n * q)
                throw new ArgumentException($"quantilePredictions has {quantilePredictions.Length} values; expected {n}*{q}.", nameof(quantilePredictions));
            for (int i = 0; i < n; i++)
            {
                double y = truths[i], e = predictions[i] - y;
                _sq += e * e;
                _abs += Math.Abs(e);
                _absByTarget[i % _targets] += Math.Abs(e);
                _naive += Math.Abs(naive[i] - y);
                _seasonal += Math.Abs(seasonalNaive[i] - y);
                for (int p = 0; p < q; p++) if (y <= quantilePredictions[i * q + p]) _below[p]++;
                if (q >= 2 && y >= quantilePredictions[i * q] && y <= quantilePredictions[i * q + q - 1]) _inside++;
            }
            _count += n;
        }

        /// <summary>The accuracy of everything added; throws InvalidOperationException when nothing was.</summary>
        public ForecastAccuracy Build()
        {
            if (_count == 0) throw new InvalidOperationException("No window was added.");
            double perTarget = (double)_count / _targets, mase = 0;
            for (int k = 0; k < _targets; k++) mase += _absByTarget[k] / perTarget / _maseScale[k];
            IReadOnlyList<double>? coverage = _below.Length == 0 ? null : _below.Select(b => (double)b / _count).ToArray();
            return new ForecastAccuracy(_count, _sq / _count, _abs / _count, _naive / _count, _seasonal / _count, _season, mase / _targets,
                coverage, _below.Length >= 2 ? (double)_inside / _count : null);
        }
    }

    /// <summary>
    /// The naive and seasonal-naive forecasts (H, C_target) of the rows [p, p+H) of row-major target values
    /// <paramref name="values"/> (rows, C_target), from the rows before p; p must be at least S.
    /// </summary>
    public static void Baselines(ReadOnlySpan<double> values, int targets, int firstPredicted, int horizon, int season, Span<double> naive, Span<double> seasonalNaive)
    {
        if (firstPredicted < Math.Max(1, season)) throw new ArgumentException($"the baselines need {Math.Max(1, season)} rows before the first prediction, got {firstPredicted}.", nameof(firstPredicted));
        for (int j = 0; j < horizon; j++)
            for (int k = 0; k < targets; k++)
            {
                naive[j * targets + k] = values[(firstPredicted - 1) * targets + k];
                seasonalNaive[j * targets + k] = values[(firstPredicted + j - season * (1 + j / season)) * targets + k];
            }
    }
}
