// BenchCommand: `rnn bench` — training and batch-1 sampling tokens/s for the standard configurations
// (a table, or `--json` for scripts such as bench/compare_pytorch.py); `--activation tanh softsign` and
// `--gate-activation sigmoid hard-sigmoid` add a row per combination, measured interleaved with the others.
using System.CommandLine;
using System.Text.Json;
using Recurrent.Cli.Bench;
using Recurrent.Layers;

namespace Recurrent.Cli.Commands;

internal static class BenchCommand
{
    private sealed record GemmShape(string Name, int M, int N, int K, bool TransposeA, bool TransposeB);

    // 256³ and 1024³, and the products of an LSTM-512 step with B = 32, T·B = 2048 (see bench/gemm/README.md).
    private static readonly GemmShape[] GemmShapes =
    [
        new("256x256x256", 256, 256, 256, false, false),
        new("1024x1024x1024", 1024, 1024, 1024, false, false),
        new("32x2048x512 h·W_hh^T (step)", 32, 2048, 512, false, true),
        new("32x512x2048 dG·W_hh (step)", 32, 512, 2048, false, false),
        new("2048x2048x512 X·W_ih^T", 2048, 2048, 512, false, true),
        new("2048x512x2048 dG^T·X (dW)", 2048, 512, 2048, true, false),
    ];

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of a table." };
        var configs = new Option<string[]>("--config")
        {
            Description = "Configurations to run (L128, L512, G256, R128; L256 and the cell structures LN256, GN256, MG256); default all.",
            AllowMultipleArgumentsPerToken = true,
        };
        var steps = new Option<int>("--steps") { Description = "Timed training steps per repetition.", DefaultValueFactory = _ => 5 };
        var reps = new Option<int>("--repetitions") { Description = "Repetitions; the median is reported.", DefaultValueFactory = _ => 3 };
        var gemm = new Option<bool>("--gemm")
        {
            Description = "Also measure GEMM GFLOP/s (256³, 1024³ and the RNN shapes) with 1 and 2 threads; default on unless --config is given.",
        };
        var activations = new Option<string[]>("--activation")
        {
            HelpName = "tanh|softsign", Description = "Cell activations to measure, each a row (default tanh).", AllowMultipleArgumentsPerToken = true,
        };
        var gates = new Option<string[]>("--gate-activation")
        {
            HelpName = "sigmoid|hard-sigmoid", Description = "Gate activations to measure (LSTM, GRU), each a row (default sigmoid).", AllowMultipleArgumentsPerToken = true,
        };
        var segmentation = new Option<bool>("--segmentation")
        {
            Description = "Instead: the jieba tokenizer's streaming segmentation against jieba.NET's Cut on the whole text, in MB/s (4.4 MB of generated Chinese).",
        };
        var cmd = new Command("bench", "Measure training and sampling speed on the standard configurations.") { json, configs, steps, reps, gemm, activations, gates, segmentation };
        cmd.SetAction(parse =>
        {
            int n = parse.GetValue(steps), r = parse.GetValue(reps);
            if (n <= 0) throw new UserFacingException($"--steps must be positive, got {n}.");
            if (r <= 0) throw new UserFacingException($"--repetitions must be positive, got {r}.");
            if (parse.GetValue(segmentation)) return BenchSegmentation(r, parse.GetValue(json));
            string[] wanted = parse.GetValue(configs) is { Length: > 0 } w ? w : BenchConfig.Standard.Select(c => c.Name).ToArray();
            var chosen = wanted.Select(name => BenchConfig.Standard.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new UserFacingException($"unknown configuration '{name}'; use one of: {string.Join(", ", BenchConfig.Standard.Select(c => c.Name))}.")).ToArray();
            var cellActivations = (parse.GetValue(activations) is { Length: > 0 } a ? a : ["tanh"]).Select(v => CommonOptions.ParseActivation(v)).Distinct().ToArray();
            var gateActivations = (parse.GetValue(gates) is { Length: > 0 } g ? g : ["sigmoid"]).Select(v => CommonOptions.ParseGateActivation(v)).Distinct().ToArray();
            bool asJson = parse.GetValue(json);
            var results = new List<BenchResult>();
            if (!asJson) Console.WriteLine($"{"config",-6} {"cell",-9} {"activation",-10} {"gate",-12} {"H",5} {"L",2} {"B",3} {"T",3} {"train tok/s",12} {"ms/step",9} {"sample tok/s",13}");
            foreach (var c in chosen)
            {
                // An RNN has no gates and rnn-relu no squashing function to swap: those rows are left out for it.
                var variants = (from act in cellActivations from gate in gateActivations
                                where (gate == GateActivation.Sigmoid || c.Cell is CellKind.Lstm or CellKind.Gru) && (act == CellActivation.Tanh || c.Cell != CellKind.RnnRelu)
                                select (act, gate)).ToArray();
                if (variants.Length == 0) continue;
                foreach (var res in CharRnnBenchmark.Run(c, variants, n, r))
                {
                    results.Add(res);
                    if (!asJson)
                        Console.WriteLine($"{c.Name,-6} {c.CellName,-9} {CommonOptions.Name(res.Activation),-10} {CommonOptions.Name(res.GateActivation),-12} {c.Hidden,5} {c.Layers,2} {c.Batch,3} {c.Steps,3} " +
                            $"{res.TrainTokensPerSecond,12:F0} {res.TrainMsPerStep,9:F1} {res.SampleTokensPerSecond,13:F0}");
                }
            }
            bool runGemm = parse.GetResult(gemm) is not null ? parse.GetValue(gemm) : parse.GetValue(configs) is not { Length: > 0 };
            var gemmRows = new List<Dictionary<string, object>>();
            if (runGemm)
            {
                if (!asJson) Console.WriteLine($"{Environment.NewLine}{"GEMM (float32)",-34} {"1 thread GFLOP/s",17} {"2 threads GFLOP/s",18}");
                foreach (var shape in GemmShapes)
                {
                    double one = Recurrent.Kernels.GemmBenchmark.GigaflopsPerSecond(shape.M, shape.N, shape.K, shape.TransposeA, shape.TransposeB, 1, r * 5);
                    double two = Recurrent.Kernels.GemmBenchmark.GigaflopsPerSecond(shape.M, shape.N, shape.K, shape.TransposeA, shape.TransposeB,
                        Math.Min(2, Environment.ProcessorCount), r * 5);
                    gemmRows.Add(new() { ["config"] = "gemm " + shape.Name, ["gflops_1_thread"] = Math.Round(one, 1), ["gflops_2_threads"] = Math.Round(two, 1) });
                    if (!asJson) Console.WriteLine($"{shape.Name,-34} {one,17:F1} {two,18:F1}");
                }
            }
            if (asJson)
                Console.WriteLine(JsonSerializer.Serialize(results.Select(x => new Dictionary<string, object>
                {
                    ["config"] = x.Config,
                    ["activation"] = CommonOptions.Name(x.Activation),
                    ["gate_activation"] = CommonOptions.Name(x.GateActivation),
                    ["train_tokens_per_s"] = Math.Round(x.TrainTokensPerSecond, 1),
                    ["sample_tokens_per_s"] = Math.Round(x.SampleTokensPerSecond, 1),
                }).Concat(gemmRows)));
            return 0;
        });
        return cmd;
    }

    private static int BenchSegmentation(int repetitions, bool asJson)
    {
        if (!asJson) Console.WriteLine("jieba segmentation (precise mode, HMM) of generated Chinese prose, in MB/s of UTF-8 text:");
        var result = SegmentationBenchmark.Run(1_500_000, repetitions, asJson ? null : Console.WriteLine);
        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["config"] = "jieba segmentation", ["megabytes"] = Math.Round(result.Megabytes, 2), ["characters"] = result.Characters,
                ["cut_mb_per_s"] = Math.Round(result.CutMegabytesPerSecond, 2), ["stream_mb_per_s"] = Math.Round(result.StreamMegabytesPerSecond, 2),
                ["cut_pieces"] = result.CutPieces, ["stream_tokens"] = result.StreamTokens,
            }));
            return 0;
        }
        Console.WriteLine($"{result.Characters:N0} characters, {result.Megabytes:F2} MB; median of {repetitions}:");
        Console.WriteLine($"  jieba.NET JiebaSegmenter.Cut(whole text as one string)   {result.CutMegabytesPerSecond,6:F2} MB/s  {result.CutPieces:N0} pieces");
        Console.WriteLine($"  jieba tokenizer, streamed in {SegmentationBenchmark.ChunkCharacters / 1024}K-character chunks   {result.StreamMegabytesPerSecond,6:F2} MB/s  {result.StreamTokens:N0} tokens" +
                          $"  ({result.StreamMegabytesPerSecond / result.CutMegabytesPerSecond:F2}× Cut)");
        return 0;
    }
}
