// TemporalOrder: Hochreiter & Schmidhuber 1997, exp. 6a. A sequence of length in [T, T + T/10] starts with E,
// ends with B and is otherwise random distractors a b c d, except at two positions t1 in [T/10, T/5] and
// t2 in [T/2, 3T/5] that hold X or Y. The class is the order: XX → Q, XY → R, YX → S, YY → U.
// One-hot input (T,B,8), last-step softmax head (B,4). Lengths are drawn once per batch.
using System.Diagnostics;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;

namespace Recurrent.Demos;

/// <summary>Settings of the temporal-order task.</summary>
public sealed record TemporalOrderOptions : DemoOptions
{
    /// <summary>Defaults: T=100, H=32, batch 32, Adam 0.005, keep bias 3, at most 4000 steps.</summary>
    public TemporalOrderOptions() { HiddenSize = 32; MaxSteps = 4000; LearningRate = 0.005; EvaluateEvery = 100; ForgetGateBias = 3; }
    /// <summary>Minimal sequence length T (the paper: 100); lengths are drawn from [T, T + T/10].</summary>
    public int Length { get; init; } = 100;
    /// <summary>Held-out test sequences (the paper tests on 2560).</summary>
    public int TestSequences { get; init; } = 2560;
    /// <summary>Validation sequences checked during training for the early stop.</summary>
    public int ValidationSequences { get; init; } = 512;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (Length < 20) throw new ArgumentException($"Length must be at least 20, got {Length}.", nameof(Length));
        if (TestSequences <= 0) throw new ArgumentException($"TestSequences must be positive, got {TestSequences}.", nameof(TestSequences));
        if (ValidationSequences <= 0) throw new ArgumentException($"ValidationSequences must be positive, got {ValidationSequences}.", nameof(ValidationSequences));
    }
}

/// <summary>Outcome of <see cref="TemporalOrder.Run"/>.</summary>
public sealed record TemporalOrderResult(bool Passed, double Metric, string MetricText, int Steps, double FinalLoss, double Seconds,
    double ArgMaxAccuracy)
    : DemoResult(Passed, Metric, MetricText, Steps, FinalLoss, Seconds)
{
    /// <inheritdoc/>
    public override IReadOnlyList<string> Details => [$"arg-max class accuracy {ArgMaxAccuracy:P2} (chance 25%)"];
}

/// <summary>The temporal-order task: generator, training and the criterion.</summary>
public static class TemporalOrder
{
    /// <summary>Input symbols; a symbol's id is its index here.</summary>
    public const string Alphabet = "abcdXYBE";
    /// <summary>Class names in id order: XX, XY, YX, YY.</summary>
    public const string Classes = "QRSU";
    /// <summary>Largest absolute error any output may have for a sequence to count as classified correctly.</summary>
    public const double Tolerance = 0.3;
    /// <summary>Fraction of held-out sequences that must be classified correctly.</summary>
    public const double RequiredFraction = 0.99;
    /// <summary>The criterion and its source.</summary>
    public const string Criterion =
        "a sequence is classified correctly when every output's absolute error against the one-hot class is < 0.3 " +
        "(softmax: correct-class probability > 0.7); PASS when >= 99% of 2560 held-out sequences are " +
        "(Hochreiter & Schmidhuber 1997, exp. 6a)";

    /// <summary>
    /// Writes one sequence of <paramref name="length"/> symbols into column <paramref name="b"/> of time-major
    /// ids (length, batch) and returns its class (0 XX, 1 XY, 2 YX, 3 YY).
    /// </summary>
    public static int Generate(Rng rng, int length, int batch, int b, Span<int> ids)
    {
        ArgumentNullException.ThrowIfNull(rng);
        for (int t = 0; t < length; t++) ids[t * batch + b] = rng.NextInt(4);
        ids[b] = Alphabet.IndexOf('E');
        ids[(length - 1) * batch + b] = Alphabet.IndexOf('B');
        int t1 = length / 10 + rng.NextInt(length / 10 + 1);
        int t2 = length / 2 + rng.NextInt(length / 10 + 1);
        int first = rng.NextInt(2), second = rng.NextInt(2);
        ids[t1 * batch + b] = Alphabet.IndexOf('X') + first;
        ids[t2 * batch + b] = Alphabet.IndexOf('X') + second;
        return first * 2 + second;
    }

