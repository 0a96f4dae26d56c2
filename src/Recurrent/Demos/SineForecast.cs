// SineForecast: one-step-ahead forecasting of a noisy sum of sines,
// x_t = sin(2πt/P1 + φ1) + 0.5·sin(2πt/P2 + φ2) + σ·ε_t with phases drawn per sequence. Dense input (T,B,1),
// per-step linear head (T,B,1) predicting x_{t+1}, MSE. The yardstick is the naive forecast x̂_{t+1} = x_t.
using System.Diagnostics;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;

namespace Recurrent.Demos;

/// <summary>Settings of the sine-wave forecasting task.</summary>
public sealed record SineForecastOptions : DemoOptions
{
    /// <summary>Defaults: 60 steps, H=32, batch 32, Adam 0.01, at most 2000 steps.</summary>
    public SineForecastOptions() { HiddenSize = 32; MaxSteps = 2000; LearningRate = 0.01; }
    /// <summary>Steps per sequence.</summary>
    public int Length { get; init; } = 60;
    /// <summary>Standard deviation σ of the added Gaussian noise.</summary>
    public double Noise { get; init; } = 0.05;
    /// <summary>Held-out test sequences.</summary>
    public int TestSequences { get; init; } = 512;
    /// <summary>Validation sequences checked during training for the early stop.</summary>
    public int ValidationSequences { get; init; } = 256;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (Length <= SineForecast.Warmup) throw new ArgumentException($"Length must be more than the {SineForecast.Warmup} warm-up steps, got {Length}.", nameof(Length));
        if (!(Noise >= 0 && Noise < 1)) throw new ArgumentException($"Noise must be in [0, 1), got {Noise}.", nameof(Noise));
        if (TestSequences <= 0) throw new ArgumentException($"TestSequences must be positive, got {TestSequences}.", nameof(TestSequences));
        if (ValidationSequences <= 0) throw new ArgumentException($"ValidationSequences must be positive, got {ValidationSequences}.", nameof(ValidationSequences));
    }
}

/// <summary>Outcome of <see cref="SineForecast.Run"/>; <see cref="DemoResult.Metric"/> is the model's MSE over the naive one's.</summary>
public sealed record SineForecastResult(bool Passed, double Metric, string MetricText, int Steps, double FinalLoss, double Seconds,
    double ModelMse, double NaiveMse, double NoiseFloor)
    : DemoResult(Passed, Metric, MetricText, Steps, FinalLoss, Seconds)
{
    /// <inheritdoc/>
    public override IReadOnlyList<string> Details =>
    [
        $"held-out MSE {ModelMse:F5}; naive last-value forecast {NaiveMse:F5}; noise floor σ² = {NoiseFloor:F5}",
    ];
}

/// <summary>The sine-wave forecasting task: generator, training and the criterion.</summary>
public static class SineForecast
{
    /// <summary>Period of the first sine (steps).</summary>
    public const double Period1 = 17;
    /// <summary>Period of the second sine (steps).</summary>
    public const double Period2 = 6.3;
    /// <summary>Steps at the start of each sequence left out of the evaluation (the model has to see the phase first).</summary>
    public const int Warmup = 10;
    /// <summary>Largest allowed ratio of the model's MSE to the naive forecast's.</summary>
    public const double RequiredRatio = 0.03;
    /// <summary>The criterion and its source.</summary>
    public const string Criterion =
        "held-out one-step MSE (after a 10-step warm-up) below 3% of the naive last-value forecast's MSE " +
        "(the naive forecast is the usual persistence baseline of time-series forecasting)";

    /// <summary>Writes x_0..x_length (length + 1 values) of one sequence into <paramref name="series"/>.</summary>
    public static void Generate(Rng rng, double noise, Span<float> series)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double phi1 = rng.Uniform(0, 2 * Math.PI), phi2 = rng.Uniform(0, 2 * Math.PI);
        for (int t = 0; t < series.Length; t++)
            series[t] = (float)(Clean(t, phi1, phi2) + noise * rng.NextGaussian());
    }

    /// <summary>The noise-free signal at step t for phases φ1, φ2.</summary>
    public static double Clean(int t, double phi1, double phi2) =>
        Math.Sin(2 * Math.PI * t / Period1 + phi1) + 0.5 * Math.Sin(2 * Math.PI * t / Period2 + phi2);

    /// <summary>Fills time-major inputs x_t and targets x_{t+1} (length, batch, 1).</summary>
    public static void MakeBatch(Rng rng, double noise, int length, int batch, Span<float> inputs, Span<float> targets)
    {
        Span<float> series = length + 1 <= 1024 ? stackalloc float[length + 1] : new float[length + 1];
        for (int b = 0; b < batch; b++)
        {
            Generate(rng, noise, series);
            for (int t = 0; t < length; t++)
            {
                inputs[t * batch + b] = series[t];
                targets[t * batch + b] = series[t + 1];
            }
        }
    }

    /// <summary>Trains a dense → cell → per-step linear model and compares its held-out MSE with the naive forecast's.</summary>
    public static SineForecastResult Run(SineForecastOptions options, Action<DemoProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var model = DemoTraining.CreateModel(new ModelConfig
        {
            Input = InputKind.Dense, InputSize = 1, OutputSize = 1,
        }, options);
        var seeds = new Rng(options.Seed ^ 0x5195UL);
        var trainRng = seeds.Fork();
        int length = options.Length, batch = options.BatchSize;
        var val = Set(seeds.Fork(), options.Noise, length, options.ValidationSequences);
        var test = Set(seeds.Fork(), options.Noise, length, options.TestSequences);
        var inputs = new float[length * batch];
        var targets = new float[length * batch];
        var (steps, loss) = DemoTraining.Run(options, model, trainer =>
        {
            MakeBatch(trainRng, options.Noise, length, batch, inputs, targets);
            model.ResetState();
            return trainer.TrainRegression(inputs, targets, [], length, batch);
        }, () =>
        {
            var (mse, naive) = Evaluate(model, val.Inputs, val.Targets, length, options.ValidationSequences);
            return (mse / naive, mse / naive < 0.8 * RequiredRatio); // stop with a margin below the criterion
        }, null, progress);
        var (modelMse, naiveMse) = Evaluate(model, test.Inputs, test.Targets, length, options.TestSequences);
        double ratio = modelMse / naiveMse;
        return new SineForecastResult(ratio < RequiredRatio, ratio, $"MSE {ratio:P1} of naive", steps, loss,
            clock.Elapsed.TotalSeconds, modelMse, naiveMse, options.Noise * options.Noise);
    }

    private static (float[] Inputs, float[] Targets) Set(Rng rng, double noise, int length, int count)
    {
        var x = new float[length * count];
        var y = new float[length * count];
        MakeBatch(rng, noise, length, count, x, y);
        return (x, y);
    }

    /// <summary>(model MSE, naive last-value MSE) over steps t ≥ <see cref="Warmup"/>.</summary>
    private static (double Model, double Naive) Evaluate(SequenceModel<float> model, float[] inputs, float[] targets, int length, int count)
    {
        model.ResetState();
        ReadOnlySpan<float> y = model.Forward(inputs, length, count, training: false);
        double m = 0, n = 0;
        for (int t = Warmup; t < length; t++)
            for (int b = 0; b < count; b++)
            {
                int i = t * count + b;
                double dm = y[i] - targets[i], dn = inputs[i] - targets[i];
                m += dm * dm;
                n += dn * dn;
            }
        double counted = (double)(length - Warmup) * count;
        return (m / counted, n / counted);
    }
}
