// OnnxExportTests: models exported by OnnxExport run in ONNX Runtime (Microsoft.ML.OnnxRuntime, tests only) and
// give Recurrent's outputs and final states to 1e-4 — RNN tanh/relu, LSTM (2 layers, bidirectional, peepholes),
// GRU; embedding, one-hot and dense inputs; per-step and last-step heads; every activation combination (LSTM and GRU ×
// gates sigmoid | hard sigmoid × cell tanh | softsign, the softsign RNN; one and two directions), written as the
// operators' `activations` attribute — with non-zero initial states, for whole sequences and step by step with the
// final states fed back as the next step's initial states; weight-tied models (written untied) too.
// The PyTorch fixtures close the triangle: torch's outputs = ONNX Runtime's on the imported, exported model.
// Layer-normalised and Mogrifier models are refused (library: ArgumentException; CLI: exit code 2) with a message
// saying why and pointing to --format pytorch, and nothing is written or replaced.
using Microsoft.ML.OnnxRuntime;
using Recurrent.Interop;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Tests.Cli;
using Recurrent.Tests.Support;
using Xunit.Abstractions;

namespace Recurrent.Tests.Interop;

public sealed class OnnxExportTests(ITestOutputHelper log)
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Configs() => new(Models.Keys.Order(StringComparer.Ordinal));

    /// <summary>The one-direction models: a reverse direction needs the whole sequence, so only these run step by step.</summary>
    public static TheoryData<string> UnidirectionalConfigs() => new(Models.Where(m => !m.Value.Bidirectional).Select(m => m.Key).Order(StringComparer.Ordinal));

    private static readonly Dictionary<string, ModelConfig> Models = new Dictionary<string, ModelConfig>
    {
        ["rnn_tanh_embedding"] = new() { Input = InputKind.Embedding, InputSize = 13, EmbeddingSize = 5, Cell = CellKind.RnnTanh, HiddenSize = 8, OutputSize = 13 },
        ["rnn_relu_onehot_2layer"] = new() { Input = InputKind.OneHot, InputSize = 9, Cell = CellKind.RnnRelu, HiddenSize = 6, Layers = 2, OutputSize = 9 },
        ["rnn_tanh_bidir_dense"] = new() { Input = InputKind.Dense, InputSize = 4, Cell = CellKind.RnnTanh, HiddenSize = 5, Bidirectional = true, OutputSize = 3 },
        ["lstm_2layer_bidir_embedding"] = new() { Input = InputKind.Embedding, InputSize = 11, EmbeddingSize = 6, Cell = CellKind.Lstm, HiddenSize = 7, Layers = 2, Bidirectional = true, OutputSize = 11 },
        ["lstm_2layer_embedding"] = new() { Input = InputKind.Embedding, InputSize = 11, EmbeddingSize = 6, Cell = CellKind.Lstm, HiddenSize = 7, Layers = 2, OutputSize = 11 },
        ["lstm_peephole_dense"] = new() { Input = InputKind.Dense, InputSize = 4, Cell = CellKind.Lstm, Peepholes = true, HiddenSize = 5, OutputSize = 2 },
        ["lstm_2layer_bidir_dense_laststep"] = new() { Input = InputKind.Dense, InputSize = 4, Cell = CellKind.Lstm, HiddenSize = 5, Layers = 2, Bidirectional = true, Head = HeadKind.LastStep, OutputSize = 3 },
        ["gru_2layer_embedding"] = new() { Input = InputKind.Embedding, InputSize = 11, EmbeddingSize = 6, Cell = CellKind.Gru, HiddenSize = 7, Layers = 2, OutputSize = 11 },
        ["gru_bidir_onehot"] = new() { Input = InputKind.OneHot, InputSize = 7, Cell = CellKind.Gru, HiddenSize = 6, Bidirectional = true, OutputSize = 7 },
        ["gru_dense_laststep"] = new() { Input = InputKind.Dense, InputSize = 3, Cell = CellKind.Gru, HiddenSize = 6, Head = HeadKind.LastStep, OutputSize = 2 },
        ["rnn_softsign_embedding"] = new() { Input = InputKind.Embedding, InputSize = 13, EmbeddingSize = 5, Cell = CellKind.RnnTanh, Activation = CellActivation.Softsign, HiddenSize = 8, OutputSize = 13 },
        ["rnn_softsign_2layer_bidir_dense"] = new() { Input = InputKind.Dense, InputSize = 4, Cell = CellKind.RnnTanh, Activation = CellActivation.Softsign, HiddenSize = 5, Layers = 2, Bidirectional = true, OutputSize = 3 },
        ["lstm_peephole_hardsigmoid_softsign_dense"] = new() { Input = InputKind.Dense, InputSize = 4, Cell = CellKind.Lstm, Peepholes = true, HiddenSize = 5, OutputSize = 2, GateActivation = GateActivation.HardSigmoid, Activation = CellActivation.Softsign },
        // Weight tying: exported as the untied equivalent (head.weight = the table, times the projection when E ≠ H).
        ["lstm_tied_projection_embedding"] = new() { Input = InputKind.Embedding, InputSize = 11, EmbeddingSize = 6, Cell = CellKind.Lstm, HiddenSize = 7, Layers = 2, OutputSize = 11, TieWeights = true },
        ["gru_tied_embedding"] = new() { Input = InputKind.Embedding, InputSize = 11, EmbeddingSize = 7, Cell = CellKind.Gru, HiddenSize = 7, OutputSize = 11, TieWeights = true },
    }.Concat(ActivationModels()).ToDictionary();

    // LSTM and GRU with every non-default (gate, cell) pair: unidirectional with embedding (also run step by step) and
    // two-layer bidirectional with dense input and a last-step head.
    private static IEnumerable<KeyValuePair<string, ModelConfig>> ActivationModels()
    {
        foreach (var cell in new[] { CellKind.Lstm, CellKind.Gru })
            foreach (var gate in Enum.GetValues<GateActivation>())
                foreach (var act in Enum.GetValues<CellActivation>())
                {
                    if (gate == GateActivation.Sigmoid && act == CellActivation.Tanh) continue;
                    string name = $"{cell.ToString().ToLowerInvariant()}_{gate.ToString().ToLowerInvariant()}_{act.ToString().ToLowerInvariant()}";
                    yield return new(name + "_embedding", new() { Input = InputKind.Embedding, InputSize = 11, EmbeddingSize = 6, Cell = cell, HiddenSize = 7, OutputSize = 11, GateActivation = gate, Activation = act });
                    yield return new(name + "_2layer_bidir_dense_laststep", new() { Input = InputKind.Dense, InputSize = 4, Cell = cell, HiddenSize = 5, Layers = 2, Bidirectional = true, Head = HeadKind.LastStep, OutputSize = 3, GateActivation = gate, Activation = act });
                }
    }

    /// <summary>A seeded model with every parameter (biases, peepholes included) drawn from U(±0.6), so no part is trivially zero.</summary>
    private static SequenceModel<float> Build(ModelConfig config, ulong seed)
    {
        var model = new SequenceModel<float>(config, seed);
        var rng = new Rng(seed + 100);
        var values = model.Parameters.Values;
        for (int i = 0; i < values.Length; i++) values[i] = (float)rng.Uniform(-0.6, 0.6);
        return model;
    }

    private sealed record Case(float[] Features, long[] Tokens, float[] H0, float[] C0, int Steps, int Batch);

    private static Case MakeCase(ModelConfig c, int steps, int batch, ulong seed)
    {
        var rng = new Rng(seed);
        int state = c.Layers * (c.Bidirectional ? 2 : 1) * batch * c.HiddenSize;
        var features = c.Input == InputKind.Dense ? Enumerable.Range(0, steps * batch * c.InputSize).Select(_ => (float)rng.NextGaussian()).ToArray() : [];
        var tokens = c.Input == InputKind.Dense ? [] : Enumerable.Range(0, steps * batch).Select(_ => (long)rng.NextInt(c.InputSize)).ToArray();
        var h0 = Enumerable.Range(0, state).Select(_ => (float)rng.Uniform(-0.8, 0.8)).ToArray();
        var c0 = c.Cell.HasCellState() ? Enumerable.Range(0, state).Select(_ => (float)rng.Uniform(-0.8, 0.8)).ToArray() : [];
        return new Case(features, tokens, h0, c0, steps, batch);
    }

    /// <summary>Runs the session on steps [from, from+count) of the case, starting from the given state.</summary>
    private static (float[] Output, float[] H, float[] C) RunOnnx(InferenceSession session, ModelConfig c, Case k, int from, int count, float[] h0, float[] c0)
    {
        int b = k.Batch, rows = c.Layers * (c.Bidirectional ? 2 : 1);
        var inputs = new Dictionary<string, OrtValue>();
        try
        {
            if (c.Input == InputKind.Dense)
                inputs[OnnxExport.FeaturesInput] = OrtValue.CreateTensorValueFromMemory(k.Features.AsSpan(from * b * c.InputSize, count * b * c.InputSize).ToArray(), [count, b, c.InputSize]);
            else
                inputs[OnnxExport.TokensInput] = OrtValue.CreateTensorValueFromMemory(k.Tokens.AsSpan(from * b, count * b).ToArray(), [count, b]);
            inputs[OnnxExport.InitialH] = OrtValue.CreateTensorValueFromMemory((float[])h0.Clone(), [rows, b, c.HiddenSize]);
            if (c.Cell.HasCellState()) inputs[OnnxExport.InitialC] = OrtValue.CreateTensorValueFromMemory((float[])c0.Clone(), [rows, b, c.HiddenSize]);
            var names = c.Cell.HasCellState() ? new[] { OnnxExport.Output, OnnxExport.FinalH, OnnxExport.FinalC } : new[] { OnnxExport.Output, OnnxExport.FinalH };
            using var options = new RunOptions();
            using var results = session.Run(options, inputs, names);
            return (results[0].GetTensorDataAsSpan<float>().ToArray(), results[1].GetTensorDataAsSpan<float>().ToArray(),
                c.Cell.HasCellState() ? results[2].GetTensorDataAsSpan<float>().ToArray() : []);
        }
        finally { foreach (var v in inputs.Values) v.Dispose(); }
    }

    private static void RunRecurrent(SequenceModel<float> model, Case k)
    {
        k.H0.CopyTo(model.InitialH(k.Batch));
        if (k.C0.Length > 0) k.C0.CopyTo(model.InitialC(k.Batch));
        if (model.Config.Input == InputKind.Dense) model.Forward(k.Features, k.Steps, k.Batch, training: false);
        else model.Forward(k.Tokens.Select(t => (int)t).ToArray(), k.Steps, k.Batch, training: false);
    }

    private double Close(string label, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, double.IsNaN(actual[i]) ? double.PositiveInfinity : Math.Abs(expected[i] - actual[i]));
        log.WriteLine($"{label,-52} max abs diff {worst:E2}");
        Assert.True(worst <= Tolerance, $"{label}: max abs difference {worst:E3} exceeds {Tolerance:E1}");
        return worst;
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void OnnxRuntime_MatchesRecurrent_WholeSequence(string name)
    {
        var c = Models[name];
        var model = Build(c, 42);
        using var session = new InferenceSession(OnnxExport.ToBytes(model));
        var k = MakeCase(c, steps: 7, batch: 3, seed: 9);
        RunRecurrent(model, k);
        var (output, h, cc) = RunOnnx(session, c, k, 0, k.Steps, k.H0, k.C0);
        Close($"{name} output", model.Output, output);
        Close($"{name} final_h", model.FinalH, h);
        if (c.Cell.HasCellState()) Close($"{name} final_c", model.FinalC, cc);
        // The check can fail: the outputs vary (a constant output would match a broken graph too easily).
        Assert.True(model.Output.ToArray().Distinct().Count() > model.Output.Length / 2);
    }

    [Theory]
    [MemberData(nameof(UnidirectionalConfigs))]
    public void OnnxRuntime_StepByStep_WithStatesFedBack_MatchesRecurrent(string name)
    {
        var c = Models[name];
        var model = Build(c, 43);
        using var session = new InferenceSession(OnnxExport.ToBytes(model));
        var k = MakeCase(c, steps: 6, batch: 2, seed: 10);
        RunRecurrent(model, k);
        float[] h = k.H0, cs = k.C0;
        int perStep = k.Batch * c.OutputSize;
        for (int t = 0; t < k.Steps; t++)
        {
            var (output, h1, c1) = RunOnnx(session, c, k, t, 1, h, cs);
            if (c.Head == HeadKind.PerStep) Close($"{name} step {t} output", model.Output.Slice(t * perStep, perStep), output);
            else if (t == k.Steps - 1) Close($"{name} last step output", model.Output, output);
            (h, cs) = (h1, c1);
        }
        Close($"{name} final_h after {k.Steps} steps", model.FinalH, h);
        if (c.Cell.HasCellState()) Close($"{name} final_c after {k.Steps} steps", model.FinalC, cs);
    }

    [Theory]
    [MemberData(nameof(InteropFixtures.OnnxCases), MemberType = typeof(InteropFixtures))]
    public void OnnxRuntime_OnImportedTorchModel_GivesTorchOutputs(string name)
    {
        var model = InteropFixtures.Import(name);
        var c = model.Config;
        var io = InteropFixtures.Io(name);
        var input = io.Find("input")!;
        var k = new Case(c.Input == InputKind.Dense ? input.Data : [], c.Input == InputKind.Dense ? [] : input.Data.Select(v => (long)v).ToArray(),
            io.Find("initial_h")!.Data, io.Find("initial_c")?.Data ?? [], input.Shape[0], input.Shape[1]);
        using var session = new InferenceSession(OnnxExport.ToBytes(model));
        var (output, h, cc) = RunOnnx(session, c, k, 0, k.Steps, k.H0, k.C0);
        Fixture.AssertClose(log, $"{name} torch vs ONNX Runtime output", InteropFixtures.D(io.Find("output")!.Data), output, Tolerance);
        Fixture.AssertClose(log, $"{name} torch vs ONNX Runtime final_h", InteropFixtures.D(io.Find("final_h")!.Data), h, Tolerance);
        if (io.Find("final_c") is { } fc) Fixture.AssertClose(log, $"{name} torch vs ONNX Runtime final_c", InteropFixtures.D(fc.Data), cc, Tolerance);
    }

    public static TheoryData<string> StructuredConfigs() => new(StructuredModels.Keys.Order(StringComparer.Ordinal));

    private static readonly Dictionary<string, ModelConfig> StructuredModels = new()
    {
        ["layernorm_lstm"] = new() { Input = InputKind.Embedding, InputSize = 11, EmbeddingSize = 6, Cell = CellKind.Lstm, HiddenSize = 7, LayerNorm = true, OutputSize = 11 },
        ["layernorm_gru_bidir_dense"] = new() { Input = InputKind.Dense, InputSize = 4, Cell = CellKind.Gru, HiddenSize = 5, Bidirectional = true, LayerNorm = true, OutputSize = 3 },
        ["mogrifier_lstm"] = new() { Input = InputKind.Embedding, InputSize = 11, EmbeddingSize = 6, Cell = CellKind.Lstm, HiddenSize = 7, MogrifierRounds = 5, OutputSize = 11 },
        ["mogrifier_lstm_rank2"] = new() { Input = InputKind.Dense, InputSize = 4, Cell = CellKind.Lstm, HiddenSize = 5, MogrifierRounds = 4, MogrifierRank = 2, Head = HeadKind.LastStep, OutputSize = 3 },
    };

    [Theory]
    [MemberData(nameof(StructuredConfigs))]
    public void StructuredModel_IsRefused_SayingWhy_AndLeavesAnExistingFileAlone(string name)
    {
        var c = StructuredModels[name];
        var model = Build(c, 44);
        var e = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(model));
        log.WriteLine(e.Message);
        Assert.Contains(c.LayerNorm ? "no layer normalisation" : "no gating of the input and state", e.Message);
        Assert.Contains($"ONNX {(c.Cell == CellKind.Gru ? "GRU" : "LSTM")} operator", e.Message);
        Assert.Contains("Loop/Scan", e.Message);
        Assert.Contains("--format pytorch", e.Message);
        Assert.Equal(e.Message, Assert.Throws<ArgumentException>(() => OnnxExport.CheckExportable(c)).Message);

        string dir = Directory.CreateTempSubdirectory("rnn-onnx-").FullName;
        try
        {
            string fresh = Path.Combine(dir, "fresh.onnx"), existing = Path.Combine(dir, "existing.onnx");
            File.WriteAllText(existing, "an earlier export");
            Assert.Throws<ArgumentException>(() => OnnxExport.Write(model, fresh));
            Assert.Throws<ArgumentException>(() => OnnxExport.Write(model, existing));
            Assert.False(File.Exists(fresh));
            Assert.Equal("an earlier export", File.ReadAllText(existing));
            Assert.Equal(["existing.onnx"], Directory.GetFiles(dir).Select(Path.GetFileName));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Theory]
    [MemberData(nameof(InteropFixtures.StructuredCases), MemberType = typeof(InteropFixtures))]
    public void StructuredTorchFixture_IsRefused(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(InteropFixtures.Import(name)));
        Assert.Contains("--format pytorch", e.Message);
    }

    [Fact]
    public void Cli_ExportOnnx_OfStructuredModels_Exits2_SaysWhy_AndWritesNothing()
    {
        string dir = Directory.CreateTempSubdirectory("rnn-onnx-").FullName;
        try
        {
            foreach (var (name, c) in new[] { ("layernorm_lstm", StructuredModels["layernorm_lstm"]), ("mogrifier_lstm_rank2", StructuredModels["mogrifier_lstm_rank2"]) })
            {
                string model = Path.Combine(dir, name + ".safetensors"), onnx = Path.Combine(dir, name + ".onnx");
                global::Recurrent.Serialization.ModelFile.Save(model, Build(c, 6));
                var r = CliRunner.Run("export", model, "--format", "onnx", "--out", onnx);
                log.WriteLine(r.Stderr);
                Assert.Equal(2, r.ExitCode);
                Assert.Contains($"cannot export '{model}' to ONNX", r.Stderr);
                Assert.Contains(c.LayerNorm ? "layer-normalised" : "Mogrifier", r.Stderr);
                Assert.Contains("Loop/Scan", r.Stderr);
                Assert.Contains("--format pytorch", r.Stderr);
                Assert.DoesNotContain("(Parameter", r.Stderr);
                Assert.False(File.Exists(onnx));
                // An existing file of that name is left as it was.
                File.WriteAllText(onnx, "an earlier export");
                r = CliRunner.Run("export", model, "--format", "onnx", "--out", onnx);
                Assert.Equal(2, r.ExitCode);
                Assert.Equal("an earlier export", File.ReadAllText(onnx));
                File.Delete(onnx);
                // The PyTorch export takes it.
                r = CliRunner.Run("export", model, "--format", "pytorch", "--out", Path.Combine(dir, name + "-pt"));
                Assert.True(r.ExitCode == 0, r.Stderr);
            }
            Assert.Empty(Directory.GetFiles(dir, "*.onnx"));
            Assert.Empty(Directory.GetFiles(dir, "*.json"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Cli_ExportOnnx_WritesAFileOnnxRuntimeLoads_AndRejectsUnknownFormats()
    {
        string dir = Directory.CreateTempSubdirectory("rnn-onnx-").FullName;
        try
        {
            string model = Path.Combine(dir, "m.safetensors"), onnx = Path.Combine(dir, "m.onnx");
            global::Recurrent.Serialization.ModelFile.Save(model, Build(Models["gru_2layer_embedding"], 5));
            var r = CliRunner.Run("export", model, "--format", "onnx", "--out", onnx);
            Assert.True(r.ExitCode == 0, r.Stderr);
            using (var session = new InferenceSession(onnx))
            {
                Assert.Equal([OnnxExport.TokensInput, OnnxExport.InitialH], session.InputNames);
                Assert.Equal([OnnxExport.Output, OnnxExport.FinalH], session.OutputNames);
            }
            r = CliRunner.Run("export", model, "--format", "keras", "--out", Path.Combine(dir, "k"));
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("unknown --format 'keras'; use pytorch or onnx", r.Stderr);
            r = CliRunner.Run("export", model, "--format", "onnx", "--out", dir);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("is a directory", r.Stderr);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