    /// <summary>Fills a batch of ids (length, batch) and classes (batch).</summary>
    public static void MakeBatch(Rng rng, int length, int batch, Span<int> ids, Span<int> classes)
    {
        for (int b = 0; b < batch; b++) classes[b] = Generate(rng, length, batch, b, ids);
    }

    private sealed record Set(int Length, int[] Ids, int[] Classes, int Count);

    /// <summary>Trains a one-hot → cell → last-step softmax model and checks the criterion on held-out sequences.</summary>
    public static TemporalOrderResult Run(TemporalOrderOptions options, Action<DemoProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var model = DemoTraining.CreateModel(new ModelConfig
        {
            Input = InputKind.OneHot, InputSize = Alphabet.Length,
            Head = HeadKind.LastStep, OutputSize = Classes.Length,
        }, options);
        var seeds = new Rng(options.Seed ^ 0x0DE5UL);
        var trainRng = seeds.Fork();
        var validation = Sets(seeds.Fork(), options.Length, options.ValidationSequences);
        var test = Sets(seeds.Fork(), options.Length, options.TestSequences);
        int batch = options.BatchSize, maxLength = options.Length + options.Length / 10;
        var ids = new int[maxLength * batch];
        var classes = new int[batch];
        var (steps, loss) = DemoTraining.Run(options, model, trainer =>
        {
            int length = options.Length + trainRng.NextInt(options.Length / 10 + 1);
            var x = ids.AsSpan(0, length * batch);
            MakeBatch(trainRng, length, batch, x, classes);
            model.ResetState();
            return trainer.Train(x, classes, length, batch);
        }, () =>
        {
            // Stop as the paper does once every recent sequence is right: here all validation sequences.
            var (fraction, _) = Evaluate(model, validation);
            return (fraction, fraction == 1.0);
        }, m => m >= 0.9, progress);
        var (correct, argmax) = Evaluate(model, test);
        return new TemporalOrderResult(correct >= RequiredFraction, correct, $"{correct:P1} correct",
            steps, loss, clock.Elapsed.TotalSeconds, argmax);
    }

    private static List<Set> Sets(Rng rng, int length, int count)
    {
        var sets = new List<Set>();
        for (int done = 0; done < count; done += 256)
        {
            int n = Math.Min(256, count - done), len = length + rng.NextInt(length / 10 + 1);
            var x = new int[len * n];
            var y = new int[n];
            MakeBatch(rng, len, n, x, y);
            sets.Add(new Set(len, x, y, n));
        }
        return sets;
    }

    // (fraction with every output within Tolerance of the one-hot class, arg-max accuracy)
    private static (double Correct, double ArgMax) Evaluate(SequenceModel<float> model, List<Set> sets)
    {
        int correct = 0, argmax = 0, total = 0, k = Classes.Length;
        Span<double> p = stackalloc double[k];
        foreach (var set in sets)
        {
            model.ResetState();
            ReadOnlySpan<float> logits = model.Forward(set.Ids, set.Length, set.Count, training: false);
            for (int b = 0; b < set.Count; b++, total++)
            {
                DemoTraining.Softmax(logits.Slice(b * k, k), p);
                bool ok = true;
                for (int j = 0; j < k; j++) if (Math.Abs(p[j] - (j == set.Classes[b] ? 1 : 0)) >= Tolerance) ok = false;
                if (ok) correct++;
                if (DemoTraining.ArgMax(logits.Slice(b * k, k)) == set.Classes[b]) argmax++;
            }
        }
        return ((double)correct / total, (double)argmax / total);
    }
}
