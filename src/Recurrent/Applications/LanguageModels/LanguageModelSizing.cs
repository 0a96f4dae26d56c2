// LanguageModelSizing: the defaults that size themselves. When a language-model run is not told its width, depth,
// batch, window, learning rate or dropout, they are chosen from the corpus size, the vocabulary and the budget, using
// this machine's measured throughput: a budget in time buys each candidate width a number of training tokens
// (its measured tokens/s × the seconds), a step or epoch budget buys every width the same tokens. The rule, fitted
// on the sweep in docs/scaling.md, is compute-optimal sizing in the sense of Kaplan et al. and Hoffmann et al.:
// take the widest model that still sees at least TokensPerParameter training tokens per parameter; then regularise
// by how often it will see each token (epochs) and how large it is against the corpus (parameters per token).
// What it chose, and why, is one line (SizingChoice.Describe) the CLI prints.
using System.Diagnostics;
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Randomness;
using Recurrent.Schedules;
using Recurrent.Training;

namespace Recurrent.LanguageModels;

/// <summary>What a sized run must respect: the corpus, the budget, and every setting the user fixed (null = choose it).</summary>
public sealed record SizingRequest
{
    /// <summary>Training tokens in the corpus (after the validation split).</summary>
    public required long TrainingTokens { get; init; }
    /// <summary>Tokenizer vocabulary size.</summary>
    public required int Vocabulary { get; init; }
    /// <summary>Wall-clock budget in seconds, if any.</summary>
    public double? TimeSeconds { get; init; }
    /// <summary>Update budget, if any.</summary>
    public long? Steps { get; init; }
    /// <summary>Epoch budget, if any.</summary>
    public int? Epochs { get; init; }
    /// <summary>Fixed hidden size (null: choose).</summary>
    public int? HiddenSize { get; init; }
    /// <summary>Fixed layer count (null: choose).</summary>
    public int? Layers { get; init; }
    /// <summary>Fixed batch (null: choose).</summary>
    public int? BatchSize { get; init; }
    /// <summary>Fixed window (null: choose).</summary>
    public int? SequenceLength { get; init; }
    /// <summary>Fixed learning rate (null: choose).</summary>
    public double? LearningRate { get; init; }
    /// <summary>Fixed dropout (null: choose).</summary>
    public double? Dropout { get; init; }
    /// <summary>Whether the learning-rate schedule was given (then it is kept; otherwise a cosine decay over the budget is chosen).</summary>
    public bool ScheduleGiven { get; init; }
}

/// <summary>One candidate's figures and the configuration chosen, with the reason.</summary>
public sealed record SizingChoice
{
    /// <summary>Hidden units per layer.</summary>
    public required int HiddenSize { get; init; }
    /// <summary>Layers.</summary>
    public required int Layers { get; init; }
    /// <summary>Streams per batch.</summary>
    public required int BatchSize { get; init; }
    /// <summary>Window length.</summary>
    public required int SequenceLength { get; init; }
    /// <summary>Adam learning rate.</summary>
    public required double LearningRate { get; init; }
    /// <summary>Dropout (locked or per element, as the model's other settings say).</summary>
    public required double Dropout { get; init; }
    /// <summary>Parameters of the chosen model.</summary>
    public required long Parameters { get; init; }
    /// <summary>Training tokens the budget buys this model.</summary>
    public required double Tokens { get; init; }
    /// <summary>Measured training tokens/s of the chosen model (null for step and epoch budgets, which need no timing).</summary>
    public double? TokensPerSecond { get; init; }
    /// <summary>Updates the budget buys (the cosine schedule's length).</summary>
    public required long Updates { get; init; }
    /// <summary>Passes over the training tokens the budget buys.</summary>
    public double Epochs { get; init; }
    /// <summary>Which settings were chosen (not given by the user).</summary>
    public required IReadOnlyList<string> Chosen { get; init; }
    /// <summary>Why this width: the binding rule, in words.</summary>
    public required string Reason { get; init; }

    /// <summary>One line: what was chosen, the figures behind it, and the rule.</summary>
    public string Describe()
    {
        string speed = TokensPerSecond is double tps ? $"{tps:N0} tokens/s measured, " : "";
        return $"sized for the budget: {Layers}×{HiddenSize}, {Parameters:N0} parameters, batch {BatchSize} × {SequenceLength}, " +
            $"lr {LearningRate:G3} (cosine), dropout {Dropout:G2} — {speed}{Tokens:N0} tokens ≈ {Updates:N0} updates, " +
            $"{Epochs:F1} epochs; {Reason} (chosen: {string.Join(", ", Chosen)}; rule: docs/scaling.md)";
    }
}

