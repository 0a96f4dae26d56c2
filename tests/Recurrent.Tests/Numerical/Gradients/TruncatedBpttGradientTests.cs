// Finite-difference checks of truncated BPTT and of state carried across windows.
// Truncated: Backward(dOut, backwardSteps: k) with k < T is the exact gradient of the window's loss in
// which the recurrent state entering step T−k and the top-layer outputs of steps 0..T−k−1 are constants
// (DL4J's tBPTTBackwardLength; the head still learns from all T steps). Carried: after CarryState the
// next window's full backward is the exact gradient of that window's loss with the carried state constant.
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Randomness;
using Xunit.Abstractions;
using static Recurrent.Tests.Gradients.GradientSetup;

namespace Recurrent.Tests.Gradients;

public sealed class TruncatedBpttGradientTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(CellKind.Lstm, false, 2)]
    [InlineData(CellKind.Lstm, true, 2)]
    [InlineData(CellKind.Gru, false, 2)]
    [InlineData(CellKind.RnnTanh, false, 2)]
    [InlineData(CellKind.Lstm, false, 1)]
    [InlineData(CellKind.Gru, false, 3)]
    public void TruncatedGradientIsTheExactGradientOfTheTruncatedLoss(CellKind kind, bool peepholes, int backwardSteps)
    {
        const int T = Steps, B = Batch, V = Vocabulary, H = Hidden;
        int k = backwardSteps, early = T - k;
        var rng = new Rng(7000 + (ulong)kind * 10 + (peepholes ? 1UL : 0) + (ulong)k * 100);
        var model = Model(Config(InputKind.Embedding, kind, peepholes, layers: 2, bidirectional: false, HeadKind.PerStep, V), 71);
        var store = model.Parameters;
        int[] tokens = Tokens(rng, T * B);                  // (T,B)
        int[] targets = Targets(rng, T * B, V, 2, 7, 9);    // rows t*B+b: one ignored early, two ignored late
        double[] h0 = Uniform(rng, model.Stack.StateSize(B), ParameterRange);
        double[] c0 = kind.HasCellState() ? Uniform(rng, h0.Length, ParameterRange) : [];

        // Analytic: forward over the whole window, backward through its last k steps.
        StartFrom(model, h0, c0);
        model.Forward(tokens, T, B, training: false);
        var dLogits = new double[model.Output.Length];
        double windowLoss = SoftmaxCrossEntropy.LossAndGradient(model.Output, targets, V, dLogits, out int counted);
        store.ZeroGradients();
        model.Backward(dLogits, backwardSteps: k);
        var truncated = GradientTarget.Parameters(store);

        // Full BPTT on the same window must differ by far more than the FD tolerance, except in the head.
        StartFrom(model, h0, c0);
        model.Forward(tokens, T, B, training: false);
        store.ZeroGradients();
        model.Backward(dLogits);
        foreach (var t in truncated)
        {
            ReadOnlySpan<double> full = store.Gradient(store[t.Name]);
            double maxDiff = 0;
            for (int i = 0; i < full.Length; i++) maxDiff = Math.Max(maxDiff, Math.Abs(full[i] - t.Analytic[i]));
            if (t.Name.StartsWith("head.", StringComparison.Ordinal))
                Assert.True(maxDiff == 0, $"{t.Name}: the head learns from all steps either way, but truncation changed its gradient by {maxDiff:E2}.");
            else
                Assert.True(maxDiff > 1e-4, $"{t.Name}: truncated and full gradients differ by only {maxDiff:E2}; the check could not tell them apart.");
        }

        // The constants of the truncated loss, computed once with the unperturbed parameters: the top-layer
        // outputs of the first T−k steps and the state entering step T−k (carried into the model).
        StartFrom(model, h0, c0);
        model.Forward(tokens.AsSpan(0, early * B), early, B, training: false);
        double[] earlyTop = model.Stack.Output.ToArray();   // (T−k,B,H)
        model.CarryState();
        int[] earlyTargets = targets[..(early * B)], lateTargets = targets[(early * B)..], lateTokens = tokens[(early * B)..];
        var headWeight = store["head.weight"];
        var headBias = store["head.bias"];

        // The window's cross-entropy is a mean over all its counted positions: sum both parts, divide once.
        double Loss()
        {
            double earlySum = HeadCrossEntropySum(store.Value(headWeight), store.Value(headBias), earlyTop, earlyTargets, H, V);
            model.Forward(lateTokens, k, B, training: false);
            double lateMean = SoftmaxCrossEntropy.LossAndGradient(model.Output, lateTargets, V, Span<double>.Empty, out int lateCounted);
            return (earlySum + lateMean * lateCounted) / counted;
        }

        double split = Loss();
        Assert.True(Math.Abs(split - windowLoss) <= 1e-12 * windowLoss,
            $"The split loss {split:R} does not reproduce the window's loss {windowLoss:R}.");
        new GradientChecker(log).CheckAll(Loss, truncated);
    }

    [Theory]
    [InlineData(CellKind.Lstm, 4)]
    [InlineData(CellKind.Gru, 4)]
    [InlineData(CellKind.RnnTanh, 4)]
    [InlineData(CellKind.Lstm, 3)]   // a shorter second window reuses the first window's larger buffers
    [InlineData(CellKind.Gru, 5)]    // a longer one grows them
    public void SecondWindowAfterCarryStateMatchesFiniteDifferences(CellKind kind, int secondSteps)
    {
        const int T = Steps, B = Batch, V = Vocabulary;
        var rng = new Rng(8000 + (ulong)kind * 10 + (ulong)secondSteps);
        var model = Model(Config(InputKind.Embedding, kind, peepholes: false, layers: 2, bidirectional: false, HeadKind.PerStep, V), 81);
        int[] first = Tokens(rng, T * B), firstTargets = Targets(rng, T * B, V);
        int[] second = Tokens(rng, secondSteps * B), secondTargets = Targets(rng, secondSteps * B, V, 1);

        // Window 1 as training runs it: forward, backward, then carry the final state.
        model.ResetState();
        model.Forward(first, T, B, training: false);
        var d1 = new double[model.Output.Length];
        SoftmaxCrossEntropy.LossAndGradient(model.Output, firstTargets, V, d1, out _);
        model.Parameters.ZeroGradients();
        model.Backward(d1);
        double[] finalH = model.FinalH.ToArray(), finalC = model.FinalC.ToArray();
        model.CarryState();
        Assert.Equal(finalH, model.InitialH(B).ToArray());
        Assert.Equal(finalC, model.InitialC(B).ToArray());

        double Loss()
        {
            model.Forward(second, secondSteps, B, training: false);
            return SoftmaxCrossEntropy.LossAndGradient(model.Output, secondTargets, V, Span<double>.Empty, out _);
        }

        // Window 2: full backward; the carried state is an input of this window, not a function of θ.
        model.Forward(second, secondSteps, B, training: false);
        var d2 = new double[model.Output.Length];
        SoftmaxCrossEntropy.LossAndGradient(model.Output, secondTargets, V, d2, out _);
        model.Parameters.ZeroGradients();
        model.Backward(d2);
        var targets = GradientTarget.Parameters(model.Parameters);
        targets.AddRange(InitialStateTargets(model, B));   // the gradient w.r.t. the carried state itself

        // The carried state must matter, or a model that ignored it would pass too.
        double carried = Loss();
        model.ResetState();
        double fromZero = Loss();
        StartFrom(model, finalH, finalC);
        Assert.True(Math.Abs(carried - fromZero) > 1e-3, $"Loss with carried state {carried:R} vs from zeros {fromZero:R}.");

        new GradientChecker(log).CheckAll(Loss, targets);
    }

    private static void StartFrom(SequenceModel<double> model, double[] h, double[] c)
    {
        h.CopyTo(model.InitialH(Batch));
        c.CopyTo(model.InitialC(Batch));
    }

    // Σ over counted rows of −log softmax(W·h + b)[y], computed by hand from (rows,H) top-layer outputs.
    private static double HeadCrossEntropySum(ReadOnlySpan<double> weight, ReadOnlySpan<double> bias, ReadOnlySpan<double> h,
        ReadOnlySpan<int> targets, int hidden, int classes)
    {
        Span<double> z = stackalloc double[classes];
        double sum = 0;
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] < 0) continue;
            ReadOnlySpan<double> hr = h.Slice(r * hidden, hidden);
            for (int j = 0; j < classes; j++) z[j] = bias[j] + Dot(weight.Slice(j * hidden, hidden), hr);
            double max = double.NegativeInfinity;
            foreach (double v in z) max = Math.Max(max, v);
            double s = 0;
            foreach (double v in z) s += Math.Exp(v - max);
            sum += max + Math.Log(s) - z[targets[r]];
        }
        return sum;
    }
}
