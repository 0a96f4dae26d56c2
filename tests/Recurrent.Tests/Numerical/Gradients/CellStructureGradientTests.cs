// Finite-difference checks of the layer-normalised LSTM and GRU and the Mogrifier LSTM (full rank, and rank K) through
// RecurrentStack<double>: every parameter (the gains, the cell's LN bias, every round's matrices), the input (or the
// embedding table, for token inputs) and the initial states — for dense inputs, token ids with a table and one-hot ids,
// padded rows (per-row lengths), one and two bidirectional layers, and weight drop under a fixed mask.
// Loss = Σ output·W1 + Σ h_n·W2 (+ Σ c_n·W3), so dOutput = W1, dh_n = W2, dc_n = W3.
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Tensors;
using Xunit.Abstractions;
using static Recurrent.Tests.Gradients.GradientSetup;

namespace Recurrent.Tests.Gradients;

public sealed class CellStructureGradientTests(ITestOutputHelper log)
{
    public enum Structure { LayerNormLstm, LayerNormGru, Mogrifier, MogrifierRank }
    public enum Inputs { Dense, Table, OneHot, Lengths, WeightDrop }

    public static TheoryData<Structure, Inputs, int, bool> Cases()
    {
        var data = new TheoryData<Structure, Inputs, int, bool>();
        foreach (Structure structure in Enum.GetValues<Structure>())
        {
            foreach (var (layers, bidirectional) in new[] { (1, false), (2, true) })
                data.Add(structure, Inputs.Dense, layers, bidirectional);
            foreach (Inputs inputs in new[] { Inputs.Table, Inputs.OneHot, Inputs.Lengths, Inputs.WeightDrop })
                data.Add(structure, inputs, inputs == Inputs.Lengths ? 2 : 1, inputs == Inputs.Lengths);
        }
        return data;
    }

