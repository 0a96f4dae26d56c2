// PyTorch parity of a many-to-one SequenceModel (dense input → bidirectional 1-layer GRU → last-step
// feature cat(out[-1,:,:H], out[0,:,H:]) → Linear(2H, 2)) with MSE loss, against many_to_one_mse.json:
// prediction and loss to 1e-5, every parameter gradient and the input gradient to 1e-4.
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Tests.Support;
using Xunit.Abstractions;

namespace Recurrent.Tests.Parity;

public sealed class ManyToOneMseParityTests(ITestOutputHelper log)
{
    [Fact]
    public void MatchesTorchPredictionLossAndEveryGradient()
    {
        var fx = Fixture.Load("many_to_one_mse.json");
        Assert.Equal("gru", fx.Meta.GetProperty("cell").GetString());
        Assert.Equal("cat(out[-1,:,:H], out[0,:,H:])", fx.Meta.GetProperty("feature").GetString());
        int I = fx.MetaInt("input_size"), H = fx.MetaInt("hidden_size"), B = fx.MetaInt("batch"), T = fx.MetaInt("steps");
        int O = fx.MetaInt("outputs");
        var config = new ModelConfig
        {
            Input = InputKind.Dense,
            InputSize = I,
            Cell = CellKind.Gru,
            HiddenSize = H,
            Layers = fx.MetaInt("num_layers"),
            Bidirectional = fx.Meta.GetProperty("bidirectional").GetBoolean(),
            Head = HeadKind.LastStep,
            OutputSize = O,
        };
        var model = new SequenceModel<float>(config, seed: 1);
        ParityModels.LoadStateDict(model, fx, "grad.", "input");

        model.ResetState(); // PyTorch ran with zero initial state
        ReadOnlySpan<float> prediction = model.Forward(fx.Floats("input"), T, B, training: false);
        Fixture.AssertClose(log, "prediction", fx.Doubles("prediction"), prediction, 1e-5);

        var dPrediction = new float[B * O];
        double loss = MeanSquaredError.LossAndGradient<float>(prediction, fx.Floats("target"), O, ReadOnlySpan<float>.Empty,
            dPrediction, out int counted);
        Assert.Equal(B, counted);
        Fixture.AssertClose(log, "loss", fx.Doubles("loss"), [(float)loss], 1e-5);

        model.Parameters.ZeroGradients();
        model.Backward(dPrediction);
        foreach (var p in model.Parameters.Parameters)
            Fixture.AssertClose(log, "grad." + p.Name, fx.Doubles("grad." + p.Name), model.Parameters.Gradient(p), 1e-4);
        Fixture.AssertClose(log, "grad.input", fx.Doubles("grad.input"), model.InputGradient, 1e-4);
    }
}
