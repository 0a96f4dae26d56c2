// The fluent builder gives exactly the ModelConfig (and so the weights) of the equivalent explicit
// configuration, for every input, cell and head option; wrong values and missing parts fail with messages that
// name the value.
using Recurrent.Api;
using Recurrent.Initialization;
using Recurrent.Layers;
using Recurrent.Models;

namespace Recurrent.Tests.Api;

public sealed class SequenceModelBuilderTests
{
    [Fact]
    public void EmbeddingLstmDenseMatchesTheExplicitConfiguration()
    {
        var built = Model.Sequence().Embedding(65, 16).Lstm(32, layers: 2, dropout: 0.2).Dense(65).Build(seed: 7);
        var expected = new ModelConfig
        {
            Input = InputKind.Embedding, InputSize = 65, EmbeddingSize = 16, Cell = CellKind.Lstm, HiddenSize = 32,
            Layers = 2, Dropout = 0.2, OutputSize = 65,
        };
        Assert.Equal(expected, built.Config);
        var direct = new SequenceModel<float>(expected, seed: 7);
        Assert.Equal(direct.Parameters.Values, built.Parameters.Values);
    }

    [Fact]
    public void CellStructuresReachTheConfigurationAndTheirCombinationsAreChecked()
    {
        var ln = Model.Sequence().Embedding(20, 8).Gru(6, layers: 2).LayerNorm().Dense(20).Build(seed: 3);
        Assert.True(ln.Config.LayerNorm);
        Assert.Contains(ln.Parameters.Parameters, p => p.Name == "rnn.ln_hh_weight_l1");
        Assert.All(ln.Parameters.Parameters.Where(p => p.Name.Contains("ln_", StringComparison.Ordinal)),
            p => Assert.All(ln.Parameters.Value(p).ToArray(), v => Assert.Equal(1f, v))); // gains start at 1 (a GRU has no cell bias)
        var mog = Model.Sequence().Embedding(20, 8).Lstm(6).Mogrifier(4, rank: 2).Dense(20).Build(seed: 3);
        Assert.Equal((4, 2), (mog.Config.MogrifierRounds, mog.Config.MogrifierRank));
        Assert.Equal(4 * 2, mog.Parameters.Parameters.Count(p => p.Name.StartsWith("rnn.mogrifier_", StringComparison.Ordinal)));
        Assert.Equal(ModelMemory.ParameterCount(mog.Config), mog.Parameters.Count);
        Assert.Equal(ModelMemory.ParameterCount(ln.Config), ln.Parameters.Count);

        var gruMogrifier = Assert.Throws<ArgumentException>(() => Model.Sequence().Embedding(5).Gru(4).Mogrifier().Dense(5).ToConfig());
        Assert.Equal("MogrifierRounds", gruMogrifier.ParamName);
        Assert.Contains("LSTM", gruMogrifier.Message, StringComparison.Ordinal);
        var both = Assert.Throws<ArgumentException>(() => Model.Sequence().Embedding(5).Lstm(4).LayerNorm().Mogrifier().Dense(5).ToConfig());
        Assert.Contains("choose one", both.Message, StringComparison.Ordinal);
        var peep = Assert.Throws<ArgumentException>(() => Model.Sequence().Embedding(5).Lstm(4, peepholes: true).LayerNorm().Dense(5).ToConfig());
        Assert.Equal("Peepholes", peep.ParamName);
        Assert.Throws<ArgumentException>(() => Model.Sequence().Embedding(5).Rnn(4).LayerNorm().Dense(5).ToConfig());
        Assert.Throws<ArgumentException>(() => Model.Sequence().Embedding(5).Lstm(4).Mogrifier(0).Dense(5).ToConfig());
    }

    [Fact]
    public void EveryOptionReachesTheConfiguration()
    {
        var config = Model.Sequence().OneHot(10).Rnn(8, layers: 3, activation: RnnActivation.Relu).Bidirectional()
            .Dense(4).LastStep().InitWeights(WeightInit.Uniform, 0.05).InitRecurrent(WeightInit.Identity, gain: 0.5).ToConfig();
        Assert.Equal(InputKind.OneHot, config.Input);
        Assert.Equal(10, config.InputSize);
        Assert.Equal(CellKind.RnnRelu, config.Cell);
        Assert.Equal(3, config.Layers);
        Assert.True(config.Bidirectional);
        Assert.Equal(HeadKind.LastStep, config.Head);
        Assert.Equal(WeightInit.Uniform, config.WeightInit);
        Assert.Equal(0.05, config.UniformRange);
        Assert.Equal(WeightInit.Identity, config.RecurrentInit);
        Assert.Equal(0.5, config.InitGain);

        var gru = Model.Sequence().Input(3).Gru(5).Dense(2).ForgetGateBias(null).ToConfig();
        Assert.Equal((InputKind.Dense, 3, CellKind.Gru, 5, 2, (double?)null), (gru.Input, gru.InputSize, gru.Cell, gru.HiddenSize, gru.OutputSize, gru.ForgetGateBias));
        Assert.True(Model.Sequence().Embedding(5).Lstm(4, peepholes: true).Dense(5).ToConfig().Peepholes);
        Assert.Equal(CellKind.RnnTanh, Model.Sequence().OneHot(5).Rnn(4).Dense(5).ToConfig().Cell);
        Assert.Equal(HeadKind.PerStep, Model.Sequence().OneHot(5).Rnn(4).Dense(5).LastStep().PerStep().ToConfig().Head);
    }

