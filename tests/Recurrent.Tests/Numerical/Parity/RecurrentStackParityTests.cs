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
        bool bidi = fx.Meta.GetProperty("bidirectional").GetBoolean();
        var store = new ParameterStore<float>();
        var stack = new RecurrentStack<float>(store, "", kind, I, H, L, bidi);
        store.Seal();
        foreach (var p in store.Parameters) fx.Floats(p.Name).CopyTo(store.Value(p));
        AssertMatches(log, fx, stack, store, kind == CellKind.Lstm, gradientTolerance: 1e-4);
    }

    /// <summary>
    /// Runs the fixture's input and initial states through <paramref name="stack"/> (its parameters already loaded) and
    /// compares outputs and final states to 1e-5, then backpropagates loss = Σ output·w_output + Σ h_n·w_hn (+ Σ c_n·w_cn)
    /// and compares every parameter's, the input's and the initial states' gradients to <paramref name="gradientTolerance"/>.
    /// </summary>
    internal static void AssertMatches(ITestOutputHelper log, Fixture fx, RecurrentStack<float> stack, ParameterStore<float> store, bool lstm,
        double gradientTolerance)
    {
        int I = fx.MetaInt("input_size"), B = fx.MetaInt("batch"), T = fx.MetaInt("steps");
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
            Fixture.AssertClose(log, "grad." + p.Name, fx.Doubles("grad." + p.Name), store.Gradient(p), gradientTolerance);
        Fixture.AssertClose(log, "grad.input", fx.Doubles("grad.input"), dx, gradientTolerance);
        Fixture.AssertClose(log, "grad.h0", fx.Doubles("grad.h0"), dh0, gradientTolerance);
        if (lstm) Fixture.AssertClose(log, "grad.c0", fx.Doubles("grad.c0"), dc0, gradientTolerance);
    }
}
