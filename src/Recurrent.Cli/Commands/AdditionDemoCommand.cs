// AdditionDemoCommand: `rnn demo addition` — the Keras addition_rnn task (AdditionDemo): trains an LSTM
// encoder–decoder until 99% per-character validation accuracy, prints progress, examples, the criterion with
// its source, PASS/FAIL and the run time.
using System.CommandLine;
using System.Diagnostics;
using Recurrent.Training;
using Recurrent.Training.Callbacks;
using Recurrent.Seq2Seq;
using Recurrent.Demos;

namespace Recurrent.Cli.Commands;

internal static class AdditionDemoCommand
{
    public static Command Create()
    {
        var defaults = new AdditionOptions();
        var cell = CommonOptions.Cell("lstm");
        var hidden = new Option<int>("--hidden") { Description = "Hidden units.", DefaultValueFactory = _ => defaults.HiddenSize };
        var digits = new Option<int>("--digits") { Description = "Largest number of digits per operand (the criterion is for 3).", DefaultValueFactory = _ => defaults.Digits };
        var examples = new Option<int>("--examples") { Description = "Distinct questions generated.", DefaultValueFactory = _ => defaults.Examples };
        var epochs = new Option<int>("--epochs") { Description = "Upper bound on epochs.", DefaultValueFactory = _ => defaults.Epochs };
        var batch = new Option<int>("--batch") { Description = "Questions per update.", DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var lrDecay = new Option<double>("--lr-decay") { Description = "Learning-rate factor after every epoch.", DefaultValueFactory = _ => defaults.LearningRateDecay };
        var evalEvery = new Option<int>("--eval-every") { Description = "Evaluate every N updates (0 = every epoch).", DefaultValueFactory = _ => defaults.EvaluateEvery };
        var time = new Option<double>("--time") { Description = "Wall-clock budget in seconds (0 = none).", DefaultValueFactory = _ => 0 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => defaults.Seed };
        var attention = new Option<string?>("--attention") { HelpName = "bahdanau|luong|luong-dot|none", Description = "The decoder attends over the encoder's outputs (default none, as Keras' example)." };
        var cmd = new Command("addition",
            "Keras addition_rnn: learn \"123+45\" → \"168\" (operands up to 3 digits, 50,000 questions, reversed input) with an encoder–decoder until 99% per-character validation accuracy.")
        {
            cell, hidden, digits, examples, epochs, batch, lr, lrDecay, evalEvery, time, seed, attention,
        };
        cmd.SetAction(parse =>
        {
            int h = parse.GetValue(hidden), n = parse.GetValue(examples), e = parse.GetValue(epochs), b = parse.GetValue(batch);
            double rate = parse.GetValue(lr), budget = parse.GetValue(time);
            if (h <= 0) throw new UserFacingException($"--hidden must be positive, got {h}.");
            int d = parse.GetValue(digits);
            if (d is < 1 or > 6) throw new UserFacingException($"--digits must be in 1..6, got {d}.");
            if (n < 20) throw new UserFacingException($"--examples must be at least 20, got {n}.");
            if (e <= 0) throw new UserFacingException($"--epochs must be positive, got {e}.");
            if (b <= 0) throw new UserFacingException($"--batch must be positive, got {b}.");
            if (!(rate > 0 && double.IsFinite(rate))) throw new UserFacingException($"--lr must be a positive number, got {rate}.");
            double decay = parse.GetValue(lrDecay);
            if (!(decay > 0 && decay <= 1)) throw new UserFacingException($"--lr-decay must be in (0, 1], got {decay}.");
            if (!(budget >= 0)) throw new UserFacingException($"--time must be >= 0 seconds, got {budget}.");
            var options = defaults with
            {
                Cell = CommonOptions.ParseCell(parse.GetValue(cell)!), HiddenSize = h, Digits = d, Examples = n, Epochs = e, BatchSize = b,
                LearningRate = rate, LearningRateDecay = decay, EvaluateEvery = parse.GetValue(evalEvery), TimeBudgetSeconds = budget, Seed = parse.GetValue(seed),
                Attention = parse.GetValue(attention) is string a ? TrainCommand.ParseAttention(a) : defaults.Attention,
            };
            int validation = (int)Math.Round(n * options.ValidationFraction);
            Console.WriteLine($"addition: {n:N0} questions a+b (operands of 1..{options.Digits} digits), {n - validation:N0} train / {validation:N0} validation; " +
                              $"source reversed; {options.Cell} encoder–decoder H={h}, embedding {options.EmbeddingSize}{(options.Attention == Layers.AttentionKind.None ? "" : $", {TrainCommand.AttentionName(options.Attention)}")}; Adam lr {rate}{(decay < 1 ? $" × {decay} per epoch" : "")}, batch {b}, seed {options.Seed}");
            Console.WriteLine($"criterion: {AdditionDemo.Criterion}");
            long possible = (long)Math.Pow(10, d) * ((long)Math.Pow(10, d) + 1) / 4;
            if (n > possible) throw new UserFacingException($"--examples must be at most {possible:N0} for {d}-digit operands, got {n:N0}.");
            var clock = Stopwatch.StartNew();
            var progress = new LambdaCallback
            {
                Logged = m =>
                {
                    if (m.Validation is null) return;
                    double Metric(string name) => m.Validation.First(v => v.Key == name).Value;
                    Console.WriteLine($"  step {m.Step,6}  epoch {m.Epoch,5:F2}  train loss {m.TrainLoss ?? double.NaN:F4}  validation: per-character {Metric(Seq2SeqTraining.MonitoredMetric):P2}, " +
                                      $"exact {Metric("val_sequence_accuracy"):P2}  ({m.ElapsedSeconds:F1} s)");
                },
            };
            var result = AdditionDemo.Run(options, [progress]);
            var best = result.Validation ?? throw new InvalidOperationException("The addition task always has validation questions.");
            string why = result.Outcome.Reason == StopReason.TargetReached
                ? $"reached the target per-character accuracy {options.Target:P1}"
                : TrainCommand.Describe(result.Outcome.Reason, AdditionDemo.TrainingOptions(options).Fit);
            Console.WriteLine($"stopped: {why}; {result.Outcome.Step:N0} updates");
            var questions = AdditionDemo.Generate(n, options.Digits, options.Seed).TakeLast(8).ToList();
            var answers = Seq2SeqPredictor.Predict(result.Model, result.Vocabulary, questions.Select(q => q.Source).ToList());
            Console.WriteLine("validation examples (question → model answer):");
            for (int i = 0; i < questions.Count; i++)
                Console.WriteLine($"  {questions[i].Source,7} = {answers[i],-4} {(answers[i] == questions[i].Target ? "✓" : $"✗ (is {questions[i].Target})")}");
            Console.WriteLine($"validation per-character accuracy {best.TokenAccuracy:P2} ({best.TokensCorrect:N0}/{best.TokensTotal:N0}), " +
                              $"exact-match accuracy {best.SequenceAccuracy:P2} over {best.Count:N0} questions");
            bool pass = best.TokenAccuracy >= options.Target;
            Console.WriteLine($"run time {clock.Elapsed.TotalSeconds:F1} s");
            Console.WriteLine(pass ? $"PASS: per-character validation accuracy {best.TokenAccuracy:P2} ≥ {options.Target:P0}"
                                   : $"FAIL: per-character validation accuracy {best.TokenAccuracy:P2} < {options.Target:P0}");
            return pass ? 0 : 1;
        });
        return cmd;
    }
}
