// UnitCorrelation: Pearson's r between every traced unit (layer, quantity, unit) and every text feature, over the
// positions of a trace, and the rankings `rnn inspect` reports: the units most strongly correlated with any feature,
// and the best unit for each feature. r is left NaN where it is undefined (a unit or feature that is constant over the
// text). Sums are in double with a fixed order, so the same trace gives the same table.
namespace Recurrent.Inspection;

/// <summary>One unit of a trace and its correlation with one feature (an index into <see cref="TextFeatures.All"/>).</summary>
public readonly record struct UnitFeatureCorrelation(int Layer, TraceQuantity Quantity, int Unit, int Feature, double R);

/// <summary>Correlations of every unit of a trace with every feature: [layer][quantity][unit][feature].</summary>
public sealed class UnitCorrelation
{
    private readonly double[] _r; // (L, Q, H, F)

    private UnitCorrelation(ActivationTrace trace, int features)
    {
        Trace = trace;
        Features = features;
        _r = new double[trace.Layers * trace.Quantities.Count * trace.HiddenSize * features];
    }

    /// <summary>The trace the correlations are of.</summary>
    public ActivationTrace Trace { get; }
    /// <summary>The number of features, F.</summary>
    public int Features { get; }

    /// <summary>Pearson's r of two equally long series; NaN when either is constant or shorter than 2.</summary>
    public static double Pearson(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"The series differ in length: {x.Length} and {y.Length}.", nameof(y));
        int n = x.Length;
        if (n < 2) return double.NaN;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
        mx /= n; my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
        }
        return Correlation(sxy, sxx, syy);
    }

    // r = Sxy / sqrt(Sxx·Syy), NaN when a series is constant (to rounding: a variance 1e-12 of its scale or less).
    private static double Correlation(double sxy, double sxx, double syy) =>
        sxx <= 1e-24 || syy <= 1e-24 ? double.NaN : Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1, 1);

    /// <summary>
    /// r of every unit of <paramref name="trace"/> with every feature in <paramref name="features"/> ([feature][position],
    /// one value per traced position, as <see cref="TextFeatures.Compute"/> or <see cref="TextFeatures.ForTokens"/> give).
    /// </summary>
    public static UnitCorrelation Compute(ActivationTrace trace, float[][] features)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(features);
        int steps = trace.Steps, h = trace.HiddenSize, nf = features.Length;
        foreach (float[] f in features)
            if (f.Length != steps) throw new ArgumentException($"A feature has {f.Length} values but the trace has {steps} positions.", nameof(features));
        var result = new UnitCorrelation(trace, nf);
        // Features centred once: dy (F, T), and their sums of squares.
        var dy = new double[nf * steps];
        var syy = new double[nf];
        for (int k = 0; k < nf; k++)
        {
            double mean = 0;
            foreach (float v in features[k]) mean += v;
            mean /= steps;
            for (int t = 0; t < steps; t++) { double d = features[k][t] - mean; dy[k * steps + t] = d; syy[k] += d * d; }
        }
        var meanX = new double[h];
        var sxx = new double[h];
        var sxy = new double[nf * h]; // (F, H)
        for (int layer = 0; layer < trace.Layers; layer++)
            for (int q = 0; q < trace.Quantities.Count; q++)
            {
                ReadOnlySpan<float> x = trace.Values(layer, trace.Quantities[q]); // (T, H)
                Array.Clear(meanX); Array.Clear(sxx); Array.Clear(sxy);
                for (int t = 0; t < steps; t++)
                    for (int u = 0; u < h; u++) meanX[u] += x[t * h + u];
                for (int u = 0; u < h; u++) meanX[u] /= steps;
                for (int t = 0; t < steps; t++)
                    for (int u = 0; u < h; u++) { double d = x[t * h + u] - meanX[u]; sxx[u] += d * d; }
                // Σ_t dy_k[t]·(x[t,u] − mean_u) = Σ_t dy_k[t]·x[t,u], as Σ_t dy_k[t] = 0; centred anyway for rounding.
                for (int k = 0; k < nf; k++)
                {
                    Span<double> row = sxy.AsSpan(k * h, h);
                    for (int t = 0; t < steps; t++)
                    {
                        double d = dy[k * steps + t];
                        if (d == 0) continue;
                        for (int u = 0; u < h; u++) row[u] += d * (x[t * h + u] - meanX[u]);
                    }
                }
                for (int u = 0; u < h; u++)
                    for (int k = 0; k < nf; k++)
                        result._r[result.Index(layer, q, u, k)] = Correlation(sxy[k * h + u], sxx[u], syy[k]);
            }
        return result;
    }

    private int Index(int layer, int q, int unit, int feature) =>
        ((layer * Trace.Quantities.Count + q) * Trace.HiddenSize + unit) * Features + feature;

    /// <summary>r of one unit with one feature (NaN when undefined).</summary>
    public double R(int layer, TraceQuantity quantity, int unit, int feature)
    {
        int q = QuantityIndex(quantity);
        if (unit < 0 || unit >= Trace.HiddenSize) throw new ArgumentOutOfRangeException(nameof(unit), unit, $"units are 0..{Trace.HiddenSize - 1}.");
        if (feature < 0 || feature >= Features) throw new ArgumentOutOfRangeException(nameof(feature), feature, $"features are 0..{Features - 1}.");
        _ = Trace.Values(layer, quantity); // checks the layer
        return _r[Index(layer, q, unit, feature)];
    }

    /// <summary>The feature this unit correlates with most strongly (largest |r|), or null when every r is undefined.</summary>
    public UnitFeatureCorrelation? Best(int layer, TraceQuantity quantity, int unit)
    {
        UnitFeatureCorrelation? best = null;
        for (int k = 0; k < Features; k++)
        {
            double r = R(layer, quantity, unit, k);
            if (!double.IsNaN(r) && (best is null || Math.Abs(r) > Math.Abs(best.Value.R)))
                best = new UnitFeatureCorrelation(layer, quantity, unit, k, r);
        }
        return best;
    }

    /// <summary>Every unit with its best feature, strongest |r| first (ties: lower layer, quantity, unit first); units with no defined r are left out.</summary>
    public IReadOnlyList<UnitFeatureCorrelation> Ranked()
    {
        var all = new List<UnitFeatureCorrelation>();
        for (int layer = 0; layer < Trace.Layers; layer++)
            foreach (TraceQuantity q in Trace.Quantities)
                for (int u = 0; u < Trace.HiddenSize; u++)
                    if (Best(layer, q, u) is UnitFeatureCorrelation b) all.Add(b);
        // A stable sort keeps the (layer, quantity, unit) order among equal |r|.
        return all.OrderByDescending(c => Math.Abs(c.R)).ToList();
    }

    /// <summary>The unit most strongly correlated with <paramref name="feature"/> (largest |r|), or null when the feature is constant.</summary>
    public UnitFeatureCorrelation? BestFor(int feature)
    {
        UnitFeatureCorrelation? best = null;
        for (int layer = 0; layer < Trace.Layers; layer++)
            foreach (TraceQuantity q in Trace.Quantities)
                for (int u = 0; u < Trace.HiddenSize; u++)
                {
                    double r = R(layer, q, u, feature);
                    if (!double.IsNaN(r) && (best is null || Math.Abs(r) > Math.Abs(best.Value.R)))
                        best = new UnitFeatureCorrelation(layer, q, u, feature, r);
                }
        return best;
    }

    /// <summary>The report's table: the <paramref name="top"/> units of <see cref="Ranked"/>, then the best unit of each feature
    /// not already listed with that feature.</summary>
    public IReadOnlyList<UnitFeatureCorrelation> Summary(int top = 10)
    {
        if (top < 0) throw new ArgumentException($"top must be >= 0, got {top}.", nameof(top));
        var rows = Ranked().Take(top).ToList();
        for (int k = 0; k < Features; k++)
            if (BestFor(k) is UnitFeatureCorrelation b && !rows.Contains(b)) rows.Add(b);
        return rows;
    }

    private int QuantityIndex(TraceQuantity quantity)
    {
        for (int i = 0; i < Trace.Quantities.Count; i++) if (Trace.Quantities[i] == quantity) return i;
        throw new ArgumentException($"The trace has no '{quantity.Name()}'.", nameof(quantity));
    }
}