    internal static RecurrentStack<double> Build(ParameterStore<double> store, Structure structure, int inputSize, int layers, bool bidirectional,
        double weightDrop = 0) => structure switch
    {
        Structure.LayerNormLstm => new RecurrentStack<double>(store, "", CellKind.Lstm, inputSize, Hidden, layers, bidirectional, weightDrop: weightDrop, layerNorm: true),
        Structure.LayerNormGru => new RecurrentStack<double>(store, "", CellKind.Gru, inputSize, Hidden, layers, bidirectional, weightDrop: weightDrop, layerNorm: true),
        Structure.Mogrifier => new RecurrentStack<double>(store, "", CellKind.Lstm, inputSize, Hidden, layers, bidirectional, weightDrop: weightDrop, mogrifierRounds: 5),
        _ => new RecurrentStack<double>(store, "", CellKind.Lstm, inputSize, Hidden, layers, bidirectional, weightDrop: weightDrop, mogrifierRounds: 4, mogrifierRank: 2),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryGradientMatchesFiniteDifferences(Structure structure, Inputs inputs, int layers, bool bidirectional)
    {
        const int I = Features, V = Vocabulary, H = Hidden, B = Batch, T = Steps;
        var rng = new Rng(7000 + (ulong)structure * 100 + (ulong)inputs * 10 + (ulong)layers);
        bool tokens = inputs is Inputs.Table or Inputs.OneHot;
        int inputSize = inputs == Inputs.OneHot ? V : I;
        var store = new ParameterStore<double>();
        var stack = Build(store, structure, inputSize, layers, bidirectional, inputs == Inputs.WeightDrop ? 0.3 : 0);
        store.Seal();
        RandomizeAll(store, rng);
        Assert.Contains(store.Parameters, p => p.Name.StartsWith(structure is Structure.Mogrifier or Structure.MogrifierRank ? "mogrifier_" : "ln_", StringComparison.Ordinal));

        bool lstm = stack.Kind.HasCellState();
        int state = stack.StateSize(B);
        double[] x = tokens ? [] : Uniform(rng, T * B * I);         // (T,B,I)
        int[] ids = tokens ? Tokens(rng, T * B, V) : [];            // (T,B)
        double[] table = inputs == Inputs.Table ? Uniform(rng, V * I) : []; // (V,I)
        int[] lengths = inputs == Inputs.Lengths ? [T, 2, 3] : [];
        double[] h0 = Uniform(rng, state, ParameterRange);
        double[] c0 = lstm ? Uniform(rng, state, ParameterRange) : [];
        double[] wOut = Uniform(rng, T * B * stack.OutputSize);
        double[] wH = Uniform(rng, state);
        double[] wC = lstm ? Uniform(rng, state) : [];
        bool training = inputs == Inputs.WeightDrop;

        double Loss()
        {
            var dropRng = training ? new Rng(99) : null; // the same weight-drop mask every forward
            if (tokens) stack.ForwardTokens(ids, table, V, T, B, h0, c0, training, dropRng);
            else stack.Forward(x, T, B, h0, c0, training, dropRng, lengths);
            return Dot(stack.Output, wOut) + Dot(stack.FinalH, wH) + (lstm ? Dot(stack.FinalC, wC) : 0);
        }

        Loss();
        store.ZeroGradients();
        var dInput = new double[tokens ? table.Length : x.Length]; // Backward adds into dInput
        var dh0 = new double[state];
        var dc0 = new double[c0.Length];
        stack.Backward(wOut, wH, wC, dInput, dh0, dc0, T);

        int[] stateShape = [layers * stack.Directions, B, H];
        var targets = GradientTarget.Parameters(store);
        if (inputs == Inputs.Table) targets.Add(GradientTarget.Of("table", [V, I], table, dInput));
        else if (!tokens) targets.Add(GradientTarget.Of("x", [T, B, I], x, dInput));
        targets.Add(GradientTarget.Of("h0", stateShape, h0, dh0));
        if (lstm) targets.Add(GradientTarget.Of("c0", stateShape, c0, dc0));
        new GradientChecker(log).CheckAll(Loss, targets);
    }

    // A second pass over the same inputs gives the same gradients as the first: no buffer carries anything from one
    // backward into the next (token inputs, whose per-step input gradients are gathered into the table, included).
    [Theory]
    [InlineData(Structure.LayerNormLstm)]
    [InlineData(Structure.LayerNormGru)]
    [InlineData(Structure.Mogrifier)]
    [InlineData(Structure.MogrifierRank)]
    public void RepeatedPassesGiveTheSameGradients(Structure structure)
    {
        const int I = Features, V = Vocabulary, B = Batch, T = Steps;
        var rng = new Rng(7800 + (ulong)structure);
        var store = new ParameterStore<double>();
        var stack = Build(store, structure, I, 2, false);
        store.Seal();
        RandomizeAll(store, rng);
        int[] ids = Tokens(rng, T * B, V);
        double[] table = Uniform(rng, V * I), wOut = Uniform(rng, T * B * stack.OutputSize);
        double[] Pass()
        {
            stack.ForwardTokens(ids, table, V, T, B, default, default, training: false, null);
            store.ZeroGradients();
            var dTable = new double[table.Length];
            stack.Backward(wOut, default, default, dTable, default, default, T);
            return [.. store.Gradients, .. dTable];
        }
        double[] first = Pass();
        Assert.Equal(first, Pass());
    }

    // Truncated BPTT over the last k steps: the gradient is that of the loss on those steps' outputs with the state
    // entering them held constant — the same as a full backward over a forward that starts there from that state.
    [Theory]
    [InlineData(Structure.LayerNormLstm)]
    [InlineData(Structure.LayerNormGru)]
    [InlineData(Structure.Mogrifier)]
    public void TruncatedBackwardEqualsAFullBackwardFromTheStateItStartsFrom(Structure structure)
    {
        const int I = Features, H = Hidden, B = Batch, T = Steps, K = 2;
        var rng = new Rng(7500 + (ulong)structure);
        var store = new ParameterStore<double>();
        var stack = Build(store, structure, I, 1, false);
        store.Seal();
        RandomizeAll(store, rng);
        bool lstm = stack.Kind.HasCellState();
        double[] x = Uniform(rng, T * B * I), wOut = Uniform(rng, T * B * H);
        for (int i = 0; i < (T - K) * B * H; i++) wOut[i] = 0; // only the last K steps' outputs are weighted

        stack.Forward(x, T, B, default, default, training: false, null);
        store.ZeroGradients();
        var dx = new double[x.Length];
        stack.Backward(wOut, default, default, dx, default, default, K);
        double[] truncated = store.Gradients.ToArray();

        // The state after step T-K-1, from a forward over the first T-K steps.
        stack.Forward(x.AsSpan(0, (T - K) * B * I), T - K, B, default, default, training: false, null);
        double[] hMid = stack.FinalH.ToArray(), cMid = lstm ? stack.FinalC.ToArray() : [];
        stack.Forward(x.AsSpan((T - K) * B * I), K, B, hMid, cMid, training: false, null);
        store.ZeroGradients();
        var dxTail = new double[K * B * I];
        stack.Backward(wOut.AsSpan((T - K) * B * H), default, default, dxTail, default, default, K);
        Assert.Equal(store.Gradients.ToArray(), truncated, (a, b) => Math.Abs(a - b) <= 1e-12 * Math.Max(1, Math.Abs(a)));
        Assert.Equal(dxTail, dx.AsSpan((T - K) * B * I).ToArray(), (a, b) => Math.Abs(a - b) <= 1e-12 * Math.Max(1, Math.Abs(a)));
        Assert.All(dx.AsSpan(0, (T - K) * B * I).ToArray(), v => Assert.Equal(0.0, v));
    }

    // The float path — packed per-step products (batch ≥ 4, several steps), the vector kernels — against the double one
    // (unpacked, scalar) on the same weights: outputs, states and every gradient.
    [Theory]
    [InlineData(Structure.LayerNormLstm)]
    [InlineData(Structure.LayerNormGru)]
    [InlineData(Structure.Mogrifier)]
    [InlineData(Structure.MogrifierRank)]
    public void FloatPathMatchesDouble(Structure structure)
    {
        const int I = Features, B = 9, T = 6;
        var rng = new Rng(7700 + (ulong)structure);
        var storeD = new ParameterStore<double>();
        var stackD = Build(storeD, structure, I, 2, true);
        storeD.Seal();
        RandomizeAll(storeD, rng);
        var storeF = new ParameterStore<float>();
        var stackF = structure switch
        {
            Structure.LayerNormLstm => new RecurrentStack<float>(storeF, "", CellKind.Lstm, I, Hidden, 2, true, layerNorm: true),
            Structure.LayerNormGru => new RecurrentStack<float>(storeF, "", CellKind.Gru, I, Hidden, 2, true, layerNorm: true),
            Structure.Mogrifier => new RecurrentStack<float>(storeF, "", CellKind.Lstm, I, Hidden, 2, true, mogrifierRounds: 5),
            _ => new RecurrentStack<float>(storeF, "", CellKind.Lstm, I, Hidden, 2, true, mogrifierRounds: 4, mogrifierRank: 2),
        };
        storeF.Seal();
        for (int i = 0; i < storeD.Count; i++) storeF.Values[i] = (float)storeD.Values[i];
        double[] x = Uniform(rng, T * B * I), wOut = Uniform(rng, T * B * stackD.OutputSize);
        stackD.Forward(x, T, B, default, default, training: false, null);
        stackF.Forward(x.Select(v => (float)v).ToArray(), T, B, default, default, training: false, null);
        AssertClose(stackD.Output.ToArray(), stackF.Output.ToArray(), 1e-5, "output");
        storeD.ZeroGradients(); storeF.ZeroGradients();
        var dxD = new double[x.Length]; var dxF = new float[x.Length];
        stackD.Backward(wOut, default, default, dxD, default, default, T);
        stackF.Backward(wOut.Select(v => (float)v).ToArray(), default, default, dxF, default, default, T);
        AssertClose(storeD.Gradients, storeF.Gradients, 1e-4, "parameter gradients");
        AssertClose(dxD, dxF, 1e-4, "input gradient");
    }

    private static void AssertClose(double[] expected, float[] actual, double tol, string what)
    {
        double scale = Math.Max(1e-3, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * scale, $"{what}[{i}]: {actual[i]} vs {expected[i]} (scale {scale})");
    }
}
