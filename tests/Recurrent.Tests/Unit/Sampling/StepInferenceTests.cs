// StepInference (the batch-1 generation path with transposed weights and a per-token input table) gives the
// same logits as the training model run one step at a time with carried state, for every cell, embedding and
// one-hot inputs, peepholes and 2 layers, and every activation combination; it leaves the model's own state alone;
// Gemv against a scalar loop.
using Recurrent.Kernels;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Sampling;

namespace Recurrent.Tests.Sampling;

public sealed class StepInferenceTests
{
    // Every cell and input kind, with the weights in one partition and cut in two (37 units: 19 + 18).
    public static TheoryData<CellKind, InputKind, bool, int> Cases
    {
        get
        {
            var data = new TheoryData<CellKind, InputKind, bool, int>();
            foreach (int partitions in new[] { 1, 2 })
            {
                data.Add(CellKind.Lstm, InputKind.Embedding, false, partitions);
                data.Add(CellKind.Lstm, InputKind.OneHot, true, partitions);
                data.Add(CellKind.Gru, InputKind.Embedding, false, partitions);
                data.Add(CellKind.Gru, InputKind.OneHot, false, partitions);
                data.Add(CellKind.RnnTanh, InputKind.Embedding, false, partitions);
                data.Add(CellKind.RnnRelu, InputKind.OneHot, false, partitions);
            }
            return data;
        }
    }

    // Each non-default activation combination, with one and two partitions.
    public static TheoryData<CellKind, GateActivation, CellActivation, int> ActivationCases
    {
        get
        {
            var data = new TheoryData<CellKind, GateActivation, CellActivation, int>();
            foreach (int partitions in new[] { 1, 2 })
            {
                foreach (var cell in new[] { CellKind.Lstm, CellKind.Gru })
                {
                    data.Add(cell, GateActivation.Sigmoid, CellActivation.Softsign, partitions);
                    data.Add(cell, GateActivation.HardSigmoid, CellActivation.Tanh, partitions);
                    data.Add(cell, GateActivation.HardSigmoid, CellActivation.Softsign, partitions);
                }
                data.Add(CellKind.RnnTanh, GateActivation.Sigmoid, CellActivation.Softsign, partitions);
            }
            return data;
        }
    }

