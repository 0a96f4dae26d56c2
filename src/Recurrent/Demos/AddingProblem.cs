// AddingProblem: Hochreiter & Schmidhuber 1997, exp. 4. Each step carries a pair (value in [-1,1], marker);
// exactly two values are marked 1.0 (one among the first ten pairs, one among the first T/2-1), the first and
// last markers are -1 otherwise 0, and at the end the model must output 0.5 + (X1 + X2)/4, the sum of the
// marked values scaled to [0, 1]. Dense input (T,B,2), last-step head (B,1), MSE. Lengths are drawn from
// [T, T + T/10] once per batch, so every sequence of a batch has the same length.
using System.Diagnostics;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;

namespace Recurrent.Demos;

/// <summary>Settings of the adding problem.</summary>
public sealed record AddingProblemOptions : DemoOptions
{
    /// <summary>Defaults: T=100, H=32, batch 32, Adam 0.005, keep bias 3, at most 10000 steps.</summary>
    public AddingProblemOptions() { HiddenSize = 32; MaxSteps = 10000; LearningRate = 0.005; EvaluateEvery = 100; ForgetGateBias = 3; }
    /// <summary>Minimal sequence length T; lengths are drawn from [T, T + T/10].</summary>
    public int Length { get; init; } = 100;
    /// <summary>Held-out test sequences (the paper tests on 2560).</summary>
    public int TestSequences { get; init; } = 2560;
    /// <summary>Validation sequences checked during training for the early stop.</summary>
    public int ValidationSequences { get; init; } = 512;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (Length < 20) throw new ArgumentException($"Length must be at least 20 (the first marker is among the first ten pairs, the second among the first T/2-1), got {Length}.", nameof(Length));
        if (TestSequences <= 0) throw new ArgumentException($"TestSequences must be positive, got {TestSequences}.", nameof(TestSequences));
        if (ValidationSequences <= 0) throw new ArgumentException($"ValidationSequences must be positive, got {ValidationSequences}.", nameof(ValidationSequences));
    }
}

/// <summary>Outcome of <see cref="AddingProblem.Run"/>.</summary>
public sealed record AddingProblemResult(bool Passed, double Metric, string MetricText, int Steps, double FinalLoss, double Seconds,
    double MeanAbsoluteError, double ConstantGuessFraction)
    : DemoResult(Passed, Metric, MetricText, Steps, FinalLoss, Seconds)
{
    /// <inheritdoc/>
    public override IReadOnlyList<string> Details =>
    [
        $"mean absolute error {MeanAbsoluteError:F4} (target scale [0, 1])",
        $"always answering 0.5 would be within {AddingProblem.Tolerance} on {ConstantGuessFraction:P1}",
    ];
}

/// <summary>The adding problem: generator, training and the criterion.</summary>
public static class AddingProblem
{
    /// <summary>Absolute error below which a sequence counts as processed correctly.</summary>
    public const double Tolerance = 0.04;
    /// <summary>Fraction of held-out sequences that must be processed correctly.</summary>
    public const double RequiredFraction = 0.99;
    /// <summary>The criterion and its source.</summary>
    public const string Criterion =
        "target 0.5 + (X1+X2)/4; a sequence is processed correctly when the absolute error at its end is < 0.04; " +
        "PASS when >= 99% of 2560 held-out sequences are (Hochreiter & Schmidhuber 1997, exp. 4, which counts " +
        "the wrong ones among 2560 test sequences)";

