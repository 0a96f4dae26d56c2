// ModelMemory: sizes are checked before anything is allocated. --hidden 100000 used to end in an
// OverflowException with a stack trace, and --hidden 20000 was accepted and paged for minutes; now the model
// constructor names the size, and Check refuses a run that does not fit with the figures in GB. The estimate is
// held within 2x of the bytes a small model, its Adam optimizer and one training step really allocate.
using System.Globalization;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Xunit.Abstractions;

namespace Recurrent.Tests.Models;

public sealed class ModelMemoryTests(ITestOutputHelper log)
{
    private static ModelConfig CharLstm(int hidden) => new()
    {
        Input = InputKind.Embedding, InputSize = 65, Cell = CellKind.Lstm, HiddenSize = hidden, OutputSize = 65,
    };

    [Fact]
    public void HugeHiddenSizeIsAnArgumentExceptionNamingTheSizeNotAnOverflow()
    {
        var config = CharLstm(100_000);
        var e = Record.Exception(() => new SequenceModel<float>(config, seed: 1));
        var argument = Assert.IsType<ArgumentException>(e);
        Assert.Equal("HiddenSize", argument.ParamName);
        Assert.Contains("HiddenSize 100,000", argument.Message);
        Assert.Contains(ModelMemory.ParameterCount(config).ToString("N0", CultureInfo.InvariantCulture), argument.Message);

        var check = Assert.Throws<ArgumentException>(() => ModelMemory.Check(config, batchSize: 32, steps: 64));
        Assert.Equal("HiddenSize", check.ParamName);
        Assert.Contains("HiddenSize 100,000", check.Message);
    }

    [Fact]
    public void ParameterCountIsExactAndDoesNotOverflow()
    {
        var small = CharLstm(32) with { Layers = 2, Bidirectional = true, Peepholes = true };
        Assert.Equal(new SequenceModel<float>(small, 1).Parameters.Count, (long)ModelMemory.ParameterCount(small));
        // int.MaxValue layers of 8·H² with H = int.MaxValue: about 2^96 parameters, far beyond 64 bits.
        var huge = CharLstm(int.MaxValue) with { Layers = int.MaxValue };
        Int128 h = int.MaxValue, layers = int.MaxValue;
        Int128 layer0 = 4 * h * h + 4 * h * h + 8 * h;
        Assert.Equal(65 * h + layer0 + (layers - 1) * layer0 + 65 * h + 65, ModelMemory.ParameterCount(huge));
    }

    [Fact]
    public void Hidden20000DoesNotFitA24GBMachineAndTheMessageGivesTheFigures()
    {
        const int B = 32, T = 64;
        const long Available = 24_000_000_000;
        var config = CharLstm(20_000);
        var e = Assert.Throws<ArgumentException>(() => ModelMemory.Check(config, B, T, availableBytes: Available));
        Assert.Equal("HiddenSize", e.ParamName);
        log.WriteLine(e.Message);

        // The same formula, written out for this configuration: one LSTM layer over a 65-token embedding of width
        // H, per-step head, token path (65 ≤ T·B), W_hh packed (T > 1, B ≥ 4), Adam.
        Int128 h = 20_000, v = 65, o = 65, rows = B * T, g = 4 * h;
        Int128 parameters = v * h + g * h + g * h + 2 * g + o * h + o;
        Int128 perDirection = 3 * rows * g + rows * h + 2 * rows * h + (B * g + 9 * B * h + g) + 2 * g * h + 2 * v * g;
        Int128 model = rows * h + 4 * rows * o + 6 * B * h + rows * h; // head input gradient, outputs, states, dy
        Int128 bytes = 4 * (4 * parameters + perDirection + model) + 4 * 2 * rows; // floats, and two int id arrays
        Assert.Equal(bytes, ModelMemory.Estimate(config, B, T).TotalBytes);
        string Gb(Int128 b) => ((double)b / 1e9).ToString("F1", CultureInfo.InvariantCulture) + " GB";
        Assert.Contains($"about {Gb(bytes)}", e.Message);
        Assert.Contains($"of the {Gb(Available)} of memory available", e.Message);
        Assert.Contains("80%", e.Message);
        Assert.Contains("HiddenSize 20,000", e.Message);
    }

    [Fact]
    public void Hidden128Passes()
    {
        var config = CharLstm(128);
        var fits = ModelMemory.Check(config, batchSize: 32, steps: 64);
        Assert.InRange(fits.TotalBytes, 1_000_000, 100_000_000);
        Assert.Equal(fits, ModelMemory.Check(config, 32, 64, availableBytes: 24_000_000_000));
        Assert.Equal(fits, ModelMemory.Estimate(config, 32, 64));
    }

