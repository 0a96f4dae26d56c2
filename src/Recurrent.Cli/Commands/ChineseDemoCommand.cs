// ChineseDemoCommand: `rnn demo chinese` — the Chinese min-char-rnn end to end, with the tool's own commands: write a
// generated Chinese "novel" (GeneratedChinese: a small grammar over word lists written for the project) as a GBK
// file, `rnn train` a word-level LSTM on it with `--encoding gbk --tokenizer jieba`, show the multi-character words
// of its vocabulary, and `rnn sample` it. Each command is printed before it runs, so the demo is also the recipe.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Recurrent.Chinese;
using Recurrent.Cli.Reporting;
using Recurrent.Data;
using Recurrent.LanguageModels;

namespace Recurrent.Cli.Commands;

internal static class ChineseDemoCommand
{
    public static Command Create()
    {
        var characters = new Option<int>("--characters") { Description = "Characters of generated text.", DefaultValueFactory = _ => 200_000 };
        var time = new Option<string>("--time") { HelpName = "DURATION", Description = "Training budget (e.g. 30s, 2m).", DefaultValueFactory = _ => "30s" };
        var length = new Option<int>("--length") { Description = "Tokens (words) to sample.", DefaultValueFactory = _ => 120 };
        var dir = new Option<string?>("--dir") { HelpName = "DIR", Description = "Directory for novel.txt and the run (default runs/chinese-DATE-TIME)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the text, the training and the sample.", DefaultValueFactory = _ => 1UL };
        var cmd = new Command("chinese",
            "Chinese word-level language model: write a generated Chinese novel in GBK, train an LSTM on its jieba words, sample it (about 40 s).")
        {
            characters, time, length, dir, seed,
        };
        cmd.SetAction(parse =>
        {
            int n = parse.GetValue(characters), words = parse.GetValue(length);
            if (n < 2_000) throw new UserFacingException($"--characters must be at least 2000, got {n}.");
            if (words <= 0) throw new UserFacingException($"--length must be positive, got {words}.");
            string budget = parse.GetValue(time)!;
            TrainCommand.ParseDuration(budget);
            ulong s = parse.GetValue(seed);
            string root = Path.GetFullPath(parse.GetValue(dir) ?? DefaultDirectory());
            string novel = Path.Combine(root, "novel.txt"), run = Path.Combine(root, "run");
            if (File.Exists(novel) || Directory.Exists(run))
                throw new UserFacingException($"'{root}' already holds a demo; choose another --dir.");
            var clock = Stopwatch.StartNew();

            Directory.CreateDirectory(root);
            string text = GeneratedChinese.Text(n, s);
            byte[] gbk = TextEncodings.Get("gbk").GetBytes(text);
            File.WriteAllBytes(novel, gbk);
            Console.WriteLine($"wrote {novel}: {text.Length:N0} characters of generated Chinese prose, GBK-encoded ({gbk.Length:N0} bytes). It begins:");
            Console.WriteLine("  " + text[..text.IndexOf('\n')]);
            Console.WriteLine();

            string seedText = s.ToString(CultureInfo.InvariantCulture);
            string[] train =
            [
                "train", "--data", novel, "--encoding", "gbk", "--tokenizer", "jieba", "--time", budget, "--run-dir", run,
                "--layers", "1", "--hidden", "128", "--embedding", "64", "--batch", "16", "--seq-length", "32", "--lr", "0.003",
                "--eval-every", "100", "--sample-every", "0", "--sample-length", "60", "--seed", seedText,
            ];
            int code = Run(train);
            if (code != 0) return code;
            Console.WriteLine();

            var model = LanguageModelFile.Load(CommonOptions.ResolveModelPath(run));
            var vocabulary = ((JiebaTokenizer)model.Tokenizer).Words;
            var multi = vocabulary.Skip(1).Where(w => w.Length > 1 && w.All(c => c is >= '\u4E00' and <= '\u9FD5')).ToList();
            Console.WriteLine($"vocabulary: {vocabulary.Count} tokens, {multi.Count} of them words of two or more Chinese characters; the most frequent:");
            Console.WriteLine("  " + string.Join(" ", multi.Take(24)));
            Console.WriteLine();

            code = Run(["sample", run, "--length", words.ToString(CultureInfo.InvariantCulture), "--temperature", "0.8", "--seed", seedText]);
            Console.WriteLine($"demo done in {Format.Duration(clock.Elapsed.TotalSeconds)}; the corpus and run are in {root}");
            return code;
        });
        return cmd;
    }

    private static string DefaultDirectory()
    {
        string name = Path.Combine("runs", "chinese-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        string candidate = name;
        for (int i = 2; Directory.Exists(candidate); i++) candidate = $"{name}-{i}";
        return candidate;
    }

    /// <summary>Prints the command line, then runs it as `rnn` would.</summary>
    private static int Run(string[] args)
    {
        Console.WriteLine("$ rnn " + string.Join(" ", args.Select(a => a.Contains(' ') ? $"\"{a}\"" : a)));
        Console.Out.Flush();
        return Program.Main(args);
    }
}
