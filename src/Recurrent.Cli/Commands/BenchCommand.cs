// BenchCommand: `rnn bench` — training and batch-1 sampling tokens/s for the standard configurations
// (a table, or `--json` for scripts such as bench/compare_pytorch.py).
using System.CommandLine;
using System.Text.Json;
using Recurrent.Cli.Bench;

namespace Recurrent.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of a table." };
        var configs = new Option<string[]>("--config")
        {
            Description = "Configurations to run (L128, L512, G256, R128); default all.",
            AllowMultipleArgumentsPerToken = true,
        };
        var steps = new Option<int>("--steps") { Description = "Timed training steps per repetition.", DefaultValueFactory = _ => 5 };
        var reps = new Option<int>("--repetitions") { Description = "Repetitions; the median is reported.", DefaultValueFactory = _ => 3 };
        var cmd = new Command("bench", "Measure training and sampling speed on the standard configurations.") { json, configs, steps, reps };
        cmd.SetAction(parse =>
        {
            int n = parse.GetValue(steps), r = parse.GetValue(reps);
            if (n <= 0) throw new UserFacingException($"--steps must be positive, got {n}.");
            if (r <= 0) throw new UserFacingException($"--repetitions must be positive, got {r}.");
            string[] wanted = parse.GetValue(configs) is { Length: > 0 } w ? w : BenchConfig.Standard.Select(c => c.Name).ToArray();
            var chosen = wanted.Select(name => BenchConfig.Standard.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new UserFacingException($"unknown configuration '{name}'; use one of: {string.Join(", ", BenchConfig.Standard.Select(c => c.Name))}.")).ToArray();
            bool asJson = parse.GetValue(json);
            var results = new List<BenchResult>();
            if (!asJson) Console.WriteLine($"{"config",-6} {"cell",-8} {"H",5} {"L",2} {"B",3} {"T",3} {"train tok/s",12} {"ms/step",9} {"sample tok/s",13}");
            foreach (var c in chosen)
            {
                var res = CharRnnBenchmark.Run(c, n, r);
                results.Add(res);
                if (!asJson)
                    Console.WriteLine($"{c.Name,-6} {c.Cell,-8} {c.Hidden,5} {c.Layers,2} {c.Batch,3} {c.Steps,3} {res.TrainTokensPerSecond,12:F0} {res.TrainMsPerStep,9:F1} {res.SampleTokensPerSecond,13:F0}");
            }
            if (asJson)
                Console.WriteLine(JsonSerializer.Serialize(results.Select(x => new Dictionary<string, object>
                {
                    ["config"] = x.Config,
                    ["train_tokens_per_s"] = Math.Round(x.TrainTokensPerSecond, 1),
                    ["sample_tokens_per_s"] = Math.Round(x.SampleTokensPerSecond, 1),
                })));
            return 0;
        });
        return cmd;
    }
}
