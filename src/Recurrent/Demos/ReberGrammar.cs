// ReberGrammar: the embedded Reber grammar (Hochreiter & Schmidhuber 1997, exp. 1, after Fahlman 1991).
// Strings over B T P S X V E: B, then T or P, then a Reber string, then the same T or P again, then E.
// The model reads one-hot symbols (T,B,7) and predicts the next symbol at every step (T,B,7); the
// second-to-last symbol can only be predicted by remembering the second one across the inner string.
using System.Diagnostics;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;

namespace Recurrent.Demos;

/// <summary>Settings of the embedded Reber grammar task.</summary>
public sealed record ReberGrammarOptions : DemoOptions
{
    /// <summary>Defaults: H=16, batch 32, Adam 0.01, at most 3000 steps.</summary>
    public ReberGrammarOptions() { HiddenSize = 16; MaxSteps = 3000; LearningRate = 0.01; }
    /// <summary>Held-out test strings (the paper's test set has 256).</summary>
    public int TestStrings { get; init; } = 256;
    /// <summary>Validation strings checked during training for the early stop.</summary>
    public int ValidationStrings { get; init; } = 1000;
    /// <summary>Probability above which a symbol counts as predicted.</summary>
    public double Threshold { get; init; } = ReberGrammar.DefaultThreshold;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (TestStrings <= 0) throw new ArgumentException($"TestStrings must be positive, got {TestStrings}.", nameof(TestStrings));
        if (ValidationStrings <= 0) throw new ArgumentException($"ValidationStrings must be positive, got {ValidationStrings}.", nameof(ValidationStrings));
        if (!(Threshold > 0 && Threshold < 0.5)) throw new ArgumentException($"Threshold must be in (0, 0.5), got {Threshold}.", nameof(Threshold));
    }
}

/// <summary>Outcome of <see cref="ReberGrammar.Run"/>.</summary>
public sealed record ReberGrammarResult(bool Passed, double Metric, string MetricText, int Steps, double FinalLoss, double Seconds,
    double PositionAccuracy, double LongRangeAccuracy, string Example, string ExamplePrediction)
    : DemoResult(Passed, Metric, MetricText, Steps, FinalLoss, Seconds)
{
    /// <inheritdoc/>
    public override IReadOnlyList<string> Details =>
    [
        $"positions with exactly the legal symbols predicted: {PositionAccuracy:P2}",
        $"second-to-last symbol (the long-range one) predicted exactly: {LongRangeAccuracy:P2}",
        $"example {Example}: predicted sets {ExamplePrediction}",
    ];
}

/// <summary>The embedded Reber grammar: generator, legal-successor sets, training and the criterion.</summary>
public static class ReberGrammar
{
    /// <summary>The seven symbols; a symbol's id is its index here.</summary>
    public const string Alphabet = "BTPSXVE";
    /// <summary>Probability threshold of the criterion.</summary>
    public const double DefaultThreshold = 0.3;
    /// <summary>The criterion and its source.</summary>
    public const string Criterion =
        "every next symbol predicted legally: at every position of every held-out string, the symbols given " +
        "probability > 0.3 are exactly the legal successors, including the second-to-last one " +
        "(Hochreiter & Schmidhuber 1997, exp. 1; Fahlman 1991)";

    // Reber graph: state → (symbol, next state). State 0 emits B; state 6 emits E and the string ends (-1).
    private static readonly (char Symbol, int Next)[][] Graph =
    [
        [('B', 1)],
        [('T', 2), ('P', 3)],
        [('S', 2), ('X', 4)],
        [('T', 3), ('V', 5)],
        [('X', 3), ('S', 6)],
        [('P', 4), ('V', 6)],
        [('E', -1)],
    ];

    /// <summary>Id of a symbol of <see cref="Alphabet"/>.</summary>
    public static int Id(char symbol)
    {
        int id = Alphabet.IndexOf(symbol);
        if (id < 0) throw new ArgumentException($"'{symbol}' is not a Reber symbol; use one of {Alphabet}.", nameof(symbol));
        return id;
    }

