// A session fed one token or frame at a time gives the same outputs as one forward pass over the whole
// sequence (to 1e-5), for token models (StepInference path) and dense / last-step models (T = 1 path);
// Reset starts over; the model's own carried state is untouched; unusable models and inputs are refused.
using Recurrent.Api;
using Recurrent.Models;
using Recurrent.Randomness;

namespace Recurrent.Tests.Api;

public sealed class InferenceSessionTests
{
    private static int[] Tokens(int n, int vocabulary, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => (int)(rng.NextUInt64() % (ulong)vocabulary)).ToArray();
    }

    public static TheoryData<string> TokenModels => new() { "embedding-lstm-2", "onehot-gru", "embedding-rnn-relu" };

    private static SequenceModel<float> TokenModel(string name) => name switch
    {
        "embedding-lstm-2" => Model.Sequence().Embedding(17, 6).Lstm(11, layers: 2).Dense(17).Build(seed: 1),
        "onehot-gru" => Model.Sequence().OneHot(17).Gru(9).Dense(17).Build(seed: 2),
        _ => Model.Sequence().Embedding(17).Rnn(8, activation: RnnActivation.Relu).Dense(17).Build(seed: 3),
    };

    [Theory]
    [MemberData(nameof(TokenModels))]
    public void TokenStepsEqualTheFullSequenceForward(string name)
    {
        var model = TokenModel(name);
        int[] tokens = Tokens(25, 17, 9);
        float[] full = model.Forward(tokens, steps: tokens.Length, batch: 1, training: false).ToArray();   // (T,1,V)
        var session = model.CreateSession();
        for (int pass = 0; pass < 2; pass++)   // the second pass checks Reset
        {
            for (int t = 0; t < tokens.Length; t++)
            {
                ReadOnlySpan<float> step = session.Step(tokens[t]);
                for (int v = 0; v < 17; v++) Assert.Equal(full[t * 17 + v], step[v], 1e-5f);
            }
            Assert.Equal(tokens.Length, session.Position);
            session.Reset();
        }
    }

    [Fact]
    public void DenseFramesEqualTheFullSequenceForward()
    {
        var model = Model.Sequence().Input(4).Lstm(7, layers: 2).Dense(3).Build(seed: 5);
        var rng = new Rng(11);
        int steps = 12;
        float[] frames = Enumerable.Range(0, steps * 4).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();   // (T,1,F)
        float[] full = model.Forward(frames, steps, batch: 1, training: false).ToArray();
        var session = model.CreateSession();
        for (int t = 0; t < steps; t++)
        {
            ReadOnlySpan<float> step = session.Step(frames.AsSpan(t * 4, 4));
            for (int o = 0; o < 3; o++) Assert.Equal(full[t * 3 + o], step[o], 1e-5f);
        }
    }

    [Fact]
    public void LastStepHeadGivesTheOutputOfEachPrefix()
    {
        var model = Model.Sequence().Input(2).Gru(6).Dense(3).LastStep().Build(seed: 8);
        var rng = new Rng(12);
        float[] frames = Enumerable.Range(0, 10 * 2).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        var session = model.CreateSession();
        for (int t = 0; t < 10; t++)
        {
            float[] stepOut = session.Step(frames.AsSpan(t * 2, 2)).ToArray();
            model.ResetState();
            float[] prefix = model.Forward(frames.AsSpan(0, (t + 1) * 2), t + 1, batch: 1, training: false).ToArray();
            for (int o = 0; o < 3; o++) Assert.Equal(prefix[o], stepOut[o], 1e-5f);
        }
    }

    [Fact]
    public void TheModelsCarriedStateIsUntouched()
    {
        var model = Model.Sequence().Input(2).Lstm(4).Dense(1).Build(seed: 1);
        model.InitialH(3).Fill(0.25f);
        var session = model.CreateSession();
        session.Step([0.5f, -0.5f]);
        Assert.All(model.InitialH(3).ToArray(), v => Assert.Equal(0.25f, v));
    }

    [Fact]
    public void WrongModelsAndInputsAreRefused()
    {
        var bi = Model.Sequence().OneHot(5).Lstm(4).Bidirectional().Dense(5).Build();
        Assert.Contains("bidirectional", Assert.Throws<ArgumentException>(() => bi.CreateSession()).Message);
        var tokens = TokenModel("onehot-gru").CreateSession();
        Assert.Contains("Token id 17 is outside the vocabulary [0, 17)", Assert.Throws<ArgumentException>(() => tokens.Step(17)).Message);
        Assert.Throws<InvalidOperationException>(() => tokens.Step([1f]));
        var dense = Model.Sequence().Input(3).Gru(4).Dense(2).Build().CreateSession();
        Assert.Contains("The frame has 2 values; this model reads 3", Assert.Throws<ArgumentException>(() => dense.Step([1f, 2f])).Message);
        Assert.Throws<InvalidOperationException>(() => dense.Step(0));
    }
}
