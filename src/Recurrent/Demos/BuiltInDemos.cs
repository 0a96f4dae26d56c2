// BuiltInDemos: the registry of built-in demo tasks in the order `rnn demo all` runs them. A new task plugs in
// with one entry here (its Run adapts the task's own options and result to DemoRequest and DemoResult).
using System.Diagnostics;

namespace Recurrent.Demos;

/// <summary>The built-in tasks, by name.</summary>
public static class BuiltInDemos
{
    /// <summary>Every built-in task, in the order <c>rnn demo all</c> runs them.</summary>
    public static IReadOnlyList<BuiltInDemo> All { get; } =
    [
        new("cyclic", "one-hot digits 0..8, next = current + 1 (8 wraps to 0); predict every next digit",
            "100% next-step accuracy over all 9 start digits (the cyclic-digit task of the RNN notes)", null, 0, RunCyclic),
        new("reber", "embedded Reber grammar; predict the next symbol at every step",
            ReberGrammar.Criterion, null, 0,
            (r, p) => ReberGrammar.Run(r.Apply(new ReberGrammarOptions()), p)),
        new("adding", "adding problem: sum the two marked values of a long sequence of (value, marker) pairs",
            AddingProblem.Criterion, "minimal sequence length T (lengths in [T, T+T/10])", 20,
            (r, p) => AddingProblem.Run(r.Apply(new AddingProblemOptions
            {
                Length = r.Length ?? (r.Quick ? 30 : 100), TestSequences = r.Quick ? 512 : 2560,
            }), p)),
        new("copy", "copy task: read K symbols, wait T steps, then reproduce them in order",
            CopyMemory.Criterion, "delay T between the symbols and the recall", 1,
            (r, p) => CopyMemory.Run(r.Apply(new CopyMemoryOptions { Delay = r.Length ?? (r.Quick ? 10 : 50) }), p)),
        new("temporal-order", "temporal order: classify the order of X/Y at two positions of a long sequence of distractors",
            TemporalOrder.Criterion, "minimal sequence length T (lengths in [T, T+T/10])", 20,
            (r, p) => TemporalOrder.Run(r.Apply(new TemporalOrderOptions
            {
                Length = r.Length ?? (r.Quick ? 30 : 100), TestSequences = r.Quick ? 512 : 2560,
            }), p)),
        new("sine", "forecast the next value of a noisy sum of two sines",
            SineForecast.Criterion, "steps per sequence", SineForecast.Warmup + 1,
            (r, p) => SineForecast.Run(r.Apply(new SineForecastOptions { Length = r.Length ?? 60 }), p)),
        new("addition", "seq2seq addition (Keras addition_rnn): \"123+45\" → \"168\", 50,000 questions, reversed input",
            AdditionDemo.Criterion, null, 0, RunAddition),
    ];

    /// <summary>The task called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static BuiltInDemo? Find(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    // The encoder–decoder addition task (AdditionDemo) with a time budget of 120 s per run (30 s quick, with
    // two-digit operands), so a cell that does not learn it does not hold up `demo all --compare`.
    private static DemoResult RunAddition(DemoRequest request, Action<DemoProgress>? progress)
    {
        var defaults = new AdditionOptions();
        var options = defaults with
        {
            Cell = request.Cell,
            Seed = request.Seed,
            HiddenSize = request.HiddenSize ?? defaults.HiddenSize,
            BatchSize = request.BatchSize ?? (request.Quick ? 32 : defaults.BatchSize),
            LearningRate = request.LearningRate ?? defaults.LearningRate,
            LearningRateDecay = request.Quick ? 0.9 : defaults.LearningRateDecay,
            Epochs = request.Quick ? 60 : defaults.Epochs,
            Digits = request.Quick ? 2 : defaults.Digits,
            Examples = request.Quick ? 2500 : defaults.Examples,
            TimeBudgetSeconds = request.Quick ? 30 : 120,
        };
        var report = new Training.Callbacks.LambdaCallback
        {
            Logged = m =>
            {
                if (m.Validation is null) return;
                double tokens = m.Validation.First(v => v.Key == Seq2Seq.Seq2SeqTraining.MonitoredMetric).Value;
                progress?.Invoke(new DemoProgress((int)m.Step, m.TrainLoss ?? double.NaN, tokens, tokens >= options.Target));
            },
        };
        var result = AdditionDemo.Run(options, [report]);
        double accuracy = result.Validation?.TokenAccuracy ?? 0;
        return new DemoResult(accuracy >= options.Target, accuracy, $"{accuracy:P1} per-character",
            (int)result.Outcome.Step, result.Outcome.TrainLoss ?? double.NaN, result.Outcome.ElapsedSeconds);
    }

    private static DemoResult RunCyclic(DemoRequest request, Action<DemoProgress>? progress)
    {
        var clock = Stopwatch.StartNew();
        var defaults = new CyclicDigitsOptions();
        var result = CyclicDigits.Run(new CyclicDigitsOptions
        {
            Cell = request.Cell,
            Seed = request.Seed,
            HiddenSize = request.HiddenSize ?? defaults.HiddenSize,
            MaxSteps = request.MaxSteps ?? defaults.MaxSteps,
            LearningRate = request.LearningRate ?? defaults.LearningRate,
        }, (step, loss, accuracy) => progress?.Invoke(new DemoProgress(step, loss, accuracy, accuracy == 1.0)));
        return new DemoResult(result.Accuracy == 1.0, result.Accuracy, $"{result.Accuracy:P1} next-step",
            result.Steps, result.FinalLoss, clock.Elapsed.TotalSeconds);
    }
}
