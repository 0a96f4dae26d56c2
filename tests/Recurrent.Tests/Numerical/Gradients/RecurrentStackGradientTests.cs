// Finite-difference checks of RecurrentStack<double>.Backward for every cell (tanh/ReLU RNN, LSTM with and
// without peepholes, GRU) and topology (1 layer, 2 stacked layers, bidirectional, 2 bidirectional layers),
// from given random initial states: every parameter, the input and the initial states h0/c0.
// Loss = Σ output·W1 + Σ h_n·W2 (+ Σ c_n·W3) for fixed random W, so dOutput = W1, dh_n = W2, dc_n = W3.
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Tensors;
using Xunit.Abstractions;
using static Recurrent.Tests.Gradients.GradientSetup;

namespace Recurrent.Tests.Gradients;

public sealed class RecurrentStackGradientTests(ITestOutputHelper log)
{
    public static TheoryData<CellKind, bool, int, bool> Cases()
    {
        var data = new TheoryData<CellKind, bool, int, bool>();
        foreach (var (kind, peepholes) in new[] { (CellKind.RnnTanh, false), (CellKind.RnnRelu, false),
                     (CellKind.Lstm, false), (CellKind.Lstm, true), (CellKind.Gru, false) })
            foreach (var (layers, bidirectional) in new[] { (1, false), (2, false), (1, true), (2, true) })
                data.Add(kind, peepholes, layers, bidirectional);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryGradientMatchesFiniteDifferences(CellKind kind, bool peepholes, int layers, bool bidirectional)
    {
        const int I = Features, H = Hidden, B = Batch, T = Steps;
        var rng = new Rng(1000 + (ulong)kind * 100 + (ulong)layers * 10 + (bidirectional ? 1UL : 0) + (peepholes ? 5UL : 0));
        var store = new ParameterStore<double>();
        var stack = new RecurrentStack<double>(store, "", kind, I, H, layers, bidirectional, peepholes: peepholes);
        store.Seal();
        RandomizeAll(store, rng);

        bool lstm = kind.HasCellState();
        int state = stack.StateSize(B);
        double[] x = Uniform(rng, T * B * I);                       // (T,B,I)
        double[] h0 = Uniform(rng, state, ParameterRange);          // (L*D,B,H)
        double[] c0 = lstm ? Uniform(rng, state, ParameterRange) : [];
        double[] wOut = Uniform(rng, T * B * stack.OutputSize);     // (T,B,D*H)
        double[] wH = Uniform(rng, state);
        double[] wC = lstm ? Uniform(rng, state) : [];

        double Loss()
        {
            stack.Forward(x, T, B, h0, c0, training: false, dropoutRng: null);
            return Dot(stack.Output, wOut) + Dot(stack.FinalH, wH) + (lstm ? Dot(stack.FinalC, wC) : 0);
        }

        Loss();
        store.ZeroGradients();
        var dx = new double[x.Length];   // Backward adds into dInput
        var dh0 = new double[state];
        var dc0 = new double[c0.Length];
        stack.Backward(wOut, wH, wC, dx, dh0, dc0, T);

        int[] stateShape = [layers * stack.Directions, B, H];
        var targets = GradientTarget.Parameters(store);
        targets.Add(GradientTarget.Of("x", [T, B, I], x, dx));
        targets.Add(GradientTarget.Of("h0", stateShape, h0, dh0));
        if (lstm) targets.Add(GradientTarget.Of("c0", stateShape, c0, dc0));
        Assert.Equal(peepholes, store.Parameters.Any(p => p.Name.Contains("peephole", StringComparison.Ordinal)));
        new GradientChecker(log).CheckAll(Loss, targets);
    }

    // Dropout between layers in training mode: masks are random per forward, so every forward here gets a
    // fresh Rng with the same seed, which redraws the same mask; the loss is then a fixed function of θ
    // and backward must scale by exactly the mask its forward used.
    [Theory]
    [MemberData(nameof(Cells), MemberType = typeof(GradientSetup))]
    public void TrainingDropoutGradientMatchesFiniteDifferencesUnderAFixedMask(CellKind kind, bool peepholes)
    {
        const int I = Features, H = Hidden, B = Batch, T = Steps, L = 3;
        var rng = new Rng(1500 + (ulong)kind * 10 + (peepholes ? 1UL : 0));
        var store = new ParameterStore<double>();
        var stack = new RecurrentStack<double>(store, "", kind, I, H, L, bidirectional: true, dropout: 0.3, peepholes: peepholes);
        store.Seal();
        RandomizeAll(store, rng);
        double[] x = Uniform(rng, T * B * I);
        double[] wOut = Uniform(rng, T * B * stack.OutputSize);
        double[] wH = Uniform(rng, stack.StateSize(B));

        double Loss(bool training)
        {
            stack.Forward(x, T, B, default, default, training, new Rng(99));
            return Dot(stack.Output, wOut) + Dot(stack.FinalH, wH);
        }

        double evaluation = Loss(training: false);
        Assert.True(Math.Abs(Loss(training: true) - evaluation) > 1e-3, "The dropout mask changed nothing; the check would not test it.");
        store.ZeroGradients();
        var dx = new double[x.Length];
        stack.Backward(wOut, wH, default, dx, default, default, T);

        var targets = GradientTarget.Parameters(store);
        targets.Add(GradientTarget.Of("x", [T, B, I], x, dx));
        new GradientChecker(log).CheckAll(() => Loss(training: true), targets);
    }
}
