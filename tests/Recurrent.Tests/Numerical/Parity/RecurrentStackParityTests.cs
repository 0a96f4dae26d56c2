// PyTorch parity of RecurrentStack against nn.RNN (tanh, relu), nn.LSTM and nn.GRU: 2 layers,
// bidirectional, odd sizes (I=5, H=7, B=3, T=4), given initial states. Forward outputs and final states
// to 1e-5, every gradient (parameters, input, initial states) to 1e-4.
using Recurrent.Layers;
using Recurrent.Tensors;
using Recurrent.Tests.Support;
using Xunit.Abstractions;

namespace Recurrent.Tests.Parity;

public sealed class RecurrentStackParityTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("rnn_tanh.json", CellKind.RnnTanh)]
    [InlineData("rnn_relu.json", CellKind.RnnRelu)]
    [InlineData("lstm.json", CellKind.Lstm)]
    [InlineData("gru.json", CellKind.Gru)]
    public void MatchesTorchForwardAndEveryGradient(string file, CellKind kind)
    {
        var fx = Fixture.Load(file);
        int I = fx.MetaInt("input_size"), H = fx.MetaInt("hidden_size"), L = fx.MetaInt("num_layers");
        int B = fx.MetaInt("batch"), T = fx.MetaInt("steps");
        bool bidi = fx.Meta.GetProperty("bidirectional").GetBoolean();
        var store = new ParameterStore<float>();
        var stack = new RecurrentStack<float>(store, "", kind, I, H, L, bidi);
        store.Seal();
        foreach (var p in store.Parameters) fx.Floats(p.Name).CopyTo(store.Value(p));
        bool lstm = kind == CellKind.Lstm;

        stack.Forward(fx.Floats("input"), T, B, fx.Floats("h0"), lstm ? fx.Floats("c0") : default, training: false, null);
        Fixture.AssertClose(log, "output", fx.Doubles("output"), stack.Output, 1e-5);
        Fixture.AssertClose(log, "hn", fx.Doubles("hn"), stack.FinalH, 1e-5);
        if (lstm) Fixture.AssertClose(log, "cn", fx.Doubles("cn"), stack.FinalC, 1e-5);

        // loss = sum(output*w_output) + sum(hn*w_hn) [+ sum(cn*w_cn)], so dOutput = w_output etc.
        var dx = new float[T * B * I];
        var dh0 = new float[stack.StateSize(B)];
        var dc0 = lstm ? new float[stack.StateSize(B)] : [];
        stack.Backward(fx.Floats("w_output"), fx.Floats("w_hn"), lstm ? fx.Floats("w_cn") : default, dx, dh0, dc0, T);
        foreach (var p in store.Parameters)
            Fixture.AssertClose(log, "grad." + p.Name, fx.Doubles("grad." + p.Name), store.Gradient(p), 1e-4);
        Fixture.AssertClose(log, "grad.input", fx.Doubles("grad.input"), dx, 1e-4);
        Fixture.AssertClose(log, "grad.h0", fx.Doubles("grad.h0"), dh0, 1e-4);
        if (lstm) Fixture.AssertClose(log, "grad.c0", fx.Doubles("grad.c0"), dc0, 1e-4);
    }
}
