// CopyMemory: the copying memory problem (Hochreiter & Schmidhuber 1997; in the form of Arjovsky, Shah &
// Bengio 2016, §4.1). Input: K symbols from {1..8}, then T-1 blanks (0), a delimiter (9), then K blanks;
// target: blank for the first T+K steps, then the K symbols in order. One-hot input (T+2K,B,10), per-step
// softmax (T+2K,B,10), cross-entropy over every step. The memoryless baseline predicts blanks and then
// guesses: 12.5% of the recalled symbols.
using System.Diagnostics;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;

namespace Recurrent.Demos;

/// <summary>Settings of the copy task.</summary>
public sealed record CopyMemoryOptions : DemoOptions
{
    /// <summary>Defaults: K=5 symbols, delay T=50, H=64, batch 32, Adam 0.01, keep bias 3, at most 12000 steps.</summary>
    public CopyMemoryOptions() { HiddenSize = 64; MaxSteps = 12000; LearningRate = 0.01; EvaluateEvery = 100; ForgetGateBias = 3; }
    /// <summary>Symbols to copy, K.</summary>
    public int Symbols { get; init; } = 5;
    /// <summary>Delay T: steps from the end of the symbols to the end of the delimiter.</summary>
    public int Delay { get; init; } = 50;
    /// <summary>Held-out test sequences.</summary>
    public int TestSequences { get; init; } = 1000;
    /// <summary>Validation sequences checked during training for the early stop.</summary>
    public int ValidationSequences { get; init; } = 1000;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (Symbols <= 0) throw new ArgumentException($"Symbols must be positive, got {Symbols}.", nameof(Symbols));
        if (Delay <= 0) throw new ArgumentException($"Delay must be positive, got {Delay}.", nameof(Delay));
        if (TestSequences <= 0) throw new ArgumentException($"TestSequences must be positive, got {TestSequences}.", nameof(TestSequences));
        if (ValidationSequences <= 0) throw new ArgumentException($"ValidationSequences must be positive, got {ValidationSequences}.", nameof(ValidationSequences));
    }
}

/// <summary>Outcome of <see cref="CopyMemory.Run"/>.</summary>
public sealed record CopyMemoryResult(bool Passed, double Metric, string MetricText, int Steps, double FinalLoss, double Seconds,
    double SequenceAccuracy, string Example, string ExampleRecall)
    : DemoResult(Passed, Metric, MetricText, Steps, FinalLoss, Seconds)
{
    /// <inheritdoc/>
    public override IReadOnlyList<string> Details =>
    [
        $"sequences recalled without a mistake: {SequenceAccuracy:P1}",
        $"example: symbols {Example} → recalled {ExampleRecall}",
    ];
}

/// <summary>The copy task: generator, training and the criterion.</summary>
public static class CopyMemory
{
    /// <summary>The blank symbol's id.</summary>
    public const int Blank = 0;
    /// <summary>The delimiter's id; data symbols are 1..8.</summary>
    public const int Delimiter = 9;
    /// <summary>Input and output vocabulary size.</summary>
    public const int Vocabulary = 10;
    /// <summary>Fraction of recalled symbols that must be right.</summary>
    public const double RequiredAccuracy = 0.99;
    /// <summary>Validation accuracy at which training stops: halfway between the criterion and 100%.</summary>
    public const double StopAccuracy = 0.995;
    /// <summary>The criterion and its source.</summary>
    public const string Criterion =
        ">= 99% of the recalled symbols right on 1000 held-out sequences (memoryless baseline 12.5%); " +
        "copying memory problem as in Arjovsky, Shah & Bengio 2016, §4.1";

    /// <summary>Steps of one sequence: K + T + K.</summary>
    public static int SequenceLength(int symbols, int delay) => 2 * symbols + delay;

