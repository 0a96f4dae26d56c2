// GradientChecker: compares analytic gradients with central finite differences (L(θ+ε) − L(θ−ε)) / 2ε,
// element by element, on a double-precision model. It perturbs any tensor the loss reads (parameters,
// dense inputs, initial states) in place through an accessor, logs the worst error of every tensor and
// fails with the worst element overall, named by tensor and index. It is not a layer reference: the loss
// closure defines what is differentiated (e.g. a truncated loss with frozen parts).
using Recurrent.Tensors;
using Xunit.Abstractions;

namespace Recurrent.Tests.Gradients;

/// <summary>Returns the live values of a tensor the loss reads; the checker perturbs them in place and restores them.</summary>
internal delegate Span<double> ValuesAccessor();

/// <summary>One tensor to check: name and shape (for messages), its live values and a copy of its analytic gradient.</summary>
internal sealed record GradientTarget(string Name, int[] Shape, ValuesAccessor Values, double[] Analytic)
{
    /// <summary>A caller-owned array (an input or initial state) and its analytic gradient (copied now).</summary>
    public static GradientTarget Of(string name, int[] shape, double[] values, ReadOnlySpan<double> analytic) =>
        new(name, shape, () => values, analytic.ToArray());

    /// <summary>A tensor reached through an accessor (e.g. a model's initial state buffer); the gradient is copied now.</summary>
    public static GradientTarget Of(string name, int[] shape, ValuesAccessor values, ReadOnlySpan<double> analytic) =>
        new(name, shape, values, analytic.ToArray());

    /// <summary>Every parameter of the store, with its current gradient (copied now, before any perturbed forward).</summary>
    public static List<GradientTarget> Parameters(ParameterStore<double> store) =>
        store.Parameters.Select(p => new GradientTarget(p.Name, p.Shape, () => store.Value(p), store.Gradient(p).ToArray())).ToList();
}

/// <summary>Outcome for one tensor: the element nearest to (or furthest past) the tolerance, and the worst relative error.</summary>
internal sealed record TensorReport(string Name, int[] Shape, int WorstIndex, double Analytic, double Numeric,
    double LossPlus, double LossMinus, double ToleranceRatio, double WorstRelativeError, double MaxAbsNumeric);

internal sealed class GradientChecker(ITestOutputHelper log)
{
    /// <summary>Finite-difference step.</summary>
    public const double Epsilon = 1e-6;

    // Pass criterion: |analytic − numeric| <= 1e-6 + 1e-5·max(|analytic|, |numeric|).
    // In double with ε = 1e-6 the central difference carries ~ε²·|L'''|/6 truncation error (~1e-12) and
    // ~1e-16·|L|/ε rounding error (~1e-9 for |L| ~ 10), both far below the bound; a wrong term in a
    // backward pass is typically off by 1e-3 or more relative. Kinks (ReLU at 0, |w| at 0) within ε of the
    // evaluation point are the only legitimate reason to exceed it; the failure message shows the one-sided
    // slopes, which disagree at a kink.
    public const double AbsoluteTolerance = 1e-6;
    public const double RelativeTolerance = 1e-5;

    // Relative errors are logged over elements at least this large; below it only the absolute bound matters.
    private const double RelativeFloor = 1e-3;

    /// <summary>Worst relative error (over elements with |gradient| >= 1e-3) of the last <see cref="CheckAll"/>.</summary>
    public double WorstRelativeError { get; private set; }

    /// <summary>Checks one tensor: <paramref name="values"/> are perturbed in place, <paramref name="analytic"/> is its gradient.</summary>
    public void Check(string name, int[] shape, Func<double> loss, ValuesAccessor values, ReadOnlySpan<double> analytic) =>
        CheckAll(loss, [GradientTarget.Of(name, shape, values, analytic)]);

