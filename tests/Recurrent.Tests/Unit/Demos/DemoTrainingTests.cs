// The tasks' shared model set-up: the keep bias lands on the LSTM forget gate (block f of i,f,g,o) and on the
// GRU update gate (block z of r,z,n), all of it in bias_ih with bias_hh's block zero, as PyTorch adds the two.
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Demos;

namespace Recurrent.Tests.Demos;

public sealed class DemoTrainingTests
{
    [Theory]
    [InlineData(CellKind.Lstm, 1)]
    [InlineData(CellKind.Gru, 1)]
    public void KeepBiasGoesToTheForgetOrUpdateGate(CellKind cell, int block)
    {
        const int h = 8;
        var options = new SineForecastOptions { Cell = cell, HiddenSize = h, ForgetGateBias = 2.5 };
        var model = DemoTraining.CreateModel(new ModelConfig { Input = InputKind.Dense, InputSize = 1, OutputSize = 1 }, options);
        var ih = model.Parameters.Value(model.Parameters["rnn.bias_ih_l0"]).ToArray();
        var hh = model.Parameters.Value(model.Parameters["rnn.bias_hh_l0"]).ToArray();
        Assert.All(ih[(block * h)..((block + 1) * h)], v => Assert.Equal(2.5f, v));
        Assert.All(hh[(block * h)..((block + 1) * h)], v => Assert.Equal(0f, v));
        // the other gates keep their own initialisation
        Assert.All(ih[..h], v => Assert.NotEqual(2.5f, v));
        Assert.All(ih[((block + 1) * h)..], v => Assert.NotEqual(2.5f, v));
        Assert.Equal(h, model.Config.HiddenSize);
        Assert.Equal(cell, model.Config.Cell);
    }

    [Fact]
    public void TheElmanRnnHasNoGateToBias()
    {
        var options = new SineForecastOptions { Cell = CellKind.RnnTanh, HiddenSize = 8, ForgetGateBias = 2.5 };
        var model = DemoTraining.CreateModel(new ModelConfig { Input = InputKind.Dense, InputSize = 1, OutputSize = 1 }, options);
        Assert.DoesNotContain(model.Parameters.Value(model.Parameters["rnn.bias_ih_l0"]).ToArray(), v => v == 2.5f);
    }
}