    /// <summary>Writes one sequence into column <paramref name="b"/> of time-major inputs and targets (steps, batch).</summary>
    public static void Generate(Rng rng, int symbols, int delay, int batch, int b, Span<int> inputs, Span<int> targets)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int steps = SequenceLength(symbols, delay);
        for (int t = 0; t < steps; t++)
        {
            inputs[t * batch + b] = Blank;
            targets[t * batch + b] = -1; // ignored: only the recall counts, as in the NTM copy task (Graves et al. 2014)
        }
        for (int i = 0; i < symbols; i++)
        {
            int s = 1 + rng.NextInt(8);
            inputs[i * batch + b] = s;
            targets[(symbols + delay + i) * batch + b] = s;
        }
        inputs[(symbols + delay - 1) * batch + b] = Delimiter;
    }

    /// <summary>Fills a batch of inputs and targets (steps, batch).</summary>
    public static void MakeBatch(Rng rng, int symbols, int delay, int batch, Span<int> inputs, Span<int> targets)
    {
        for (int b = 0; b < batch; b++) Generate(rng, symbols, delay, batch, b, inputs, targets);
    }

    /// <summary>Trains a one-hot → cell → per-step softmax model and checks the criterion on held-out sequences.</summary>
    public static CopyMemoryResult Run(CopyMemoryOptions options, Action<DemoProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var model = DemoTraining.CreateModel(new ModelConfig
        {
            Input = InputKind.OneHot, InputSize = Vocabulary,
            OutputSize = Vocabulary,
        }, options);
        var seeds = new Rng(options.Seed ^ 0xC0B1UL);
        var trainRng = seeds.Fork();
        int k = options.Symbols, delay = options.Delay, steps = SequenceLength(k, delay), batch = options.BatchSize;
        var (valIn, valOut) = Set(seeds.Fork(), k, delay, options.ValidationSequences);
        var (testIn, testOut) = Set(seeds.Fork(), k, delay, options.TestSequences);
        var inputs = new int[steps * batch];
        var targets = new int[steps * batch];
        var (taken, loss) = DemoTraining.Run(options, model, trainer =>
        {
            MakeBatch(trainRng, k, delay, batch, inputs, targets);
            model.ResetState();
            return trainer.Train(inputs, targets, steps, batch);
        }, () =>
        {
            var (acc, _, _) = Evaluate(model, k, delay, valIn, valOut, options.ValidationSequences);
            return (acc, acc >= StopAccuracy);
        }, m => m >= 0.95, progress);
        var (symbolAcc, seqAcc, recall) = Evaluate(model, k, delay, testIn, testOut, options.TestSequences);
        string example = string.Join(' ', Enumerable.Range(0, k).Select(i => testIn[i * options.TestSequences]));
        return new CopyMemoryResult(symbolAcc >= RequiredAccuracy, symbolAcc, $"{symbolAcc:P1} recalled",
            taken, loss, clock.Elapsed.TotalSeconds, seqAcc, example, string.Join(' ', recall));
    }

    private static (int[] Inputs, int[] Targets) Set(Rng rng, int k, int delay, int count)
    {
        int steps = SequenceLength(k, delay);
        var x = new int[steps * count];
        var y = new int[steps * count];
        MakeBatch(rng, k, delay, count, x, y);
        return (x, y);
    }

    // (recalled-symbol accuracy, exact-sequence accuracy, the arg-max recall of sequence 0)
    private static (double Symbols, double Sequences, int[] Recall) Evaluate(SequenceModel<float> model, int k, int delay,
        int[] inputs, int[] targets, int count)
    {
        int steps = SequenceLength(k, delay);
        model.ResetState();
        ReadOnlySpan<float> logits = model.Forward(inputs, steps, count, training: false);
        int right = 0, exact = 0;
        var recall = new int[k];
        for (int b = 0; b < count; b++)
        {
            bool all = true;
            for (int i = 0; i < k; i++)
            {
                int n = (k + delay + i) * count + b;
                int guess = DemoTraining.ArgMax(logits.Slice(n * Vocabulary, Vocabulary));
                if (b == 0) recall[i] = guess;
                if (guess == targets[n]) right++; else all = false;
            }
            if (all) exact++;
        }
        return ((double)right / (count * k), (double)exact / count, recall);
    }
}