    /// <summary>
    /// Checks every target against central differences of <paramref name="loss"/> and asserts the tolerance.
    /// With <paramref name="requireDependence"/>, also asserts that the loss measurably depends on every
    /// tensor (an all-zero gradient would make the comparison vacuous).
    /// </summary>
    public void CheckAll(Func<double> loss, IEnumerable<GradientTarget> targets, bool requireDependence = true)
    {
        List<GradientTarget> list = targets.ToList();
        double l0 = loss();
        double again = loss();
        Assert.True(l0 == again, $"The loss is not deterministic ({l0:R} then {again:R}); is dropout on?");
        Assert.True(double.IsFinite(l0), $"The loss is {l0}.");

        var reports = new List<TensorReport>(list.Count);
        foreach (var t in list) reports.Add(Measure(loss, t));
        WorstRelativeError = reports.Max(r => r.WorstRelativeError);
        int elements = list.Sum(t => t.Analytic.Length);
        log.WriteLine($"loss {l0:R}; {elements} elements in {list.Count} tensors; worst relative error {WorstRelativeError:E2}; " +
                      $"worst |diff|/tolerance {reports.Max(r => r.ToleranceRatio):F4}");

        TensorReport worst = reports.MaxBy(r => r.ToleranceRatio)!;
        Assert.True(worst.ToleranceRatio <= 1, FailureMessage(worst, l0));
        if (requireDependence)
            foreach (var r in reports)
                Assert.True(r.MaxAbsNumeric > AbsoluteTolerance,
                    $"{r.Name}: the loss does not depend on this tensor (max |numeric gradient| {r.MaxAbsNumeric:E2}); the check would be vacuous.");
    }

    private TensorReport Measure(Func<double> loss, GradientTarget t)
    {
        int n = t.Values().Length;
        Assert.True(n == t.Analytic.Length, $"{t.Name}: {n} values but {t.Analytic.Length} analytic gradient entries.");
        Assert.True(n == t.Shape.Aggregate(1, (a, b) => a * b), $"{t.Name}: {n} values do not fill shape {Shape(t.Shape)}.");
        int worstIndex = 0;
        double worstRatio = -1, worstRel = 0, maxAbsNumeric = 0, worstPlus = 0, worstMinus = 0, worstNumeric = 0;
        for (int i = 0; i < n; i++)
        {
            double v = t.Values()[i];
            t.Values()[i] = v + Epsilon;
            double plus = loss();
            t.Values()[i] = v - Epsilon;
            double minus = loss();
            t.Values()[i] = v;
            double numeric = (plus - minus) / (2 * Epsilon);
            double analytic = t.Analytic[i];
            double diff = Math.Abs(analytic - numeric);
            double scale = Math.Max(Math.Abs(analytic), Math.Abs(numeric));
            double ratio = double.IsFinite(diff) ? diff / (AbsoluteTolerance + RelativeTolerance * scale) : double.PositiveInfinity;
            if (scale >= RelativeFloor) worstRel = Math.Max(worstRel, diff / scale);
            maxAbsNumeric = Math.Max(maxAbsNumeric, Math.Abs(numeric));
            if (ratio > worstRatio)
            {
                (worstRatio, worstIndex, worstNumeric, worstPlus, worstMinus) = (ratio, i, numeric, plus, minus);
            }
        }
        var report = new TensorReport(t.Name, t.Shape, worstIndex, t.Analytic.Length == 0 ? 0 : t.Analytic[worstIndex],
            worstNumeric, worstPlus, worstMinus, Math.Max(worstRatio, 0), worstRel, maxAbsNumeric);
        log.WriteLine($"  {t.Name,-30} {Shape(t.Shape),-10} worst rel err {worstRel:E2}  |diff|/tol {report.ToleranceRatio:F4} " +
                      $"at {Index(t.Shape, worstIndex)} (analytic {report.Analytic:E6}, numeric {worstNumeric:E6})  max |grad| {maxAbsNumeric:E2}");
        return report;
    }

    private static string FailureMessage(TensorReport r, double l0)
    {
        double diff = Math.Abs(r.Analytic - r.Numeric);
        double tol = AbsoluteTolerance + RelativeTolerance * Math.Max(Math.Abs(r.Analytic), Math.Abs(r.Numeric));
        return $"Gradient mismatch in {r.Name}{Index(r.Shape, r.WorstIndex)} (flat {r.WorstIndex}): analytic {r.Analytic:R}, " +
               $"numeric {r.Numeric:R}, |diff| {diff:E3} > tolerance {tol:E3} (1e-6 + 1e-5·max). " +
               $"One-sided slopes: forward {(r.LossPlus - l0) / Epsilon:R}, backward {(l0 - r.LossMinus) / Epsilon:R} " +
               "(they differ strongly only when a kink lies within ε).";
    }

    private static string Shape(int[] shape) => "(" + string.Join(",", shape) + ")";

    // Flat row-major index as a multi-index, e.g. [2,1,4].
    private static string Index(int[] shape, int flat)
    {
        var idx = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return "[" + string.Join(",", idx) + "]";
    }
}