/// <summary>Chooses a language model's unspecified settings from corpus, vocabulary, budget and measured speed.</summary>
public static class LanguageModelSizing
{
    /// <summary>Widths tried, narrowest first.</summary>
    public static readonly int[] CandidateWidths = [128, 192, 256, 384, 512, 768, 1024];

    /// <summary>Training tokens each parameter should see within the budget (fitted on docs/scaling.md's sweep).</summary>
    public const double TokensPerParameter = 8.0;

    /// <summary>The share of a time budget left for training after evaluations and the start-up timing.</summary>
    public const double TrainingShare = 0.92;

    /// <summary>Default layers, batch, long and short windows, and the Adam learning rate of sized runs.</summary>
    public const int DefaultLayers = 2, DefaultBatch = 32, LongWindow = 128, ShortWindow = 64;
    /// <summary>Adam's peak learning rate in sized runs; the cosine schedule ends at a twentieth of it.</summary>
    public const double DefaultLearningRate = 2e-3;

    /// <summary>
    /// Dropout for a model of <paramref name="parameters"/> trained for <paramref name="epochs"/> passes over
    /// <paramref name="trainingTokens"/> tokens: none while every token is seen at most twice (no time to overfit);
    /// otherwise growing with the parameters per training token (docs/scaling.md), from 0.1 for a model as large as the
    /// corpus to 0.3 at three times its size, within [0, 0.4].
    /// </summary>
    public static double DropoutFor(long parameters, long trainingTokens, double epochs)
    {
        if (epochs <= 2) return 0;
        double ratio = (double)parameters / Math.Max(1, trainingTokens);
        double p = 0.1 + 0.2 * Math.Log(ratio, 3); // ratio 1 → 0.1, ratio 3 → 0.3
        return Math.Round(Math.Clamp(p, 0, 0.4) * 20) / 20; // to 0.05
    }

    /// <summary>
    /// Chooses the settings <paramref name="request"/> leaves open. <paramref name="measure"/> times a configuration
    /// (training tokens/s of a model with that config at that batch and window); it is called only for a time budget,
    /// narrowest width first, and stops at the first width that fails the rule.
    /// </summary>
    public static SizingChoice Choose(LanguageModelOptions options, SizingRequest request, Func<ModelConfig, int, int, double> measure)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(measure);
        if (request.TrainingTokens <= 0) throw new ArgumentException("The corpus has no training tokens.", nameof(request));
        var chosen = new List<string>();
        int layers = request.Layers ?? Note(DefaultLayers, "layers", chosen);
        int batch = request.BatchSize ?? Note(DefaultBatch, "batch", chosen);
        // A long window when the corpus holds at least 50 windows of it per epoch; otherwise the short one.
        int window = request.SequenceLength ?? Note(
            request.TrainingTokens >= 50L * batch * (LongWindow + 1) ? LongWindow : ShortWindow, "seq-length", chosen);
        double lr = request.LearningRate ?? Note(DefaultLearningRate, "lr", chosen);

        ModelConfig ConfigFor(int h) => (options with { HiddenSize = h, Layers = layers }).ModelConfig(request.Vocabulary);
        double TokensFor(int h, out double? tokensPerSecond)
        {
            tokensPerSecond = null;
            if (request.TimeSeconds is double seconds)
            {
                tokensPerSecond = measure(ConfigFor(h), batch, window);
                double timed = tokensPerSecond.Value * seconds * TrainingShare;
                // A step or epoch budget given beside the time caps the tokens too.
                if (request.Steps is long s) timed = Math.Min(timed, (double)s * batch * window);
                if (request.Epochs is int e) timed = Math.Min(timed, (double)e * request.TrainingTokens);
                return timed;
            }
            if (request.Steps is long steps) return (double)steps * batch * window;
            if (request.Epochs is int epochs) return (double)epochs * request.TrainingTokens;
            throw new ArgumentException("Sizing needs a budget: a time, a step or an epoch budget.", nameof(request));
        }