    [Fact]
    public void ATensorLargerThanAnArrayIsRefusedEvenWithMemoryToSpare()
    {
        // 4H·T·B gate pre-activations of 4·5000·2048·64 = 2.6e9 values: more than one array holds.
        var config = CharLstm(5_000);
        var e = Assert.Throws<ArgumentException>(() => ModelMemory.Check(config, batchSize: 2048, steps: 64, availableBytes: long.MaxValue));
        Assert.Equal("HiddenSize", e.ParamName);
        Assert.Contains("gate", e.Message);
        Assert.Contains(Array.MaxLength.ToString("N0", CultureInfo.InvariantCulture), e.Message);
        Assert.Contains("the batch size or the steps per batch", e.Message);
    }

    public static TheoryData<string> SmallModels() => ["lstm tokens", "gru bidirectional dense", "rnn one-hot", "lstm awd dropouts", "gru awd token path"];

    private static (ModelConfig Config, int Batch, int Steps) Small(string name) => name switch
    {
        "lstm tokens" => (new ModelConfig { Input = InputKind.Embedding, InputSize = 50, EmbeddingSize = 32, Cell = CellKind.Lstm, HiddenSize = 64, Layers = 2, Dropout = 0.1, OutputSize = 50 }, 8, 32),
        "lstm awd dropouts" => (new ModelConfig { Input = InputKind.Embedding, InputSize = 50, EmbeddingSize = 32, Cell = CellKind.Lstm, HiddenSize = 64, Layers = 2, Dropout = 0.1,
            LockedDropout = true, InputDropout = 0.1, OutputDropout = 0.2, EmbeddingDropout = 0.1, WeightDrop = 0.3, OutputSize = 50 }, 8, 32),
        "gru awd token path" => (new ModelConfig { Input = InputKind.Embedding, InputSize = 50, EmbeddingSize = 32, Cell = CellKind.Gru, HiddenSize = 64, Layers = 2,
            OutputDropout = 0.2, EmbeddingDropout = 0.1, WeightDrop = 0.3, OutputSize = 50 }, 8, 32),
        "gru bidirectional dense" => (new ModelConfig { Input = InputKind.Dense, InputSize = 12, Cell = CellKind.Gru, HiddenSize = 48, Bidirectional = true, Head = HeadKind.LastStep, OutputSize = 5 }, 16, 24),
        _ => (new ModelConfig { Input = InputKind.OneHot, InputSize = 300, Cell = CellKind.RnnTanh, HiddenSize = 80, OutputSize = 300 }, 4, 16),
    };

    [Theory]
    [MemberData(nameof(SmallModels))]
    public void EstimateIsWithinTwiceTheBytesReallyAllocated(string name)
    {
        var (config, batch, steps) = Small(name);
        TrainOnce(config, batch, steps); // JIT, static and per-thread GEMM workspaces, so they are not measured
        long before = GC.GetAllocatedBytesForCurrentThread();
        TrainOnce(config, batch, steps);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Int128 estimated = ModelMemory.Estimate(config, batch, steps, optimizerBuffers: 2).TotalBytes;
        double ratio = (double)estimated / allocated;
        log.WriteLine($"{name}: estimated {estimated:N0} bytes, allocated {allocated:N0}, ratio {ratio:F2}");
        Assert.InRange(ratio, 0.5, 2.0);
    }

    private static void TrainOnce(ModelConfig config, int batch, int steps)
    {
        var model = new SequenceModel<float>(config, seed: 7);
        var adam = new Adam<float>(model.Parameters.Count);
        var rng = new Random(3);
        if (config.Input == InputKind.Dense)
        {
            var x = new float[steps * batch * config.InputSize];
            for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
            model.Forward(x, steps, batch, training: true);
        }
        else
        {
            var ids = new int[steps * batch];
            for (int i = 0; i < ids.Length; i++) ids[i] = rng.Next(config.InputSize);
            model.Forward(ids, steps, batch, training: true);
        }
        var dOutput = new float[model.Output.Length]; // the loss gradient a trainer would own
        dOutput.AsSpan().Fill(0.01f);
        model.Backward(dOutput);
        adam.Step(model.Parameters.Values, model.Parameters.Gradients, learningRate: 1e-3);
    }
}
