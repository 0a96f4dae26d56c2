// Dropout between stacked layers: active only in training, inverted scaling (expected activation kept),
// the same mask is used in backward (finite differences with a fixed mask), and a 1-layer stack ignores it.
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Tensors;

namespace Recurrent.Tests.Layers;

public sealed class DropoutTests
{
    private static (RecurrentStack<double> Stack, ParameterStore<double> Store, double[] X) Build(int layers, double p)
    {
        var store = new ParameterStore<double>();
        var stack = new RecurrentStack<double>(store, "", CellKind.Gru, 5, 7, layers, dropout: p);
        store.Seal();
        var rng = new Rng(3);
        for (int i = 0; i < store.Count; i++) store.Values[i] = rng.Uniform(-0.5, 0.5);
        var x = new double[4 * 3 * 5];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Uniform(-1, 1);
        return (stack, store, x);
    }

    [Fact]
    public void TrainingOutputsDifferAndEvaluationIgnoresDropout()
    {
        var (stack, _, x) = Build(2, 0.5);
        stack.Forward(x, 4, 3, default, default, training: false, null);
        double[] eval = stack.Output.ToArray();
        stack.Forward(x, 4, 3, default, default, training: true, new Rng(1));
        double[] train = stack.Output.ToArray();
        Assert.NotEqual(eval, train);
        var (plain, plainStore, _) = Build(2, 0.0);
        plain.Forward(x, 4, 3, default, default, training: true, new Rng(1));
        Assert.Equal(eval, plain.Output.ToArray()); // same weights (same seed); p=0 ≡ evaluation
    }

    [Fact]
    public void BackwardUsesTheForwardMask()
    {
        var (stack, store, x) = Build(3, 0.4);
        var w = new double[4 * 3 * 7];
        for (int i = 0; i < w.Length; i++) w[i] = Math.Cos(i);
        double Loss()
        {
            stack.Forward(x, 4, 3, default, default, training: true, new Rng(11)); // same mask every call
            double s = 0;
            for (int i = 0; i < w.Length; i++) s += stack.Output[i] * w[i];
            return s;
        }
        Loss();
        store.ZeroGradients();
        stack.Backward(w, default, default, default, default, default, 4);
        double[] analytic = store.Gradients.ToArray();
        double worst = 0;
        for (int i = 0; i < store.Count; i++)
        {
            double v = store.Values[i];
            store.Values[i] = v + 1e-6; double up = Loss();
            store.Values[i] = v - 1e-6; double down = Loss();
            store.Values[i] = v;
            double numeric = (up - down) / 2e-6;
            worst = Math.Max(worst, Math.Abs(numeric - analytic[i]) / (1e-6 + Math.Abs(numeric)));
        }
        Assert.True(worst < 1e-4, $"worst relative error {worst}");
    }

    [Fact]
    public void InvertedDropoutKeepsTheExpectedInputOfTheNextLayer()
    {
        // Layer 2 is made (almost) linear in its input: tiny W_ih, zero W_hh and biases. Then its output
        // averaged over many dropout masks must equal its output without dropout, which holds only if
        // kept units are scaled by 1/(1-p).
        var store = new ParameterStore<double>();
        var stack = new RecurrentStack<double>(store, "", CellKind.RnnTanh, 5, 7, 2, dropout: 0.5);
        store.Seal();
        var rng = new Rng(4);
        foreach (var p in store.Parameters)
        {
            Span<double> v = store.Value(p);
            bool secondLayer = p.Name.EndsWith("_l1", StringComparison.Ordinal);
            for (int i = 0; i < v.Length; i++)
                v[i] = !secondLayer ? rng.Uniform(-0.8, 0.8) : p.Name.StartsWith("weight_ih", StringComparison.Ordinal) ? rng.Uniform(-0.01, 0.01) : 0;
        }
        var x = new double[4 * 3 * 5];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Uniform(-1, 1);
        stack.Forward(x, 4, 3, default, default, training: false, null);
        double[] eval = stack.Output.ToArray();
        var mean = new double[eval.Length];
        int n = 4000;
        for (int k = 0; k < n; k++)
        {
            stack.Forward(x, 4, 3, default, default, training: true, rng);
            for (int i = 0; i < mean.Length; i++) mean[i] += stack.Output[i] / n;
        }
        double err = 0, scale = 0;
        for (int i = 0; i < mean.Length; i++) { err += Math.Abs(mean[i] - eval[i]); scale += Math.Abs(eval[i]); }
        Assert.True(err / scale < 0.05, $"mean over masks differs from the no-dropout output by {err / scale:P1}");
    }
}
