// PredictCommand: `rnn predict MODEL --input FILE ...` — apply a trained task model to new data. The model
// file's "task" metadata picks what happens: a forecasting model continues a series (PredictForecast.cs),
// an encoder–decoder decodes lines (PredictSeq2Seq.cs). Language models generate with `rnn sample`.
using System.CommandLine;
using Recurrent.Serialization;

namespace Recurrent.Cli.Commands;

internal static class PredictCommand
{
    /// <summary>The options of every task; each task rejects those it does not use.</summary>
    internal sealed class Flags
    {
        public readonly Argument<string> Model = new("MODEL") { Description = "A model file, or a run directory (uses its best.safetensors)." };
        public readonly Option<string> Input = new("--input") { HelpName = "FILE", Description = "forecast: the CSV series to continue; seq2seq: lines to decode (text before a tab, if any).", Required = true };
        public readonly Option<string?> Out = new("--out") { HelpName = "FILE", Description = "Write the predictions to this file (forecast: CSV; seq2seq: source<TAB>prediction lines; default: stdout)." };
        public readonly Option<int?> Steps = new("--steps") { Description = "forecast: steps to predict." };
        public readonly Option<int?> From = new("--from") { Description = "forecast: continue after this many rows of the file (default: all); later rows are the truth the prediction is scored against." };
        public readonly Option<string?> Plot = new("--plot") { HelpName = "FILE.png", Description = "forecast: draw the prediction against the series as a PNG." };
        public readonly Option<int?> Beam = new("--beam") { HelpName = "K", Description = "seq2seq: beam-search width (default 1 = greedy)." };

        public IEnumerable<Symbol> All => [Model, Input, Out, Steps, From, Plot, Beam];
    }

    public static Command Create()
    {
        var f = new Flags();
        var cmd = new Command("predict", "Apply a trained task model to new data: continue a time series (forecast) or decode lines (seq2seq).");
        foreach (var s in f.All)
        {
            if (s is Argument a) cmd.Arguments.Add(a);
            else cmd.Options.Add((Option)s);
        }
        cmd.SetAction(parse =>
        {
            string path = CommonOptions.ResolveModelPath(parse.GetValue(f.Model)!);
            string? task = ModelFile.ReadTask(path);
            return task switch
            {
                Recurrent.Forecasting.ForecastFile.Task => PredictForecast.Execute(parse, f, path),
                Recurrent.Seq2Seq.Seq2SeqFile.Task => PredictSeq2Seq.Execute(parse, f, path),
                null => throw new UserFacingException($"'{path}' is a language model; generate text with `rnn sample`."),
                _ => throw new UserFacingException($"'{path}' is a '{task}' model, which `rnn predict` in this build cannot run."),
            };
        });
        return cmd;
    }

    /// <summary>
    /// Writes an output file: atomically for ordinary paths, directly for devices such as /dev/null or
    /// /dev/stdout (an atomic rename would replace the device with a regular file).
    /// </summary>
    public static void WriteOutput(string path, string text)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        string full = Path.GetFullPath(path);
        if (full.StartsWith("/dev/", StringComparison.Ordinal))
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Write);
            stream.Write(bytes);
            return;
        }
        ModelFile.WriteAtomically(full, s => s.Write(bytes));
    }

    /// <summary>Throws when an option that the model's task does not use was given.</summary>
    public static void Reject(ParseResult parse, string task, params Option[] options)
    {
        foreach (var option in options)
            if (CommonOptions.Given(parse, option)) throw new UserFacingException($"{option.Name} does not apply to a {task} model.");
    }
}
