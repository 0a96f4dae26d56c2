// Seq2SeqExportTests: the encoder and decoder graphs of Seq2SeqExport, for every cell and one or two layers, give in
// ONNX Runtime the encoder's final states and the teacher-forced decoder logits and states of Recurrent's
// Seq2SeqModel; the PyTorch example holds that model's own outputs.
using Microsoft.ML.OnnxRuntime;
using Recurrent.Interop;
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Seq2Seq;

namespace Recurrent.Tests.Interop;

public sealed class Seq2SeqExportTests
{
    private const double Tolerance = 1e-4;

    private static Seq2SeqModel<float> Build(CellKind cell, int layers)
    {
        var config = new Seq2SeqConfig { Vocabulary = 9, EmbeddingSize = 5, Cell = cell, HiddenSize = 6, Layers = layers, SourceLength = 5, MaxTargetLength = 4 };
        var model = new Seq2SeqModel<float>(config, 3);
        var rng = new Rng(11);
        var values = model.Parameters.Values;
        for (int i = 0; i < values.Length; i++) values[i] = (float)rng.Uniform(-0.6, 0.6);
        return model;
    }

    private static void Close(string label, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"{label}[{i}]: ONNX {actual[i]}, Recurrent {expected[i]}");
    }

    [Theory]
    [InlineData(CellKind.Lstm, 2)]
    [InlineData(CellKind.Gru, 2)]
    [InlineData(CellKind.RnnTanh, 1)]
    [InlineData(CellKind.RnnRelu, 2)]
    public void EncoderAndDecoderGraphs_GiveRecurrentsStatesAndLogits(CellKind cell, int layers)
    {
        var model = Build(cell, layers);
        var c = model.Config;
        const int b = 3, td = 4;
        var rng = new Rng(5);
        int[] source = Enumerable.Range(0, c.SourceLength * b).Select(_ => rng.NextInt(c.Vocabulary)).ToArray();
        int[] input = Enumerable.Range(0, td * b).Select(_ => rng.NextInt(c.Vocabulary)).ToArray();
        float[] logits = model.Forward(source, c.SourceLength, input, td, b, training: false).ToArray();
        bool lstm = cell == CellKind.Lstm;
        float[] encodedH = model.EncodedH.ToArray(), encodedC = model.EncodedC.ToArray();

        using var encoder = new InferenceSession(Seq2SeqExport.EncoderOnnx(model));
        using var decoder = new InferenceSession(Seq2SeqExport.DecoderOnnx(model));
        string[] states = lstm ? [OnnxExport.FinalH, OnnxExport.FinalC] : [OnnxExport.FinalH];
        using var options = new RunOptions();
        using var sourceValue = OrtValue.CreateTensorValueFromMemory(source.Select(x => (long)x).ToArray(), [c.SourceLength, b]);
        using var encoded = encoder.Run(options, new Dictionary<string, OrtValue> { [OnnxExport.TokensInput] = sourceValue }, states);
        Close("encoder final_h", encodedH, encoded[0].GetTensorDataAsSpan<float>());
        if (lstm) Close("encoder final_c", encodedC, encoded[1].GetTensorDataAsSpan<float>());

        var inputs = new Dictionary<string, OrtValue>
        {
            [OnnxExport.TokensInput] = OrtValue.CreateTensorValueFromMemory(input.Select(x => (long)x).ToArray(), [td, b]),
            [OnnxExport.InitialH] = OrtValue.CreateTensorValueFromMemory(encoded[0].GetTensorDataAsSpan<float>().ToArray(), [layers, b, c.HiddenSize]),
        };
        if (lstm) inputs[OnnxExport.InitialC] = OrtValue.CreateTensorValueFromMemory(encoded[1].GetTensorDataAsSpan<float>().ToArray(), [layers, b, c.HiddenSize]);
        try
        {
            using var decoded = decoder.Run(options, inputs, [OnnxExport.Output, .. states]);
            Close("decoder logits", logits, decoded[0].GetTensorDataAsSpan<float>());
            Close("decoder final_h", model.Decoder.FinalH, decoded[1].GetTensorDataAsSpan<float>());
            if (lstm) Close("decoder final_c", model.Decoder.FinalC, decoded[2].GetTensorDataAsSpan<float>());
        }
        finally { foreach (var v in inputs.Values) v.Dispose(); }
    }

    [Fact]
    public void PyTorchExample_HoldsTheModelsOwnOutputs()
    {
        var model = Build(CellKind.Lstm, 2);
        var c = model.Config;
        var example = Seq2SeqExport.Example(model, seed: 4).ToDictionary(t => t.Name);
        int b = Seq2SeqExport.ExampleBatch, td = Seq2SeqExport.ExampleDecoderSteps;
        int[] source = example["source"].Data.Select(x => (int)x).ToArray();
        int[] input = example["decoder_input"].Data.Select(x => (int)x).ToArray();
        Assert.All(input.Take(b), x => Assert.Equal(Seq2SeqVocabulary.Start, x));
        float[] logits = model.Forward(source, c.SourceLength, input, td, b, training: false).ToArray();
        Assert.Equal(logits, example["logits"].Data);
        Assert.Equal(model.EncodedC.ToArray(), example["encoded_c"].Data);
        Assert.Equal(model.Decoder.FinalC.ToArray(), example["final_c"].Data);
        Assert.Equal([b, c.MaxTargetLength], example["greedy"].Shape);
    }
}
