// CharRnnBenchmark: the standard speed configurations of the project, measured exactly as
// ../shared/reference/pytorch_charrnn_speed.py measures PyTorch: embedding of size H → stack → linear,
// vocabulary 65, Adam lr 2e-3, global-norm clip 5, random (T,B) tokens and targets; training tokens/s over
// timed steps after two warm-up steps, and batch-1 sampling tokens/s over 500 generated tokens. Several activation
// variants of one configuration are measured interleaved, repetition by repetition. The cell-structure rows (LN256, GN256,
// MG256: layer-normalised LSTM and GRU, Mogrifier LSTM) sit beside plain rows of the same size (L256, G256) so their cost
// reads as a ratio; PyTorch has no built-in peer for them (bench/compare_pytorch.py keeps to the four standard rows).
using System.Diagnostics;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Randomness;
using Recurrent.Sampling;
using Recurrent.Schedules;
using Recurrent.Training;

namespace Recurrent.Cli.Bench;

internal sealed record BenchConfig(string Name, CellKind Cell, int Hidden, int Layers, int Batch, int Steps,
    bool LayerNorm = false, int MogrifierRounds = 0)
{
    public const int Vocabulary = 65;

    /// <summary>The configurations of the speed issue: L128 (char-rnn default), L512, G256, R128 (min-char-rnn-sized).</summary>
    public static readonly BenchConfig[] Standard =
    [
        new("L128", CellKind.Lstm, 128, 2, 50, 50),
        new("L512", CellKind.Lstm, 512, 2, 32, 64),
        new("G256", CellKind.Gru, 256, 2, 32, 64),
        new("R128", CellKind.RnnTanh, 128, 1, 50, 25),
        new("L256", CellKind.Lstm, 256, 2, 32, 64),
        new("LN256", CellKind.Lstm, 256, 2, 32, 64, LayerNorm: true),
        new("GN256", CellKind.Gru, 256, 2, 32, 64, LayerNorm: true),
        new("MG256", CellKind.Lstm, 256, 2, 32, 64, MogrifierRounds: 5),
    ];

    /// <summary>The cell as the table prints it: the kind, with "+LN" or "+Mog5" for a structured cell.</summary>
    public string CellName => Cell + (LayerNorm ? "+LN" : MogrifierRounds > 0 ? $"+Mog{MogrifierRounds}" : "");

    /// <summary>Arguments of the PyTorch reference script for the same configuration.</summary>
    public string PyTorchArgs => $"{(Cell == CellKind.Lstm ? "lstm" : Cell == CellKind.Gru ? "gru" : "rnn")} {Hidden} {Layers} {Batch} {Steps} {Vocabulary}";
}

/// <summary>One measured (configuration, activations) row.</summary>
internal sealed record BenchResult(string Config, CellActivation Activation, GateActivation GateActivation,
    double TrainTokensPerSecond, double SampleTokensPerSecond, double TrainMsPerStep);

internal static class CharRnnBenchmark
{
    /// <summary>
    /// Measures <paramref name="c"/> once per (activation, gate activation) of <paramref name="variants"/>: each
    /// variant's model is built and warmed up first, then every repetition times all variants one after another
    /// (interleaved), so a change in the machine's load touches every row alike; the medians are reported.
    /// </summary>
    public static IReadOnlyList<BenchResult> Run(BenchConfig c, IReadOnlyList<(CellActivation Activation, GateActivation Gate)> variants,
        int timedSteps, int repetitions, int sampleTokens = 500)
    {
        var runs = variants.Select(v => new Variant(c, v.Activation, v.Gate)).ToArray();
        foreach (var v in runs) { v.Step(); v.Step(); }
        var trainRates = runs.Select(_ => new double[repetitions]).ToArray();
        for (int r = 0; r < repetitions; r++)
            for (int k = 0; k < runs.Length; k++)
            {
                var sw = Stopwatch.StartNew();
                for (int s = 0; s < timedSteps; s++) runs[k].Step();
                trainRates[k][r] = (double)timedSteps * c.Batch * c.Steps / sw.Elapsed.TotalSeconds;
            }

        var options = new SamplingOptions();
        var samplers = runs.Select(v => new TokenSampler(v.Model, seed: 2)).ToArray();
        foreach (var sampler in samplers)
        {
            int token = 0;
            for (int i = 0; i < 20; i++) token = sampler.Next(token, options); // warm-up
        }
        var sampleRates = runs.Select(_ => new double[repetitions]).ToArray();
        for (int r = 0; r < repetitions; r++)
            for (int k = 0; k < runs.Length; k++)
            {
                samplers[k].Reset();
                int token = 0;
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < sampleTokens; i++) token = samplers[k].Next(token, options);
                sampleRates[k][r] = sampleTokens / sw.Elapsed.TotalSeconds;
            }
        return runs.Select((v, k) =>
        {
            double train = Median(trainRates[k]);
            return new BenchResult(c.Name, v.Activation, v.Gate, train, Median(sampleRates[k]), 1000.0 * c.Batch * c.Steps / train);
        }).ToArray();
    }

    // One model with its trainer and fixed random (T,B) tokens and targets.
    private sealed class Variant
    {
        private readonly Trainer<float> _trainer;
        private readonly int[] _x, _y;
        private readonly BenchConfig _c;

        public Variant(BenchConfig c, CellActivation activation, GateActivation gate)
        {
            _c = c;
            Activation = activation;
            Gate = gate;
            Model = new SequenceModel<float>(new ModelConfig
            {
                Input = InputKind.Embedding, InputSize = BenchConfig.Vocabulary, EmbeddingSize = c.Hidden,
                Cell = c.Cell, HiddenSize = c.Hidden, Layers = c.Layers, OutputSize = BenchConfig.Vocabulary,
                Activation = activation, GateActivation = gate, LayerNorm = c.LayerNorm, MogrifierRounds = c.MogrifierRounds,
                WeightInit = Recurrent.Initialization.WeightInit.PyTorchDefault, RecurrentInit = Recurrent.Initialization.WeightInit.PyTorchDefault,
            }, seed: 1);
            _trainer = new Trainer<float>(Model, new Adam<float>(Model.Parameters.Count), new ConstantSchedule(2e-3),
                new TrainerOptions { ClipNorm = 5.0 });
            var rng = new Rng(1);
            _x = new int[c.Steps * c.Batch];
            _y = new int[c.Steps * c.Batch];
            for (int i = 0; i < _x.Length; i++) { _x[i] = rng.NextInt(BenchConfig.Vocabulary); _y[i] = rng.NextInt(BenchConfig.Vocabulary); }
        }

        public SequenceModel<float> Model { get; }
        public CellActivation Activation { get; }
        public GateActivation Gate { get; }

        public void Step() { Model.ResetState(); _trainer.Train(_x, _y, _c.Steps, _c.Batch); }
    }

    public static double Median(double[] values)
    {
        var s = values.OrderBy(v => v).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }
}
