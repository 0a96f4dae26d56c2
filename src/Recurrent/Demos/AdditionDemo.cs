// AdditionDemo: the Keras example addition_rnn ("Sequence to sequence learning for performing number
// addition") as an encoder–decoder task. Questions "a+b" with a and b of 1..3 random digits (so sums up to
// 1998), 50,000 distinct questions generated in code (a+b and b+a count once, as in the example), the last
// 10% held out for validation, sources reversed and left-padded to 7 characters as the example pads with
// spaces, answers decoded character by character until the end token.
// Criterion, from the example's own header: "Three digits (reversed): One layer LSTM (128 HN), 50k training
// examples = 99% train/test accuracy in 100 epochs" — here ≥ 99% per-character accuracy of greedy decoding on
// the validation questions (each answer digit and the end position; stricter than Keras' per-position
// accuracy, which scores a fixed-width, space-padded answer without feeding back the model's own outputs).
// Training is Seq2SeqTraining's on the fit loop: the per-epoch learning-rate decay is the shared StepDecay schedule,
// and the criterion ends the run as soon as an evaluation meets it (a StopAtTarget callback).
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Seq2Seq;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Demos;

/// <summary>Settings of the addition task.</summary>
public sealed record AdditionOptions
{
    /// <summary>Distinct questions generated (Keras: 50,000).</summary>
    public int Examples { get; init; } = 50_000;
    /// <summary>Largest number of digits of each operand (Keras: 3).</summary>
    public int Digits { get; init; } = 3;
    /// <summary>Fraction held out for validation (Keras: 0.1).</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Recurrent cell.</summary>
    public CellKind Cell { get; init; } = CellKind.Lstm;
    /// <summary>Hidden units (Keras: 128).</summary>
    public int HiddenSize { get; init; } = 128;
    /// <summary>Embedding size.</summary>
    public int EmbeddingSize { get; init; } = 16;
    /// <summary>The decoder's attention over the encoder's outputs (Keras' example has none).</summary>
    public AttentionKind Attention { get; init; }
    /// <summary>Pairs per update.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 1e-2;
    /// <summary>Learning-rate factor after every epoch (1 = constant).</summary>
    public double LearningRateDecay { get; init; } = 0.7;
    /// <summary>Upper bound on epochs.</summary>
    public int Epochs { get; init; } = 40;
    /// <summary>Evaluate every this many updates (0 = every epoch).</summary>
    public int EvaluateEvery { get; init; } = 125;
    /// <summary>Stop when validation per-character accuracy reaches this (the criterion).</summary>
    public double Target { get; init; } = 0.99;
    /// <summary>Wall-clock budget in seconds (0 = none).</summary>
    public double TimeBudgetSeconds { get; init; }
    /// <summary>Seed of data, initialisation and shuffling.</summary>
    public ulong Seed { get; init; } = 1;
}

/// <summary>The addition demo: data generation and training.</summary>
public static class AdditionDemo
{
    /// <summary>The criterion and where it comes from.</summary>
    public const string Criterion = "≥ 99% per-character validation accuracy (Keras examples, addition_rnn.py: \"Three digits (reversed): " +
        "One layer LSTM (128 HN), 50k training examples = 99% train/test accuracy in 100 epochs\")";

    /// <summary>
    /// <paramref name="count"/> distinct questions "a+b" → "sum" with operands of 1..<paramref name="digits"/> random digits
    /// (a+b and b+a count once). Throws ArgumentException when fewer distinct questions exist.
    /// </summary>
    public static List<Seq2SeqPair> Generate(int count, int digits, ulong seed)
    {
        if (digits is < 1 or > 6) throw new ArgumentException($"digits must be in 1..6, got {digits}.", nameof(digits));
        long max = (long)Math.Pow(10, digits);
        long distinct = max * (max + 1) / 2;
        if (count <= 0 || count > distinct / 2)
            throw new ArgumentException($"count must be in 1..{distinct / 2} for {digits}-digit operands, got {count}.", nameof(count));
        var rng = new Rng(seed);
        var seen = new HashSet<(int, int)>();
        var pairs = new List<Seq2SeqPair>(count);
        while (pairs.Count < count)
        {
            int a = Number(rng, digits), b = Number(rng, digits);
            if (!seen.Add((Math.Min(a, b), Math.Max(a, b)))) continue;
            pairs.Add(new Seq2SeqPair($"{a}+{b}", (a + b).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return pairs;
    }

    // As the example: a random length 1..digits, then that many random digits (leading zeros vanish in the int).
    private static int Number(Rng rng, int digits)
    {
        int length = 1 + rng.NextInt(digits), n = 0;
        for (int i = 0; i < length; i++) n = n * 10 + rng.NextInt(10);
        return n;
    }

    /// <summary>The questions of <paramref name="options"/>: training and (the last <see cref="AdditionOptions.ValidationFraction"/>) validation.</summary>
    public static (List<Seq2SeqPair> Train, List<Seq2SeqPair> Validation) Split(AdditionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.ValidationFraction > 0 && options.ValidationFraction < 1))
            throw new ArgumentException($"ValidationFraction must be in (0, 1), got {options.ValidationFraction}.", nameof(options));
        var pairs = Generate(options.Examples, options.Digits, options.Seed);
        int validationCount = Math.Max(1, (int)Math.Round(pairs.Count * options.ValidationFraction));
        return (pairs.Take(pairs.Count - validationCount).ToList(), pairs.Skip(pairs.Count - validationCount).ToList());
    }

    /// <summary>The encoder–decoder training options of the task (reversed sources padded to 2·digits + 1 characters).</summary>
    public static Seq2SeqTrainingOptions TrainingOptions(AdditionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Seq2SeqTrainingOptions
        {
            Model = new Seq2SeqSettings
            {
                Cell = options.Cell, HiddenSize = options.HiddenSize, Layers = 1, EmbeddingSize = options.EmbeddingSize, Attention = options.Attention,
            },
            BatchSize = options.BatchSize,
            Optimization = new OptimizationOptions
            {
                LearningRate = options.LearningRate, ClipNorm = 5,
                Schedule = options.LearningRateDecay == 1 ? LearningRateScheduleKind.Constant : LearningRateScheduleKind.StepDecay,
                LrDecay = options.LearningRateDecay, LrDecayAfter = 1, LrDecayEvery = 1,
            },
            Fit = new FitOptions
            {
                Epochs = options.Epochs, EvalEvery = options.EvaluateEvery > 0 ? options.EvaluateEvery : null,
                TimeBudgetSeconds = options.TimeBudgetSeconds > 0 ? options.TimeBudgetSeconds : null,
            },
            ReverseSource = true, SourceLength = 2 * options.Digits + 1, MaxTargetLength = options.Digits + 1, Seed = options.Seed,
        };
    }

    /// <summary>
    /// Generates the data and trains an encoder–decoder until the target accuracy (or the epoch or time budget);
    /// the returned model holds the parameters of the best evaluation. <paramref name="callbacks"/> follow the run.
    /// </summary>
    public static Seq2SeqTrainingResult Run(AdditionOptions options, IEnumerable<FitCallback>? callbacks = null, CancellationToken cancellation = default)
    {
        var (train, validation) = Split(options);
        return Seq2SeqTraining.Train(train, validation, TrainingOptions(options), [new StopAtTarget(options.Target), .. callbacks ?? []], cancellation);
    }
}
