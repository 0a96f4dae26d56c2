// The kernels of the structured cells: LayerNormRows (forward, backward, gain), LayerNormLstmCell and the Mogrifier's
// scale loops — each Vector<float> path against its scalar reference run in double from the same float inputs, for row
// widths 1..70 (full vectors, tails, a single element) and two wide ones; plus LN's defining properties on the output.
using Recurrent.Kernels;
using Recurrent.Layers;
using Recurrent.Randomness;

namespace Recurrent.Tests.Kernels;

public sealed class LayerNormKernelTests
{
    private const int Rows = 3;

    private static float[] Random(Rng rng, int n, double scale, double offset = 0)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(offset + rng.Uniform(-scale, scale));
        return a;
    }

    private static double[] D(float[] a) => a.Select(v => (double)v).ToArray();

    private static void Close(double[] expected, float[] actual, string what, int n, double tol = 1e-5)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"{what} N={n} [{i}]: {actual[i]} vs {expected[i]}");
    }

    public static IEnumerable<object[]> Widths() => Enumerable.Range(1, 70).Append(255).Append(1024).Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Widths))]
    public void RowsVectorMatchesScalarAndNormalises(int n)
    {
        var rng = new Rng((ulong)n + 5);
        float[] v = Random(rng, Rows * n, 3, offset: 2); // an offset mean, so the centring matters
        var y = new float[v.Length]; var rstd = new float[Rows];
        LayerNormRows.Forward<float>(v, Rows, n, y, rstd);
        var yD = new double[v.Length]; var rstdD = new double[Rows];
        LayerNormRows.Forward<double>(D(v), Rows, n, yD, rstdD);
        Close(yD, y, "normalized", n); Close(rstdD, rstd, "rstd", n);
        if (n > 1)
            for (int r = 0; r < Rows; r++) // mean 0 and variance var/(var+ε) ≈ 1
            {
                var row = yD.AsSpan(r * n, n).ToArray();
                Assert.True(Math.Abs(row.Average()) < 1e-9, $"row {r} mean {row.Average()}");
                Assert.True(Math.Abs(row.Select(x => x * x).Average() - 1) < 1e-3, $"row {r} variance");
            }

        float[] dy = Random(rng, Rows * n, 1);
        var dv = new float[v.Length]; var dvD = new double[v.Length];
        LayerNormRows.Backward<float>(dy, y, rstd, Rows, n, dv);
        LayerNormRows.Backward<double>(D(dy), yD, rstdD, Rows, n, dvD);
        Close(dvD, dv, "dv", n, 1e-4);

        float[] gain = Random(rng, n, 1, offset: 1);
        var scaled = Random(rng, Rows * n, 1); double[] scaledD = D(scaled);
        LayerNormRows.Scale<float>(y, gain, Rows, n, scaled, accumulate: true);
        LayerNormRows.Scale<double>(yD, D(gain), Rows, n, scaledD, accumulate: true);
        Close(scaledD, scaled, "scale", n);
        var dGain = Random(rng, n, 1); double[] dGainD = D(dGain);
        var dn = new float[v.Length]; var dnD = new double[v.Length];
        LayerNormRows.BackwardGain<float>(dy, y, gain, Rows, n, dGain, dn);
        LayerNormRows.BackwardGain<double>(D(dy), yD, D(gain), Rows, n, dGainD, dnD);
        Close(dGainD, dGain, "dGain", n, 1e-4); Close(dnD, dn, "dNormalized", n);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void LayerNormLstmCellVectorMatchesScalar(int h)
    {
        var rng = new Rng((ulong)h + 500);
        float[] pre = Random(rng, Rows * 4 * h, 3), cPrev = Random(rng, Rows * h, 2), gain = Random(rng, h, 0.5, 1), bias = Random(rng, h, 0.5);
        var gates = new float[pre.Length]; var c = new float[Rows * h]; var cn = new float[Rows * h]; var rstd = new float[Rows];
        var act = new float[Rows * h]; var hh = new float[Rows * h];
        LayerNormLstmCell.Forward<float, SigmoidOp, TanhOp>(pre, cPrev, gain, bias, gates, c, cn, rstd, act, hh, Rows, h);
        var gatesD = new double[pre.Length]; var cD = new double[c.Length]; var cnD = new double[c.Length]; var rstdD = new double[Rows];
        var actD = new double[c.Length]; var hD = new double[c.Length];
        LayerNormLstmCell.Forward<double, SigmoidOp, TanhOp>(D(pre), D(cPrev), D(gain), D(bias), gatesD, cD, cnD, rstdD, actD, hD, Rows, h);
        Close(gatesD, gates, "gates", h); Close(cD, c, "c", h); Close(cnD, cn, "LN(c)", h); Close(actD, act, "act", h); Close(hD, hh, "h", h);

        float[] dh = Random(rng, Rows * h, 1), dy = Random(rng, Rows * h, 1), dc = Random(rng, Rows * h, 1);
        float[] dGain = Random(rng, h, 0.1), dBias = Random(rng, h, 0.1);
        double[] dcD = D(dc), dGainD = D(dGain), dBiasD = D(dBias);
        var dPre = new float[pre.Length]; var dPreD = new double[pre.Length];
        LayerNormLstmCell.Backward<float, SigmoidOp, TanhOp>(gates, cn, rstd, act, cPrev, gain, dh, dy, dc, dPre, dGain, dBias, new float[Rows * h], Rows, h);
        LayerNormLstmCell.Backward<double, SigmoidOp, TanhOp>(gatesD, cnD, rstdD, actD, D(cPrev), D(gain), D(dh), D(dy), dcD, dPreD, dGainD, dBiasD,
            new double[Rows * h], Rows, h);
        Close(dPreD, dPre, "dPre", h, 1e-4); Close(dcD, dc, "dc", h, 1e-4); Close(dGainD, dGain, "dGain", h, 1e-4); Close(dBiasD, dBias, "dBias", h, 1e-4);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void MogrifierScalesVectorMatchScalar(int n)
    {
        var rng = new Rng((ulong)n + 900);
        float[] a = Random(rng, Rows * n, 6), target = Random(rng, Rows * n, 2);
        float[] s = (float[])a.Clone(); double[] sD = D(a);
        var result = new float[a.Length]; var resultD = new double[a.Length];
        Mogrifier<float>.ScaleForward(s, target, result);
        Mogrifier<double>.ScaleForward(sD, D(target), resultD);
        Close(sD, s, "2σ(a)", n); Close(resultD, result, "scaled", n);
        Assert.All(s, v => Assert.InRange(v, 0f, 2f));

        float[] dTarget = Random(rng, Rows * n, 1); double[] dTargetD = D(dTarget);
        var da = new float[a.Length]; var daD = new double[a.Length];
        Mogrifier<float>.ScaleBackward(s, target, dTarget, da);
        Mogrifier<double>.ScaleBackward(sD, D(target), dTargetD, daD);
        Close(daD, da, "da", n); Close(dTargetD, dTarget, "dTarget", n);
    }
}
