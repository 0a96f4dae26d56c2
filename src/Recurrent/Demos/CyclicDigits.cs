// CyclicDigits: the sequence task from the RNN notes — one-hot digits 0..8 where the next number is the
// current plus one, wrapping 8 → 0, in sequences of 9 from a random start. A model must learn to predict
// every next digit (100% next-step accuracy) and can then continue a sequence from any start digit.
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Randomness;
using Recurrent.Schedules;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Demos;

/// <summary>Settings of the cyclic-digit task.</summary>
public sealed record CyclicDigitsOptions
{
    /// <summary>Recurrent cell.</summary>
    public CellKind Cell { get; init; } = CellKind.RnnTanh;
    /// <summary>Hidden units.</summary>
    public int HiddenSize { get; init; } = 16;
    /// <summary>Sequences per training batch.</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>Upper bound on training steps; training stops earlier once held-out accuracy is 100%.</summary>
    public int MaxSteps { get; init; } = 2000;
    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Seed of initialisation and data.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Evaluate every this many steps.</summary>
    public int EvaluateEvery { get; init; } = 25;
}

/// <summary>Outcome of <see cref="CyclicDigits.Run"/>.</summary>
/// <param name="Accuracy">Next-step accuracy over all 9 start digits × 9 steps.</param>
/// <param name="Steps">Training steps taken.</param>
/// <param name="FinalLoss">Cross-entropy of the last training step (nats).</param>
/// <param name="Continuations">For each start digit 0..8, the 9 digits the model generates after it, feeding back its own predictions.</param>
public sealed record CyclicDigitsResult(double Accuracy, int Steps, double FinalLoss, IReadOnlyList<int[]> Continuations);

/// <summary>The cyclic-digit demo: data, training and evaluation.</summary>
public static class CyclicDigits
{
    /// <summary>Number of symbols (digits 0..8).</summary>
    public const int Symbols = 9;
    /// <summary>Length of every sequence.</summary>
    public const int Length = 9;

    /// <summary>The digit at position <paramref name="t"/> of the sequence starting at <paramref name="start"/>.</summary>
    public static int DigitAt(int start, int t) => (start + t) % Symbols;

    /// <summary>Fills time-major inputs/targets (Length, batch) for the given start digits.</summary>
    public static void MakeBatch(ReadOnlySpan<int> starts, Span<int> inputs, Span<int> targets)
    {
        int batch = starts.Length;
        for (int t = 0; t < Length; t++)
            for (int b = 0; b < batch; b++)
            {
                inputs[t * batch + b] = DigitAt(starts[b], t);
                targets[t * batch + b] = DigitAt(starts[b], t + 1);
            }
    }

    /// <summary>Trains a one-hot → cell → per-step softmax model until 100% accuracy (or MaxSteps) and evaluates it.</summary>
    public static CyclicDigitsResult Run(CyclicDigitsOptions options, Action<int, double, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new ModelConfig
        {
            Input = InputKind.OneHot, InputSize = Symbols, Cell = options.Cell, HiddenSize = options.HiddenSize,
            Layers = 1, OutputSize = Symbols,
        };
        var model = new SequenceModel<float>(config, options.Seed);
        var engine = new StepEngine<float>(model.Parameters, new Adam<float>(model.Parameters.Count),
            new ConstantSchedule(options.LearningRate), new TrainerOptions { ClipNorm = 5.0 });
        var rng = new Rng(options.Seed ^ 0x5DEECE66DUL);
        int batch = options.BatchSize;
        var starts = new int[batch];
        var inputs = new int[Length * batch];
        var targets = new int[Length * batch];
        var source = new GeneratedBatches(new Trainer<float>(model, engine), trainer =>
        {
            for (int b = 0; b < batch; b++) starts[b] = rng.NextInt(Symbols);
            MakeBatch(starts, inputs, targets);
            model.ResetState();
            return trainer.Train(inputs, targets, Length, batch);
        }, options.EvaluateEvery);
        double accuracy = 0;
        var loop = new FitLoop(model, engine, source, new FitOptions { Steps = options.MaxSteps }, new AccuracyCheck(model, a => accuracy = a));
        double loss = double.NaN;
        loop.Add(new DemoCriterion(null, progress is null ? null : p => progress(p.Step, p.Loss, p.Metric)))
            .Add(new LambdaCallback { StepEnd = s => loss = s.Loss });
        int step = (int)loop.Run().Step;
        var continuations = Enumerable.Range(0, Symbols).Select(s => Continue(model, s, Length)).ToArray();
        return new CyclicDigitsResult(accuracy, step, loss, continuations);
    }

    /// <summary>Fraction of correct argmax next-digit predictions over the 9 sequences (one per start digit).</summary>
    public static double Accuracy(SequenceModel<float> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var starts = Enumerable.Range(0, Symbols).ToArray();
        var inputs = new int[Length * Symbols];
        var targets = new int[Length * Symbols];
        MakeBatch(starts, inputs, targets);
        model.ResetState();
        ReadOnlySpan<float> logits = model.Forward(inputs, Length, Symbols, training: false);
        int correct = 0;
        for (int n = 0; n < targets.Length; n++)
            if (ArgMax(logits.Slice(n * Symbols, Symbols)) == targets[n]) correct++;
        return (double)correct / targets.Length;
    }

    /// <summary>Feeds <paramref name="start"/>, then the model's own argmax prediction, for <paramref name="count"/> steps.</summary>
    public static int[] Continue(SequenceModel<float> model, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(model);
        var produced = new int[count];
        model.ResetState();
        int current = start;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> logits = model.Forward([current], 1, 1, training: false);
            model.CarryState();
            current = ArgMax(logits);
            produced[i] = current;
        }
        return produced;
    }

    private static int ArgMax(ReadOnlySpan<float> v) => Supervised.PaddedInference.ArgMax(v);

    // Next-step accuracy over every start digit; the task is solved at 100%.
    private sealed class AccuracyCheck(SequenceModel<float> model, Action<double> seen) : IEvaluator
    {
        public Evaluation Evaluate()
        {
            double accuracy = Accuracy(model);
            seen(accuracy);
            return new Evaluation([new("val_accuracy", accuracy), new("stop", accuracy == 1.0 ? 1 : 0)], "val_accuracy", HigherIsBetter: true);
        }
    }
}