    private static SequenceModel<float> Model(CellKind cell, InputKind input, bool peepholes, int hidden = 37,
        GateActivation gate = GateActivation.Sigmoid, CellActivation activation = CellActivation.Tanh)
    {
        var model = new SequenceModel<float>(new ModelConfig
        {
            Input = input, InputSize = 23, EmbeddingSize = 9, Cell = cell, HiddenSize = hidden, Layers = 2,
            Peepholes = peepholes, OutputSize = 23, WeightInit = Recurrent.Initialization.WeightInit.Uniform, UniformRange = 0.3,
            GateActivation = gate, Activation = activation,
        }, seed: 4);
        var rng = new Rng(6);
        // Nonzero biases and peepholes so every term of the snapshot is exercised.
        foreach (var p in model.Parameters.Parameters)
            if (p.Role == Recurrent.Tensors.ParameterRole.Bias || p.Name.Contains("peephole"))
            {
                var v = model.Parameters.Value(p);
                for (int i = 0; i < v.Length; i++) v[i] = (float)rng.Uniform(-0.3, 0.3);
            }
        return model;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheModelStepByStep(CellKind cell, InputKind input, bool peepholes, int partitions) =>
        CheckStepByStep(Model(cell, input, peepholes), partitions);

    [Theory]
    [MemberData(nameof(ActivationCases))]
    public void MatchesTheModelStepByStep_WithEachActivation(CellKind cell, GateActivation gate, CellActivation activation, int partitions) =>
        CheckStepByStep(Model(cell, InputKind.Embedding, peepholes: false, gate: gate, activation: activation), partitions);

    private static void CheckStepByStep(SequenceModel<float> model, int partitions)
    {
        var rng = new Rng(6);
        var inference = new StepInference(model, partitions);
        Assert.Equal(partitions, inference.Partitions);
        model.ResetState();
        int[] one = new int[1];
        for (int t = 0; t < 30; t++)
        {
            one[0] = rng.NextInt(23);
            float[] expected = model.Forward(one, 1, 1, training: false).ToArray();
            model.CarryState();
            ReadOnlySpan<float> actual = inference.Step(one[0]);
            for (int j = 0; j < expected.Length; j++)
                Assert.True(Math.Abs(expected[j] - actual[j]) <= 2e-5 * Math.Max(1, Math.Abs(expected[j])),
                    $"step {t} logit {j}: {actual[j]} vs {expected[j]}");
        }
        inference.Reset();
        Assert.All(inference.HiddenState(1).ToArray(), v => Assert.Equal(0f, v));
    }

    // The two partitions give the same bits whether the second core takes its half or the pool is busy and
    // this thread runs both: the split depends on the model, not on who is free.
    [Theory]
    [InlineData(CellKind.Lstm)]
    [InlineData(CellKind.Gru)]
    [InlineData(CellKind.RnnTanh)]
    public void PartitionedStepsAreTheSameBitsWhetherOrNotTheWorkerHelps(CellKind cell)
    {
        var model = Model(cell, InputKind.Embedding, peepholes: false, hidden: 96);
        var pooled = new StepInference(model, partitions: 2);
        var alone = new StepInference(model, partitions: 2);
        var tokens = new Rng(9);
        for (int t = 0; t < 20; t++)
        {
            int token = tokens.NextInt(23);
            float[] a = pooled.Step(token).ToArray();
            float[] b;
            // Holding the pool makes `alone` run both partitions on this thread (other tests' GEMMs may hold it briefly).
            Assert.True(SpinWait.SpinUntil(WorkerPool.TryEnter, TimeSpan.FromSeconds(30)), "the worker pool stayed busy");
            try { b = alone.Step(token).ToArray(); }
            finally { WorkerPool.Exit(); }
            Assert.Equal(a.Select(BitConverter.SingleToInt32Bits), b.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void LargeModelsAreSplitAndSmallOnesAreNot()
    {
        var small = new SequenceModel<float>(new ModelConfig { InputSize = 65, HiddenSize = 128, Layers = 2, OutputSize = 65 }, seed: 1);
        var large = new SequenceModel<float>(new ModelConfig { InputSize = 65, Cell = CellKind.Gru, HiddenSize = 256, Layers = 2, OutputSize = 65 }, seed: 1);
        Assert.Equal(1, new StepInference(small).Partitions);
        Assert.Equal(2, new StepInference(large).Partitions);
    }

    [Fact]
    public void SamplingDoesNotTouchTheModelsCarriedState()
    {
        var model = new SequenceModel<float>(new ModelConfig
        {
            Input = InputKind.Embedding, InputSize = 7, Cell = CellKind.Gru, HiddenSize = 8, OutputSize = 7,
        }, seed: 1);
        model.Forward([1, 2, 3], 3, 1, training: false);
        model.CarryState();
        float[] before = model.InitialH(1).ToArray();
        var sampler = new TokenSampler(model, seed: 3);
        int token = 0;
        for (int i = 0; i < 10; i++) token = sampler.Next(token, new SamplingOptions());
        Assert.Equal(before, model.InitialH(1).ToArray());
    }

    [Fact]
    public void GemvMatchesAScalarLoop()
    {
        var rng = new Rng(2);
        foreach (int k in new[] { 0, 1, 5, 37, 128 })
            for (int n = 0; n <= 300; n += (n < 70 ? 1 : 23))
            {
                var x = Enumerable.Range(0, k).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
                var w = Enumerable.Range(0, k * n).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
                var y0 = Enumerable.Range(0, n).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
                foreach (bool accumulate in new[] { false, true })
                {
                    var y = (float[])y0.Clone();
                    Gemv.RowTimesMatrix(x, w, y, accumulate);
                    for (int j = 0; j < n; j++)
                    {
                        double s = accumulate ? y0[j] : 0;
                        for (int p = 0; p < k; p++) s += (double)x[p] * w[p * n + j];
                        Assert.True(Math.Abs(s - y[j]) <= 1e-5 * Math.Sqrt(k + 1), $"k={k} n={n} j={j}: {y[j]} vs {s}");
                    }
                }
            }
    }
}
