// The fused gate kernels: the Vector<float> paths against the scalar references (run in double from the
// same float inputs) for every hidden size 0..300, so full vectors, tails and the empty case are covered;
// with and without LSTM peepholes, for every activation combination (gates sigmoid | hard sigmoid × cell tanh |
// softsign; RNN tanh | softsign | ReLU); also large pre-activations (saturation, no NaN).
using Recurrent.Kernels;
using Recurrent.Randomness;

namespace Recurrent.Tests.Kernels;

public sealed class CellKernelTests
{
    private const int Batch = 2;
    private const double Tol = 2e-6; // absolute; the vector tanh/sigmoid differ from the libm ones by a few ulps

    private static float[] Random(Rng rng, int n, double scale)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)rng.Uniform(-scale, scale);
        return a;
    }

    private static double[] D(float[] a) => a.Select(v => (double)v).ToArray();

    private static void Close(double[] expected, float[] actual, string what, int h)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tol * Math.Max(1, Math.Abs(expected[i])),
                $"{what} H={h} [{i}]: {actual[i]} vs {expected[i]}");
    }

    public static IEnumerable<object[]> Sizes() => Enumerable.Range(0, 301).Select(h => new object[] { h });

    [Theory]
    [MemberData(nameof(Sizes))]
    public void LstmVectorMatchesScalar(int h)
    {
        var rng = new Rng((ulong)h + 1);
        CheckLstm<SigmoidOp, TanhOp>(h, rng);
        CheckLstm<SigmoidOp, SoftsignOp>(h, rng);
        CheckLstm<HardSigmoidOp, TanhOp>(h, rng);
        CheckLstm<HardSigmoidOp, SoftsignOp>(h, rng);
    }

    private static void CheckLstm<TGate, TCell>(int h, Rng rng) where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        string name = $"{typeof(TGate).Name}/{typeof(TCell).Name}";
        foreach (bool peephole in new[] { false, true })
        {
            float[] pre = Random(rng, Batch * 4 * h, 4), cPrev = Random(rng, Batch * h, 2), peep = peephole ? Random(rng, 3 * h, 1) : [];
            var gates = new float[Batch * 4 * h]; var c = new float[Batch * h]; var tc = new float[Batch * h]; var hh = new float[Batch * h];
            LstmCell.ForwardVector<TGate, TCell>(pre, cPrev, peep, gates, c, tc, hh, Batch, h);
            var gatesD = new double[gates.Length]; var cD = new double[c.Length]; var tcD = new double[c.Length]; var hD = new double[c.Length];
            LstmCell.ForwardScalar<double, TGate, TCell>(D(pre), D(cPrev), D(peep), gatesD, cD, tcD, hD, Batch, h);
            Close(gatesD, gates, name + " gates", h); Close(cD, c, name + " c", h); Close(tcD, tc, name + " act c", h); Close(hD, hh, name + " h", h);

            float[] dh = Random(rng, Batch * h, 1), dy = Random(rng, Batch * h, 1), dc = Random(rng, Batch * h, 1);
            var dPeep = peephole ? Random(rng, 3 * h, 0.1) : [];
            double[] dcD = D(dc), dPeepD = D(dPeep);
            var dPre = new float[Batch * 4 * h]; var dPreD = new double[dPre.Length];
            LstmCell.BackwardVector<TGate, TCell>(gates, c, tc, cPrev, peep, dh, dy, dc, dPre, dPeep, Batch, h);
            LstmCell.BackwardScalar<double, TGate, TCell>(D(gates), D(c), D(tc), D(cPrev), D(peep), D(dh), D(dy), dcD, dPreD, dPeepD, Batch, h);
            Close(dPreD, dPre, name + " dPre", h); Close(dcD, dc, name + " dc", h); Close(dPeepD, dPeep, name + " dPeep", h);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void GruVectorMatchesScalar(int h)
    {
        var rng = new Rng((ulong)h + 1000);
        CheckGru<SigmoidOp, TanhOp>(h, rng);
        CheckGru<SigmoidOp, SoftsignOp>(h, rng);
        CheckGru<HardSigmoidOp, TanhOp>(h, rng);
        CheckGru<HardSigmoidOp, SoftsignOp>(h, rng);
    }

    private static void CheckGru<TGate, TCell>(int h, Rng rng) where TGate : struct, IActivationOp where TCell : struct, IActivationOp
    {
        string name = $"{typeof(TGate).Name}/{typeof(TCell).Name}";
        float[] xp = Random(rng, Batch * 3 * h, 4), hhIn = Random(rng, Batch * 3 * h, 4), hPrev = Random(rng, Batch * h, 1);
        var gates = new float[Batch * 3 * h]; var hhN = new float[Batch * h]; var hOut = new float[Batch * h];
        GruCell.ForwardVector<TGate, TCell>(xp, hhIn, hPrev, gates, hhN, hOut, Batch, h);
        var gatesD = new double[gates.Length]; var hhND = new double[hhN.Length]; var hD = new double[hOut.Length];
        GruCell.ForwardScalar<double, TGate, TCell>(D(xp), D(hhIn), D(hPrev), gatesD, hhND, hD, Batch, h);
        Close(gatesD, gates, name + " gates", h); Close(hhND, hhN, name + " hhN", h); Close(hD, hOut, name + " h", h);

        float[] dh = Random(rng, Batch * h, 1), dy = Random(rng, Batch * h, 1);
        var dIH = new float[Batch * 3 * h]; var dHH = new float[Batch * 3 * h]; var direct = new float[Batch * h];
        var dIHD = new double[dIH.Length]; var dHHD = new double[dHH.Length]; var directD = new double[direct.Length];
        GruCell.BackwardVector<TGate, TCell>(gates, hhN, hPrev, dh, dy, dIH, dHH, direct, Batch, h);
        GruCell.BackwardScalar<double, TGate, TCell>(D(gates), D(hhN), D(hPrev), D(dh), D(dy), dIHD, dHHD, directD, Batch, h);
        Close(dIHD, dIH, name + " dPreIH", h); Close(dHHD, dHH, name + " dPreHH", h); Close(directD, direct, name + " direct", h);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void RnnVectorMatchesScalar(int n)
    {
        var rng = new Rng((ulong)n + 2000);
        CheckRnn<TanhOp>(n, rng);
        CheckRnn<ReluOp>(n, rng);
        CheckRnn<SoftsignOp>(n, rng);
    }

    private static void CheckRnn<TAct>(int n, Rng rng) where TAct : struct, IActivationOp
    {
        string name = typeof(TAct).Name;
        float[] pre = Random(rng, n, 5);
        var h = new float[n]; var hD = new double[n];
        RnnCell.ForwardVector<TAct>(pre, h);
        RnnCell.ForwardScalar<double, TAct>(D(pre), hD);
        Close(hD, h, name, n);
        float[] dh = Random(rng, n, 1), dy = Random(rng, n, 1);
        var dPre = new float[n]; var dPreD = new double[n];
        RnnCell.BackwardVector<TAct>(h, dh, dy, dPre);
        RnnCell.BackwardScalar<double, TAct>(D(h), D(dh), D(dy), dPreD);
        Close(dPreD, dPre, name + " dPre", n);
    }

    [Fact]
    public void VectorMathSaturatesWithoutNaN()
    {
        float[] xs = [-1e4f, -100f, -30f, -1e-7f, 0f, 1e-7f, 30f, 100f, 1e4f, float.PositiveInfinity, float.NegativeInfinity];
        foreach (float x in xs)
        {
            float s = VectorMath.Sigmoid(new System.Numerics.Vector<float>(x))[0];
            float t = VectorMath.Tanh(new System.Numerics.Vector<float>(x))[0];
            Assert.InRange(s, 0f, 1f);
            Assert.InRange(t, -1f, 1f);
            Assert.True(Math.Abs(s - 1 / (1 + Math.Exp(-(double)x))) < 1e-6, $"sigmoid({x}) = {s}");
            Assert.True(Math.Abs(t - Math.Tanh(x)) < 1e-6, $"tanh({x}) = {t}");
            float hs = VectorMath.HardSigmoid(new System.Numerics.Vector<float>(x))[0];
            Assert.Equal(Activations.HardSigmoid(x), hs);
            Assert.InRange(hs, 0f, 1f);
            if (float.IsFinite(x))
            {
                float ss = VectorMath.Softsign(new System.Numerics.Vector<float>(x))[0];
                Assert.InRange(ss, -1f, 1f);
                Assert.True(Math.Abs(ss - x / (1 + Math.Abs((double)x))) < 1e-6, $"softsign({x}) = {ss}");
            }
        }
        Assert.Equal(1f, VectorMath.Softsign(new System.Numerics.Vector<float>(float.MaxValue))[0]);
        Assert.Equal(-1f, VectorMath.Softsign(new System.Numerics.Vector<float>(float.MinValue))[0]);
    }
}
