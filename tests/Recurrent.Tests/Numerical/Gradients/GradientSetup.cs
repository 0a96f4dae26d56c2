// GradientSetup: the shared sizes, random data and non-trivially initialised double-precision models of
// the gradient checks. Odd, distinct sizes (I=5, vocab 6, H=7, B=3, T=4) so a transposed or swapped
// dimension cannot go unnoticed; every parameter random and nonzero (biases and peepholes included,
// which the model's own initialisation leaves at zero) so no gradient term is multiplied away.
using Recurrent.Initialization;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Tensors;

namespace Recurrent.Tests.Gradients;

internal static class GradientSetup
{
    public const int Features = 5, Vocabulary = 6, Embedding = 5, Hidden = 7, Batch = 3, Steps = 4;

    /// <summary>Parameters are drawn from U(±0.5): large enough that the gates saturate unevenly.</summary>
    public const double ParameterRange = 0.5;

    /// <summary>The cells of the theories: (kind, peepholes).</summary>
    public static TheoryData<CellKind, bool> Cells => new()
    {
        { CellKind.RnnTanh, false },
        { CellKind.RnnRelu, false },
        { CellKind.Lstm, false },
        { CellKind.Lstm, true },
        { CellKind.Gru, false },
    };

    /// <summary>Every cell of <see cref="Cells"/>, one and two directions: (kind, peepholes, bidirectional).</summary>
    public static TheoryData<CellKind, bool, bool> CellsByDirection()
    {
        var data = new TheoryData<CellKind, bool, bool>();
        foreach (var row in Cells)
            foreach (bool bidirectional in new[] { false, true })
                data.Add((CellKind)row[0], (bool)row[1], bidirectional);
        return data;
    }

    /// <summary>n values from U(±range).</summary>
    public static double[] Uniform(Rng rng, int n, double range = 1.0)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.Uniform(-range, range);
        return v;
    }

    /// <summary>n token ids in [0, vocabulary).</summary>
    public static int[] Tokens(Rng rng, int n, int vocabulary = Vocabulary)
    {
        var ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = rng.NextInt(vocabulary);
        return ids;
    }

    /// <summary>n class ids in [0, classes) with the given positions set to the ignore index -1.</summary>
    public static int[] Targets(Rng rng, int n, int classes, params int[] ignored)
    {
        int[] y = Tokens(rng, n, classes);
        foreach (int i in ignored) y[i] = -1;
        return y;
    }

    /// <summary>Overwrites every value of the store with U(±0.5), kept at least 0.05 away from zero.</summary>
    public static void RandomizeAll(ParameterStore<double> store, Rng rng)
    {
        foreach (var p in store.Parameters) RandomizeAwayFromZero(store.Value(p), rng);
    }

    /// <summary>Σ a·b.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        Assert.Equal(a.Length, b.Length);
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>
    /// A model config with uniform U(±0.5) initialisation of every weight (recurrent ones included) and no
    /// forget-bias override, on the shared sizes.
    /// </summary>
    public static ModelConfig Config(InputKind input, CellKind cell, bool peepholes, int layers, bool bidirectional,
        HeadKind head, int outputs, double dropout = 0) => new()
    {
        Input = input,
        InputSize = input == InputKind.Dense ? Features : Vocabulary,
        EmbeddingSize = input == InputKind.Embedding ? Embedding : 0,
        Cell = cell,
        Peepholes = peepholes,
        HiddenSize = Hidden,
        Layers = layers,
        Bidirectional = bidirectional,
        Dropout = dropout,
        Head = head,
        OutputSize = outputs,
        WeightInit = WeightInit.Uniform,
        RecurrentInit = WeightInit.Uniform,
        UniformRange = ParameterRange,
        ForgetGateBias = null,
    };

    /// <summary>
    /// Builds the model, then redraws biases and peepholes (zero after the model's own initialisation for
    /// peepholes, and for biases under most schemes) so every parameter is random and nonzero.
    /// </summary>
    public static SequenceModel<double> Model(ModelConfig config, ulong seed)
    {
        var model = new SequenceModel<double>(config, seed);
        var store = model.Parameters;
        var rng = new Rng(seed ^ 0x5EED);
        foreach (var p in store.Parameters)
            if (p.Role == ParameterRole.Bias || p.Name.Contains("peephole", StringComparison.Ordinal))
                RandomizeAwayFromZero(store.Value(p), rng);
        foreach (var p in store.Parameters)
            foreach (double v in store.Value(p))
                Assert.True(v != 0, $"{p.Name} still has a zero after initialisation.");
        return model;
    }

    /// <summary>Random initial states h0 (and c0 for LSTM) written into the model's next-forward state.</summary>
    public static void RandomInitialState(SequenceModel<double> model, int batch, Rng rng)
    {
        Uniform(rng, model.InitialH(batch).Length, ParameterRange).CopyTo(model.InitialH(batch));
        Span<double> c = model.InitialC(batch);
        Uniform(rng, c.Length, ParameterRange).CopyTo(c);
    }

    /// <summary>The model's initial states as gradient targets (after a full backward).</summary>
    public static List<GradientTarget> InitialStateTargets(SequenceModel<double> model, int batch)
    {
        var stack = model.Stack;
        int[] shape = [stack.Layers * stack.Directions, batch, stack.HiddenSize];
        var targets = new List<GradientTarget> { GradientTarget.Of("h0", shape, () => model.InitialH(batch), model.InitialHGradient) };
        if (model.Config.Cell.HasCellState())
            targets.Add(GradientTarget.Of("c0", shape, () => model.InitialC(batch), model.InitialCGradient));
        return targets;
    }

    // U(±0.5) with |v| >= 0.05, so no L1 kink and no vanishing multiplier sits near a parameter.
    private static void RandomizeAwayFromZero(Span<double> v, Rng rng)
    {
        for (int i = 0; i < v.Length; i++)
        {
            double u = rng.Uniform(-ParameterRange, ParameterRange);
            v[i] = Math.Abs(u) < 0.05 ? Math.CopySign(0.05, u) + u : u;
        }
    }
}
