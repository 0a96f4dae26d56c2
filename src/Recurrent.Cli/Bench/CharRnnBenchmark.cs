// CharRnnBenchmark: the standard speed configurations of the project, measured exactly as
// ../shared/reference/pytorch_charrnn_speed.py measures PyTorch: embedding of size H → stack → linear,
// vocabulary 65, Adam lr 2e-3, global-norm clip 5, random (T,B) tokens and targets; training tokens/s over
// timed steps after two warm-up steps, and batch-1 sampling tokens/s over 500 generated tokens.
using System.Diagnostics;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Randomness;
using Recurrent.Sampling;
using Recurrent.Schedules;
using Recurrent.Training;

namespace Recurrent.Cli.Bench;

internal sealed record BenchConfig(string Name, CellKind Cell, int Hidden, int Layers, int Batch, int Steps)
{
    public const int Vocabulary = 65;

    /// <summary>The configurations of the speed issue: L128 (char-rnn default), L512, G256, R128 (min-char-rnn-sized).</summary>
    public static readonly BenchConfig[] Standard =
    [
        new("L128", CellKind.Lstm, 128, 2, 50, 50),
        new("L512", CellKind.Lstm, 512, 2, 32, 64),
        new("G256", CellKind.Gru, 256, 2, 32, 64),
        new("R128", CellKind.RnnTanh, 128, 1, 50, 25),
    ];

    /// <summary>Arguments of the PyTorch reference script for the same configuration.</summary>
    public string PyTorchArgs => $"{(Cell == CellKind.Lstm ? "lstm" : Cell == CellKind.Gru ? "gru" : "rnn")} {Hidden} {Layers} {Batch} {Steps} {Vocabulary}";
}

internal sealed record BenchResult(string Config, double TrainTokensPerSecond, double SampleTokensPerSecond, double TrainMsPerStep);

internal static class CharRnnBenchmark
{
    public static BenchResult Run(BenchConfig c, int timedSteps, int repetitions, int sampleTokens = 500)
    {
        var model = new SequenceModel<float>(new ModelConfig
        {
            Input = InputKind.Embedding, InputSize = BenchConfig.Vocabulary, EmbeddingSize = c.Hidden,
            Cell = c.Cell, HiddenSize = c.Hidden, Layers = c.Layers, OutputSize = BenchConfig.Vocabulary,
            WeightInit = Recurrent.Initialization.WeightInit.PyTorchDefault, RecurrentInit = Recurrent.Initialization.WeightInit.PyTorchDefault,
        }, seed: 1);
        var trainer = new Trainer<float>(model, new Adam<float>(model.Parameters.Count), new ConstantSchedule(2e-3),
            new TrainerOptions { ClipNorm = 5.0 });
        var rng = new Rng(1);
        var x = new int[c.Steps * c.Batch];
        var y = new int[c.Steps * c.Batch];
        for (int i = 0; i < x.Length; i++) { x[i] = rng.NextInt(BenchConfig.Vocabulary); y[i] = rng.NextInt(BenchConfig.Vocabulary); }

        void Step() { model.ResetState(); trainer.Train(x, y, c.Steps, c.Batch); }
        Step(); Step();
        var trainRates = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int s = 0; s < timedSteps; s++) Step();
            trainRates[r] = (double)timedSteps * c.Batch * c.Steps / sw.Elapsed.TotalSeconds;
        }

        var sampler = new TokenSampler(model, seed: 2);
        var options = new SamplingOptions();
        var sampleRates = new double[repetitions];
        int token = 0;
        for (int i = 0; i < 20; i++) token = sampler.Next(token, options); // warm-up
        for (int r = 0; r < repetitions; r++)
        {
            sampler.Reset();
            token = 0;
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < sampleTokens; i++) token = sampler.Next(token, options);
            sampleRates[r] = sampleTokens / sw.Elapsed.TotalSeconds;
        }
        double train = Median(trainRates);
        return new BenchResult(c.Name, train, Median(sampleRates), 1000.0 * c.Batch * c.Steps / train);
    }

    public static double Median(double[] values)
    {
        var s = values.OrderBy(v => v).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }
}
