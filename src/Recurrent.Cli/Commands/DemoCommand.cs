// DemoCommand: `rnn demo NAME` — built-in tasks generated in code that show the engine end to end.
using System.CommandLine;
using System.Diagnostics;
using Recurrent.Demos;

namespace Recurrent.Cli.Commands;

internal static class DemoCommand
{
    public static Command Create()
    {
        var demo = new Command("demo", "Run a built-in demonstration task (generated data, no downloads).");
        demo.Subcommands.Add(CreateCyclic());
        demo.Subcommands.Add(AdditionDemoCommand.Create());
        demo.Subcommands.Add(ChineseDemoCommand.Create());
        demo.Subcommands.Add(CaptionsDemoCommand.Create());
        foreach (var command in DemoTaskCommand.CreateAll(["cyclic", "addition"])) demo.Subcommands.Add(command);
        demo.Subcommands.Add(DemoAllCommand.Create());
        return demo;
    }

    private static Command CreateCyclic()
    {
        var cell = CommonOptions.Cell("rnn");
        var hidden = new Option<int>("--hidden") { Description = "Hidden units.", DefaultValueFactory = _ => 16 };
        var maxSteps = new Option<int>("--max-steps") { Description = "Upper bound on training steps.", DefaultValueFactory = _ => 2000 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 0.01 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1UL };
        var cmd = new Command("cyclic",
            "Digits 0..8 where the next is the current plus one (8 wraps to 0); train until 100% next-step accuracy and print continuations.")
        {
            cell, hidden, maxSteps, lr, seed,
        };
        cmd.SetAction(parse =>
        {
            int h = parse.GetValue(hidden), steps = parse.GetValue(maxSteps);
            double rate = parse.GetValue(lr);
            if (h <= 0) throw new UserFacingException($"--hidden must be positive, got {h}.");
            if (steps <= 0) throw new UserFacingException($"--max-steps must be positive, got {steps}.");
            if (!(rate > 0 && double.IsFinite(rate))) throw new UserFacingException($"--lr must be a positive number, got {rate}.");
            var options = new CyclicDigitsOptions
            {
                Cell = CommonOptions.ParseCell(parse.GetValue(cell)!),
                HiddenSize = h,
                MaxSteps = steps,
                LearningRate = rate,
                Seed = parse.GetValue(seed),
            };
            Console.WriteLine($"cyclic digits: one-hot 0..8 → {options.Cell} H={h} → softmax; Adam lr {rate}, seed {options.Seed}");
            var clock = Stopwatch.StartNew();
            var result = CyclicDigits.Run(options, (step, loss, acc) =>
                Console.WriteLine($"  step {step,5}  loss {loss:F4}  accuracy {acc:P1}"));
            Console.WriteLine($"trained {result.Steps} steps in {clock.Elapsed.TotalSeconds:F1} s; next-step accuracy {result.Accuracy:P1}");
            Console.WriteLine("continuations (start → generated from the model's own predictions):");
            for (int s = 0; s < result.Continuations.Count; s++)
                Console.WriteLine($"  {s} → {string.Join(' ', result.Continuations[s])}");
            bool pass = result.Accuracy == 1.0;
            Console.WriteLine(pass ? "PASS: 100% next-step accuracy" : "FAIL: accuracy below 100%");
            return pass ? 0 : 1;
        });
        return cmd;
    }
}
