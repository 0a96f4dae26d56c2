// StepInference on layer-normalised LSTM/GRU and Mogrifier LSTM models (which step through a private copy of the
// model's stack, StackStepInference) gives, token by token, the logits of one forward pass over the whole sequence
// (to 1e-5), with random gains, biases and Mogrifier matrices, 2 layers, embedding, one-hot and tied inputs; HiddenState is
// the stack's state, Reset starts over, later training of the model does not reach the snapshot, the sampler and the
// inference session run on it, and a step allocates nothing once warm.
using Recurrent.Api;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Sampling;
using Recurrent.Tests.Support;

namespace Recurrent.Tests.Sampling;

public sealed class StructuredStepInferenceTests
{
    private const int Vocabulary = 23, Hidden = 13, Layers = 2;

    public static TheoryData<string> Structures => new()
    {
        "ln-lstm", "ln-gru", "mogrifier-5", "mogrifier-rank-2", "ln-lstm-onehot", "mogrifier-rank-2-onehot", "ln-gru-tied",
    };

    private static SequenceModel<float> Model(string name)
    {
        var config = new ModelConfig
        {
            Input = name.EndsWith("-onehot") ? InputKind.OneHot : InputKind.Embedding, InputSize = Vocabulary,
            EmbeddingSize = 9, Cell = name.StartsWith("ln-gru") ? CellKind.Gru : CellKind.Lstm,
            HiddenSize = Hidden, Layers = Layers, OutputSize = Vocabulary, TieWeights = name.EndsWith("-tied"),
            LayerNorm = name.StartsWith("ln-"),
            MogrifierRounds = name.StartsWith("mogrifier-rank-2") ? 4 : name.StartsWith("mogrifier-5") ? 5 : 0,
            MogrifierRank = name.StartsWith("mogrifier-rank-2") ? 2 : 0,
        };
        var model = new SequenceModel<float>(config, seed: 4);
        var rng = new Rng(6);
        // Gains away from 1, nonzero biases (cell bias included) and larger Mogrifier matrices, so every term counts.
        foreach (var p in model.Parameters.Parameters)
        {
            var v = model.Parameters.Value(p);
            if (p.Name.StartsWith("rnn.ln_") && p.Name.Contains("_weight_"))
                for (int i = 0; i < v.Length; i++) v[i] = (float)rng.Uniform(0.4, 1.6);
            else if (p.Role == Recurrent.Tensors.ParameterRole.Bias)
                for (int i = 0; i < v.Length; i++) v[i] = (float)rng.Uniform(-0.4, 0.4);
            else if (p.Name.Contains("mogrifier"))
                for (int i = 0; i < v.Length; i++) v[i] = (float)rng.Uniform(-0.6, 0.6);
        }
        return model;
    }

    private static int[] Tokens(int n, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => rng.NextInt(Vocabulary)).ToArray();
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string where)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int j = 0; j < expected.Length; j++)
            Assert.True(Math.Abs(expected[j] - actual[j]) <= 1e-5 * Math.Max(1, Math.Abs(expected[j])),
                $"{where} [{j}]: {actual[j]} vs {expected[j]}");
    }

    [Theory]
    [MemberData(nameof(Structures))]
    public void StepsEqualOneForwardOverTheWholeSequence(string name)
    {
        var model = Model(name);
        var inference = new StepInference(model);
        Assert.Equal(1, inference.Partitions);
        Assert.Equal(Vocabulary, inference.VocabularySize);
        foreach (int steps in new[] { 30, 9 }) // more tokens than vocabulary entries (the model's token path) and fewer (its dense path)
        {
            int[] tokens = Tokens(steps, (ulong)steps);
            model.ResetState();
            float[] full = model.Forward(tokens, steps, batch: 1, training: false).ToArray(); // (T, 1, V)
            float[] finalH = model.FinalH.ToArray();                                            // (L, 1, H)
            var first = new float[steps][];
            inference.Reset();
            for (int t = 0; t < steps; t++)
            {
                first[t] = inference.Step(tokens[t]).ToArray();
                AssertClose(full.AsSpan(t * Vocabulary, Vocabulary), first[t], $"{name} T={steps} step {t}");
            }
            for (int l = 0; l < Layers; l++)
                AssertClose(finalH.AsSpan(l * Hidden, Hidden), inference.HiddenState(l), $"{name} h of layer {l}");

            // Reset starts over from zero: the same tokens give the same bits.
            inference.Reset();
            for (int l = 0; l < Layers; l++) Assert.All(inference.HiddenState(l).ToArray(), v => Assert.Equal(0f, v));
            for (int t = 0; t < steps; t++)
                Assert.Equal(first[t], inference.Step(tokens[t]).ToArray());
        }
    }

    [Fact]
    public void TheSnapshotIgnoresLaterTrainingAndTheModelsStateIsUntouched()
    {
        var model = Model("mogrifier-rank-2");
        int[] tokens = Tokens(12, 3);
        model.Forward(tokens, tokens.Length, 1, training: false);
        model.CarryState();
        float[] carried = model.InitialH(1).ToArray();
        var inference = new StepInference(model);
        float[] before = tokens.SelectMany(t => inference.Step(t).ToArray()).ToArray();
        Assert.Equal(carried, model.InitialH(1).ToArray());

        var values = model.Parameters.Values;
        for (int i = 0; i < values.Length; i++) values[i] *= 1.1f;
        inference.Reset();
        Assert.Equal(before, tokens.SelectMany(t => inference.Step(t).ToArray()).ToArray());
        var retaken = new StepInference(model);
        Assert.NotEqual(before, tokens.SelectMany(t => retaken.Step(t).ToArray()).ToArray());
    }

    [Theory]
    [InlineData("ln-lstm")]
    [InlineData("mogrifier-5")]
    public void TheSessionAndTheSamplerRunOnIt(string name)
    {
        var model = Model(name);
        int[] tokens = Tokens(20, 8);
        float[] full = model.Forward(tokens, tokens.Length, 1, training: false).ToArray();
        InferenceSession session = model.CreateSession();
        for (int t = 0; t < tokens.Length; t++)
            AssertClose(full.AsSpan(t * Vocabulary, Vocabulary), session.Step(tokens[t]), $"session step {t}");

        // Greedy sampling picks each step's most probable token under StepInference's logits.
        var sampler = new TokenSampler(model, seed: 1);
        var inference = new StepInference(model);
        int token = 0;
        for (int i = 0; i < 15; i++)
        {
            float[] logits = inference.Step(token).ToArray();
            int next = sampler.Next(token, new SamplingOptions { ArgMax = true });
            Assert.Equal(Array.IndexOf(logits, logits.Max()), next);
            token = next;
        }
    }

    [Fact]
    public void OnlyOnePartitionIsAccepted()
    {
        var model = Model("ln-gru");
        Assert.Equal(1, new StepInference(model, partitions: 1).Partitions);
        Assert.Throws<ArgumentException>(() => new StepInference(model, partitions: 2));
    }

    [Theory]
    [InlineData("ln-lstm")]
    [InlineData("ln-gru")]
    [InlineData("mogrifier-rank-2-onehot")]
    public void AStepAllocatesNothingAfterWarmUp(string name)
    {
        var inference = new StepInference(Model(name));
        for (int i = 0; i < 5; i++) inference.Step(i % 3);
        Assert.Equal(0, Allocations.MinimumBytes(() =>
        {
            for (int i = 0; i < 100; i++) inference.Step(i % 7);
        }));
    }
}
