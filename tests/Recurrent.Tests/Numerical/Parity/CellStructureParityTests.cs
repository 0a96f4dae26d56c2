// PyTorch parity of the layer-normalised LSTM and GRU and the Mogrifier LSTM (full rank; rank 2) against reference
// nn.Modules written in tools/fixtures/make_fixtures.py (torch has none of these cells): 2 bidirectional layers
// (1 unidirectional layer for the rank-2 Mogrifier), I=5, H=7, B=3, T=4, given initial states. Forward outputs and
// final states to 1e-5, every gradient (parameters, input, initial states) to 1e-4 — 3e-4 for the layer-normalised cells:
// dividing by a row's σ amplifies float32 rounding, and this case is sensitive to it (the exact, float64 gradients of
// the same weights differ from torch's float32 ones by up to 5e-3 relative; our float32 ones by at most 1.1e-4).
using Recurrent.Layers;
using Recurrent.Tensors;
using Recurrent.Tests.Support;
using Xunit.Abstractions;

namespace Recurrent.Tests.Parity;

public sealed class CellStructureParityTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("layernorm_lstm.json", CellKind.Lstm, true)]
    [InlineData("layernorm_gru.json", CellKind.Gru, true)]
    [InlineData("mogrifier_lstm.json", CellKind.Lstm, false)]
    [InlineData("mogrifier_lstm_rank.json", CellKind.Lstm, false)]
    public void MatchesTheReferenceModuleForwardAndEveryGradient(string file, CellKind kind, bool layerNorm)
    {
        var fx = Fixture.Load(file);
        int I = fx.MetaInt("input_size"), H = fx.MetaInt("hidden_size"), L = fx.MetaInt("num_layers");
        bool bidi = fx.Meta.GetProperty("bidirectional").GetBoolean();
        int rounds = layerNorm ? 0 : fx.MetaInt("rounds"), rank = layerNorm ? 0 : fx.MetaInt("rank");
        var store = new ParameterStore<float>();
        var stack = new RecurrentStack<float>(store, "", kind, I, H, L, bidi, layerNorm: layerNorm, mogrifierRounds: rounds, mogrifierRank: rank);
        store.Seal();
        foreach (var p in store.Parameters) fx.Floats(p.Name).CopyTo(store.Value(p));
        // Every tensor of the reference's state_dict is one of ours: nothing extra on either side.
        var theirs = fx.Names.Where(n => !n.StartsWith("grad.", StringComparison.Ordinal) && !n.StartsWith("w_", StringComparison.Ordinal)
            && n is not ("input" or "h0" or "c0" or "output" or "hn" or "cn" or "loss")).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(theirs, store.Parameters.Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));
        RecurrentStackParityTests.AssertMatches(log, fx, stack, store, kind == CellKind.Lstm, gradientTolerance: layerNorm ? 3e-4 : 1e-4);
    }
}