    /// <summary>
    /// Writes one sequence of <paramref name="length"/> pairs into column <paramref name="b"/> of time-major
    /// features (length, batch, 2) and returns its target 0.5 + (X1 + X2)/4.
    /// </summary>
    public static float Generate(Rng rng, int length, int batch, int b, Span<float> features)
    {
        ArgumentNullException.ThrowIfNull(rng);
        for (int t = 0; t < length; t++)
        {
            features[(t * batch + b) * 2] = (float)rng.Uniform(-1, 1);
            features[(t * batch + b) * 2 + 1] = 0;
        }
        features[b * 2 + 1] = -1;
        features[((length - 1) * batch + b) * 2 + 1] = -1;
        int first = rng.NextInt(10);
        int second;
        do second = rng.NextInt(length / 2 - 1); while (second == first);
        features[(first * batch + b) * 2 + 1] = 1;
        features[(second * batch + b) * 2 + 1] = 1;
        if (first == 0) features[b * 2] = 0; // the paper sets X1 to zero when the first pair is marked
        if (second == 0) features[b * 2] = 0;
        float x1 = features[(first * batch + b) * 2], x2 = features[(second * batch + b) * 2];
        return 0.5f + (x1 + x2) / 4f;
    }

    /// <summary>Fills a batch (length, batch, 2) and its targets (batch).</summary>
    public static void MakeBatch(Rng rng, int length, int batch, Span<float> features, Span<float> targets)
    {
        for (int b = 0; b < batch; b++) targets[b] = Generate(rng, length, batch, b, features);
    }

    private sealed record Set(int Length, float[] Features, float[] Targets, int Count);

    /// <summary>Trains a dense → cell → last-step linear model and checks the criterion on held-out sequences.</summary>
    public static AddingProblemResult Run(AddingProblemOptions options, Action<DemoProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var model = DemoTraining.CreateModel(new ModelConfig
        {
            Input = InputKind.Dense, InputSize = 2,
            Head = HeadKind.LastStep, OutputSize = 1,
        }, options);
        var seeds = new Rng(options.Seed ^ 0xADD5UL);
        var trainRng = seeds.Fork();
        var validation = Sets(seeds.Fork(), options.Length, options.ValidationSequences);
        var test = Sets(seeds.Fork(), options.Length, options.TestSequences);
        int batch = options.BatchSize, maxLength = options.Length + options.Length / 10;
        var features = new float[maxLength * batch * 2];
        var targets = new float[batch];
        var (steps, loss) = DemoTraining.Run(options, model, trainer =>
        {
            int length = options.Length + trainRng.NextInt(options.Length / 10 + 1);
            var x = features.AsSpan(0, length * batch * 2);
            MakeBatch(trainRng, length, batch, x, targets);
            model.ResetState();
            return trainer.TrainRegression(x, targets, [], length, batch);
        }, () =>
        {
            // Stop as the paper does once every recent sequence is right: here all validation sequences.
            var (fraction, _) = Evaluate(model, validation);
            return (fraction, fraction == 1.0);
        }, m => m >= 0.9, progress);
        var (correct, mae) = Evaluate(model, test);
        int constant = 0, total = 0;
        foreach (var set in test)
            for (int b = 0; b < set.Count; b++, total++) if (Math.Abs(set.Targets[b] - 0.5) < Tolerance) constant++;
        return new AddingProblemResult(correct >= RequiredFraction, correct, $"{correct:P1} within {Tolerance}",
            steps, loss, clock.Elapsed.TotalSeconds, mae, (double)constant / total);
    }

    // Held-out sequences in chunks of up to 256, one length per chunk.
    private static List<Set> Sets(Rng rng, int length, int count)
    {
        var sets = new List<Set>();
        for (int done = 0; done < count; done += 256)
        {
            int n = Math.Min(256, count - done), len = length + rng.NextInt(length / 10 + 1);
            var f = new float[len * n * 2];
            var y = new float[n];
            MakeBatch(rng, len, n, f, y);
            sets.Add(new Set(len, f, y, n));
        }
        return sets;
    }

    private static (double Fraction, double MeanAbsoluteError) Evaluate(SequenceModel<float> model, List<Set> sets)
    {
        int correct = 0, total = 0;
        double sum = 0;
        foreach (var set in sets)
        {
            model.ResetState();
            ReadOnlySpan<float> y = model.Forward(set.Features, set.Length, set.Count, training: false);
            for (int b = 0; b < set.Count; b++, total++)
            {
                double err = Math.Abs(y[b] - set.Targets[b]);
                sum += err;
                if (err < Tolerance) correct++;
            }
        }
        return ((double)correct / total, sum / total);
    }
}