        int width;
        double tokens;
        double? speed;
        string reason;
        if (request.HiddenSize is int fixedWidth)
        {
            width = fixedWidth;
            tokens = TokensFor(width, out speed);
            reason = "width given";
        }
        else
        {
            chosen.Insert(0, "hidden");
            width = CandidateWidths[0];
            tokens = TokensFor(width, out speed);
            reason = $"even the narrowest width sees fewer than {TokensPerParameter:G} tokens per parameter";
            if (tokens >= TokensPerParameter * Parameters(ConfigFor(width)))
            {
                reason = $"the widest model that sees ≥ {TokensPerParameter:G} tokens per parameter";
                foreach (int h in CandidateWidths.Skip(1))
                {
                    ModelConfig config = ConfigFor(h);
                    if (!FitsInMemory(config, batch, window, options)) { reason += $" and fits in memory"; break; }
                    // Without a time budget the tokens are the same for every width: no need to measure.
                    double t = TokensFor(h, out double? s);
                    if (t < TokensPerParameter * Parameters(config)) break;
                    (width, tokens, speed) = (h, t, s);
                }
            }
        }
        long parameters = Parameters(ConfigFor(width));
        double epochsSeen = tokens / request.TrainingTokens;
        double dropout = request.Dropout ?? Note(DropoutFor(parameters, request.TrainingTokens, epochsSeen), "dropout", chosen);
        return new SizingChoice
        {
            HiddenSize = width, Layers = layers, BatchSize = batch, SequenceLength = window, LearningRate = lr, Dropout = dropout,
            Parameters = parameters, Tokens = tokens, TokensPerSecond = speed, Updates = Math.Max(1, (long)(tokens / ((double)batch * window))),
            Epochs = epochsSeen, Chosen = chosen, Reason = reason,
        };
    }

    /// <summary>
    /// <paramref name="options"/> with the choice applied: width, depth, batch, window, learning rate and dropout, and —
    /// unless the schedule was given — Adam with a cosine decay from the learning rate to a twentieth of it over the
    /// updates the budget buys, after a warm-up of 1% of them.
    /// </summary>
    public static LanguageModelOptions Apply(LanguageModelOptions options, SizingChoice choice, bool scheduleGiven)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(choice);
        var optimization = options.Optimization with { LearningRate = choice.LearningRate };
        if (!scheduleGiven)
            optimization = optimization with
            {
                Schedule = LearningRateScheduleKind.Cosine,
                WarmupSteps = Math.Max(1, choice.Updates / 100),
                ScheduleSteps = choice.Updates,
                MinLearningRate = choice.LearningRate / 20,
            };
        return options with
        {
            HiddenSize = choice.HiddenSize, Layers = choice.Layers, BatchSize = choice.BatchSize,
            SequenceLength = choice.SequenceLength, Dropout = choice.Dropout, Optimization = optimization,
        };
    }

    /// <summary>Parameters of a model with this configuration.</summary>
    public static long Parameters(ModelConfig config) => (long)ModelMemory.ParameterCount(config);

    private static bool FitsInMemory(ModelConfig config, int batch, int window, LanguageModelOptions options)
    {
        var e = ModelMemory.Estimate(config, batch, window, options.Optimization.OptimizerBuffers);
        return e.TotalBytes < ModelMemory.AvailableBytes / 2;
    }

    private static TV Note<TV>(TV value, string name, List<string> chosen)
    {
        chosen.Add(name);
        return value;
    }

    /// <summary>
    /// Training tokens/s of <paramref name="config"/> at this batch and window on this machine: a throw-away model
    /// (its own seed; the run's generators are untouched) trains on random tokens, one warm-up update, then timed updates
    /// until <paramref name="minSeconds"/> have passed (at least two).
    /// </summary>
    public static double MeasureTokensPerSecond(ModelConfig config, int batch, int window, double minSeconds = 0.4)
    {
        ArgumentNullException.ThrowIfNull(config);
        var model = new SequenceModel<float>(config, seed: 0x5EED);
        var trainer = new Trainer<float>(model, new Adam<float>(model.Parameters.Count), new ConstantSchedule(1e-3));
        var rng = new Rng(12345);
        int n = batch * window;
        var tokens = new int[n];
        var targets = new int[n];
        for (int i = 0; i < n; i++) { tokens[i] = (int)rng.NextInt(config.InputSize); targets[i] = (int)rng.NextInt(config.OutputSize); }
        trainer.Train(tokens, targets, window, batch);
        int steps = 0;
        var watch = Stopwatch.StartNew();
        while (steps < 2 || watch.Elapsed.TotalSeconds < minSeconds)
        {
            model.ResetState();
            trainer.Train(tokens, targets, window, batch);
            steps++;
        }
        return steps * (double)n / watch.Elapsed.TotalSeconds;
    }
}