    [Fact]
    public void BuildersAreImmutableAndReusable()
    {
        var stem = Model.Sequence().Embedding(20, 8);
        var lstm = stem.Lstm(16).Dense(20).ToConfig();
        var gru = stem.Gru(12).Dense(20).ToConfig();
        Assert.Equal(CellKind.Lstm, lstm.Cell);
        Assert.Equal(CellKind.Gru, gru.Cell);
        Assert.Equal(12, gru.HiddenSize);
    }

    [Fact]
    public void BadValuesAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => Model.Sequence().Embedding(65).Lstm(0));
        Assert.Contains("Lstm: hidden must be positive, got 0", e.Message);
        Assert.Equal("hidden", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Model.Sequence().Embedding(65).Gru(8, dropout: 1.5));
        Assert.Contains("dropout must be in [0, 1), got 1.5", e.Message);
        e = Assert.Throws<ArgumentException>(() => Model.Sequence().Embedding(-3));
        Assert.Contains("vocabulary must be positive, got -3", e.Message);
        e = Assert.Throws<ArgumentException>(() => Model.Sequence().Input(2).Rnn(4, layers: -1));
        Assert.Contains("layers must be positive, got -1", e.Message);
        e = Assert.Throws<ArgumentException>(() => Model.Sequence().InitWeights(WeightInit.Orthogonal));
        Assert.Contains("recurrent weights only", e.Message);
    }

    [Fact]
    public void MissingOrRepeatedPartsAreExplained()
    {
        Assert.Contains("no input", Assert.Throws<InvalidOperationException>(() => Model.Sequence().Lstm(4).Dense(3).Build()).Message);
        Assert.Contains("no recurrent stack", Assert.Throws<InvalidOperationException>(() => Model.Sequence().OneHot(3).Dense(3).Build()).Message);
        Assert.Contains("Dense(outputs)", Assert.Throws<InvalidOperationException>(() => Model.Sequence().OneHot(3).Lstm(4).Build()).Message);
        Assert.Contains("already has a Lstm stack", Assert.Throws<InvalidOperationException>(() => Model.Sequence().OneHot(3).Lstm(4).Gru(4)).Message);
        Assert.Contains("already reads its input through OneHot", Assert.Throws<InvalidOperationException>(() => Model.Sequence().OneHot(3).Embedding(3)).Message);
    }

    [Fact]
    public void DoublePrecisionBuildHasTheSameWeights()
    {
        var builder = Model.Sequence().OneHot(6).Gru(5).Dense(6);
        var f = builder.Build(seed: 3);
        var d = builder.Build<double>(seed: 3);
        Assert.Equal(f.Parameters.Count, d.Parameters.Count);
        for (int i = 0; i < f.Parameters.Count; i++) Assert.Equal(f.Parameters.Values[i], (float)d.Parameters.Values[i], 6);
    }

    [Fact]
    public void ActivationsReachTheConfigurationAndTheStack()
    {
        var lstm = Model.Sequence().Embedding(9, 4).Lstm(6, activation: CellActivation.Softsign, gateActivation: GateActivation.HardSigmoid).Dense(9);
        Assert.Equal(CellActivation.Softsign, lstm.ToConfig().Activation);
        Assert.Equal(GateActivation.HardSigmoid, lstm.ToConfig().GateActivation);
        var built = lstm.Build(seed: 1);
        Assert.Equal(CellActivation.Softsign, built.Stack.Activation);
        Assert.Equal(GateActivation.HardSigmoid, built.Stack.GateActivation);

        var gru = Model.Sequence().Input(3).Gru(5, gateActivation: GateActivation.HardSigmoid).Dense(1).ToConfig();
        Assert.Equal((CellKind.Gru, CellActivation.Tanh, GateActivation.HardSigmoid), (gru.Cell, gru.Activation, gru.GateActivation));

        // The softsign RNN is the tanh RNN with its squashing function swapped; ReLU stays its own cell.
        var rnn = Model.Sequence().Input(3).Rnn(5, activation: RnnActivation.Softsign).Dense(1).ToConfig();
        Assert.Equal((CellKind.RnnTanh, CellActivation.Softsign), (rnn.Cell, rnn.Activation));
        var relu = Model.Sequence().Input(3).Rnn(5, activation: RnnActivation.Relu).Dense(1).ToConfig();
        Assert.Equal((CellKind.RnnRelu, CellActivation.Tanh), (relu.Cell, relu.Activation));

        var defaults = Model.Sequence().Input(3).Lstm(5).Dense(1).ToConfig();
        Assert.Equal((CellActivation.Tanh, GateActivation.Sigmoid), (defaults.Activation, defaults.GateActivation));
    }

    [Fact]
    public void BadActivationsAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => Model.Sequence().Input(2).Lstm(4, activation: (CellActivation)7));
        Assert.Contains("Lstm: activation must be Tanh or Softsign, got 7", e.Message);
        Assert.Equal("activation", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Model.Sequence().Input(2).Gru(4, gateActivation: (GateActivation)3));
        Assert.Contains("Gru: gateActivation must be Sigmoid or HardSigmoid, got 3", e.Message);
        e = Assert.Throws<ArgumentException>(() => Model.Sequence().Input(2).Rnn(4, activation: (RnnActivation)9));
        Assert.Contains("Tanh, Relu or Softsign", e.Message);
        // A hand-made configuration that asks an RNN for gates is refused by the model, naming the setting.
        e = Assert.Throws<ArgumentException>(() => new Recurrent.Models.SequenceModel<float>(
            Model.Sequence().Input(2).Rnn(4).Dense(1).ToConfig() with { GateActivation = GateActivation.HardSigmoid }, 1));
        Assert.Equal("GateActivation", e.ParamName);
        Assert.Contains("needs an LSTM or GRU cell", e.Message);
    }
}