    /// <summary>A Reber string (B … E), each branch taken with probability 1/2.</summary>
    public static string GenerateReber(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var s = new System.Text.StringBuilder();
        int state = 0;
        while (state >= 0)
        {
            var edges = Graph[state];
            var (symbol, next) = edges[edges.Length == 1 ? 0 : rng.NextInt(edges.Length)];
            s.Append(symbol);
            state = next;
        }
        return s.ToString();
    }

    /// <summary>An embedded Reber string: B, T or P, a Reber string, the same T or P, E.</summary>
    public static string Generate(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        char branch = rng.NextInt(2) == 0 ? 'T' : 'P';
        return $"B{branch}{GenerateReber(rng)}{branch}E";
    }

    /// <summary>
    /// For each position t of an embedded Reber string except the last, the bit mask (bit = symbol id) of the
    /// symbols that may legally follow the prefix ending at t.
    /// </summary>
    public static int[] LegalNext(string embedded)
    {
        ArgumentNullException.ThrowIfNull(embedded);
        int n = embedded.Length;
        if (n < 9 || embedded[0] != 'B' || embedded[^1] != 'E' || embedded[1] != embedded[^2] || (embedded[1] != 'T' && embedded[1] != 'P'))
            throw new ArgumentException($"'{embedded}' is not an embedded Reber string.", nameof(embedded));
        var masks = new int[n - 1];
        masks[0] = Bit('T') | Bit('P');
        masks[1] = Bit('B');
        int state = 0;
        for (int t = 2; t < n - 2; t++)
        {
            int next = -2;
            foreach (var (symbol, to) in Graph[state]) if (symbol == embedded[t]) next = to;
            if (next == -2) throw new ArgumentException($"'{embedded}' is not an embedded Reber string (symbol {t}).", nameof(embedded));
            state = next;
            if (state >= 0) foreach (var (symbol, _) in Graph[state]) masks[t] |= Bit(symbol);
            else if (t != n - 3) throw new ArgumentException($"'{embedded}' is not an embedded Reber string (inner string ends at {t}).", nameof(embedded));
        }
        if (state != -1) throw new ArgumentException($"'{embedded}' is not an embedded Reber string (inner string unfinished).", nameof(embedded));
        masks[n - 3] = Bit(embedded[1]);
        masks[n - 2] = Bit('E');
        return masks;
    }

    private static int Bit(char symbol) => 1 << Id(symbol);

    /// <summary>
    /// Fills time-major inputs and targets (steps, count) for strings[first..first+count), padded to
    /// <paramref name="steps"/>: input E and target -1 (ignored) after each string's end; the target of a
    /// string's last symbol is -1 too.
    /// </summary>
    public static void MakeBatch(IReadOnlyList<string> strings, int first, int count, int steps, Span<int> inputs, Span<int> targets)
    {
        ArgumentNullException.ThrowIfNull(strings);
        int e = Id('E');
        for (int b = 0; b < count; b++)
        {
            string s = strings[first + b];
            for (int t = 0; t < steps; t++)
            {
                inputs[t * count + b] = t < s.Length ? Id(s[t]) : e;
                targets[t * count + b] = t < s.Length - 1 ? Id(s[t + 1]) : -1;
            }
        }
    }

    /// <summary>Trains a one-hot → cell → per-step softmax model on fresh strings and checks the criterion on held-out strings.</summary>
    public static ReberGrammarResult Run(ReberGrammarOptions options, Action<DemoProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var model = DemoTraining.CreateModel(new ModelConfig
        {
            Input = InputKind.OneHot, InputSize = Alphabet.Length,
            OutputSize = Alphabet.Length,
        }, options);
        var seeds = new Rng(options.Seed ^ 0x2EBE2UL);
        var trainRng = seeds.Fork();
        var validation = Strings(seeds.Fork(), options.ValidationStrings);
        var test = Strings(seeds.Fork(), options.TestStrings);
        int batch = options.BatchSize;
        var strings = new string[batch];
        var (steps, loss) = DemoTraining.Run(options, model, trainer =>
        {
            int longest = 0;
            for (int b = 0; b < batch; b++) longest = Math.Max(longest, (strings[b] = Generate(trainRng)).Length);
            var inputs = new int[longest * batch];
            var targets = new int[longest * batch];
            MakeBatch(strings, 0, batch, longest, inputs, targets);
            model.ResetState();
            return trainer.Train(inputs, targets, longest, batch);
        }, () =>
        {
            var e = Evaluate(model, validation, options.Threshold);
            return (e.StringAccuracy, e.StringAccuracy == 1.0);
        }, null, progress);
        var final = Evaluate(model, test, options.Threshold);
        string example = test[0];
        var sets = PredictedSets(model, example, options.Threshold);
        return new ReberGrammarResult(final.StringAccuracy == 1.0, final.StringAccuracy,
            $"{final.StringAccuracy:P1} of strings", steps, loss, clock.Elapsed.TotalSeconds,
            final.PositionAccuracy, final.LongRangeAccuracy, example, string.Join(' ', sets));
    }

    private static string[] Strings(Rng rng, int count)
    {
        var list = new string[count];
        for (int i = 0; i < count; i++) list[i] = Generate(rng);
        return list;
    }

    /// <summary>Fractions of strings, of positions and of second-to-last positions where the predicted set is exactly the legal set.</summary>
    public static (double StringAccuracy, double PositionAccuracy, double LongRangeAccuracy) Evaluate(
        SequenceModel<float> model, IReadOnlyList<string> strings, double threshold)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(strings);
        int k = Alphabet.Length;
        int goodStrings = 0, goodPositions = 0, positions = 0, goodLong = 0;
        Span<double> p = stackalloc double[k];
        const int chunk = 128;
        for (int first = 0; first < strings.Count; first += chunk)
        {
            int count = Math.Min(chunk, strings.Count - first);
            int longest = 0;
            for (int b = 0; b < count; b++) longest = Math.Max(longest, strings[first + b].Length);
            var inputs = new int[longest * count];
            var targets = new int[longest * count];
            MakeBatch(strings, first, count, longest, inputs, targets);
            model.ResetState();
            ReadOnlySpan<float> logits = model.Forward(inputs, longest, count, training: false);
            for (int b = 0; b < count; b++)
            {
                string s = strings[first + b];
                int[] legal = LegalNext(s);
                bool all = true;
                for (int t = 0; t < legal.Length; t++)
                {
                    DemoTraining.Softmax(logits.Slice((t * count + b) * k, k), p);
                    int predicted = 0;
                    for (int j = 0; j < k; j++) if (p[j] > threshold) predicted |= 1 << j;
                    bool ok = predicted == legal[t];
                    positions++;
                    if (ok) goodPositions++; else all = false;
                    if (ok && t == legal.Length - 2) goodLong++;
                }
                if (all) goodStrings++;
            }
        }
        return ((double)goodStrings / strings.Count, (double)goodPositions / positions, (double)goodLong / strings.Count);
    }

    /// <summary>The predicted successor set at each position of <paramref name="embedded"/>, e.g. "{T,P}".</summary>
    public static string[] PredictedSets(SequenceModel<float> model, string embedded, double threshold)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(embedded);
        int k = Alphabet.Length, n = embedded.Length;
        var inputs = new int[n];
        var targets = new int[n];
        MakeBatch([embedded], 0, 1, n, inputs, targets);
        model.ResetState();
        ReadOnlySpan<float> logits = model.Forward(inputs, n, 1, training: false);
        var sets = new string[n - 1];
        Span<double> p = stackalloc double[k];
        for (int t = 0; t < n - 1; t++)
        {
            DemoTraining.Softmax(logits.Slice(t * k, k), p);
            var chosen = new List<char>();
            for (int j = 0; j < k; j++) if (p[j] > threshold) chosen.Add(Alphabet[j]);
            sets[t] = "{" + string.Join(',', chosen) + "}";
        }
        return sets;
    }
}
