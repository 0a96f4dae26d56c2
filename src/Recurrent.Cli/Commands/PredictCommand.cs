// PredictCommand: `rnn predict MODEL --input FILE` — applies a task model to new data; the model file's task
// description picks what happens.
// Classify: one output line per input line, "label<TAB>probability" (the label's softmax probability), in
// input order; the input is the model's format (TSV text, or CSV numbers with the model's F numbers per step) with
// the label column optional; a CSV line that is not whole steps of F is refused, naming file and line. A blank
// line (or a '#' comment line of a CSV) gives an empty output line, so output line N always answers input line N.
// Tag: CoNLL output, "token<TAB>tag" per token with a blank line between sentences; the input has one
// token per line (a tag column, if present, is ignored).
// Forecast: continues a CSV series (PredictForecast.cs). Seq2seq: decodes lines, greedy or beam (PredictSeq2Seq.cs).
// Caption: captions the pictures of --images DIR (PredictCaption.cs).
// --output writes to a file instead of stdout. Language models generate with `rnn sample`.
using System.CommandLine;
using System.Globalization;
using System.Text;
using Recurrent.Classification;
using Recurrent.Forecasting;
using Recurrent.Seq2Seq;
using Recurrent.Serialization;
using Recurrent.Supervised;
using Recurrent.Tagging;

namespace Recurrent.Cli.Commands;

internal static class PredictCommand
{
    /// <summary>The options of every task; each task rejects those it does not use.</summary>
    internal sealed class Flags
    {
        public readonly Argument<string> Model = new("MODEL") { Description = "A model written by `rnn train --task classify|tag|forecast|seq2seq|caption`, or its run directory." };
        public readonly Option<string> Input = new("--input") { HelpName = "FILE", Description = "classify: text or label<TAB>text lines, CSV numbers (F per step for a model trained with --features-per-step F); tag: one token per line; forecast: the CSV series to continue; seq2seq: lines to decode (text before a tab, if any). classify and seq2seq write one line per input line: empty for a blank line (seq2seq: also for a line it cannot read, reported on stderr with exit code 2). Required except for caption models, which read --images." };
        public readonly Option<string?> Images = new("--images") { HelpName = "DIR", Description = "caption: the folder of pictures to caption (one file name<TAB>caption line each; files that are not pictures are skipped and named on stderr)." };
        public readonly Option<string?> Output = new("--output") { HelpName = "FILE", Description = "Write the predictions to this file instead of standard output." };
        public readonly Option<int> Batch = new("--batch") { Description = "Sequences run together (does not change the result).", DefaultValueFactory = _ => 32 };
        public readonly Option<int?> Steps = new("--steps") { Description = "forecast: steps to predict." };
        public readonly Option<int?> From = new("--from") { Description = "forecast: continue after this many rows of the file (default: all); later rows are the truth the prediction is scored against." };
        public readonly Option<string?> Plot = new("--plot") { HelpName = "FILE.png", Description = "forecast: draw the prediction against the series as a PNG." };
        public readonly Option<int?> Beam = new("--beam") { HelpName = "K", Description = "seq2seq: beam-search width (default 1 = greedy)." };

        public readonly Option<string?> AttentionMap = new("--attention-map") { HelpName = "FILE.png", Description = "seq2seq with attention: draw the attention weights of the first decoded line (output steps × source positions) as a PNG; caption with attention: a folder, one PNG per picture showing where the model looked for each word." };
        public IEnumerable<Option> Options => [Input, Images, Output, Batch, Steps, From, Plot, Beam, AttentionMap];
    }

    public static Command Create()
    {
        var f = new Flags();
        var cmd = new Command("predict", "Apply a task model to new data: label lines (classify), tag tokens (tag), continue a series (forecast), decode lines (seq2seq) or caption pictures (caption).");
        cmd.Arguments.Add(f.Model);
        foreach (var option in f.Options) cmd.Options.Add(option);
        cmd.SetAction(parse =>
        {
            int b = parse.GetValue(f.Batch);
            if (b <= 0) throw new UserFacingException($"--batch must be positive, got {b}.");
            string path = CommonOptions.ResolveModelPath(parse.GetValue(f.Model)!);
            string task = TaskModelFile.PeekTask(path)
                ?? throw new UserFacingException($"'{path}' is a language model; rnn predict needs a model from `rnn train --task classify|tag|forecast|seq2seq` (use rnn sample for language models).");
            if (task == Recurrent.Captioning.CaptionFile.Task) return PredictCaption.Execute(parse, f, path);
            Reject(parse, task, f.Images);
            if (parse.GetValue(f.Input) is null) throw new UserFacingException("give the data to predict with --input FILE.");
            if (task == ForecastFile.Task) return PredictForecast.Execute(parse, f, path);
            if (task == Seq2SeqFile.Task) return PredictSeq2Seq.Execute(parse, f, path);
            Reject(parse, task, f.Steps, f.From, f.Plot, f.Beam, f.AttentionMap);
            string inputPath = Path.GetFullPath(parse.GetValue(f.Input)!);
            var text = new StringBuilder();
            switch (task)
            {
                case SequenceClassifier.TaskName:
                {
                    var classifier = SequenceClassifier.Load(path);
                    var records = ClassificationData.Read(inputPath, classifier.Format, requireLabels: false, featuresPerStep: classifier.FeaturesPerStep);
                    var byLine = classifier.Predict(records, b).ToDictionary(p => p.Line);
                    // Blank and comment lines have no record: an empty line keeps the output aligned with the input.
                    int lines = File.ReadLines(inputPath).Count();
                    for (int line = 1; line <= lines; line++)
                    {
                        if (byLine.TryGetValue(line, out var p))
                            text.Append(p.Label).Append('\t').Append(p.Probability.ToString("F4", CultureInfo.InvariantCulture));
                        text.Append('\n');
                    }
                    break;
                }
                case SequenceTagger.TaskName:
                {
                    var tagger = SequenceTagger.Load(path);
                    var sentences = ConllReader.Read(inputPath, requireTags: false);
                    var tags = tagger.Predict(sentences, b);
                    for (int s = 0; s < sentences.Count; s++)
                    {
                        if (s > 0) text.Append('\n');
                        for (int t = 0; t < tags[s].Length; t++) text.Append(sentences[s].Tokens[t]).Append('\t').Append(tags[s][t]).Append('\n');
                    }
                    break;
                }
                default:
                    throw new UserFacingException($"'{path}' is a '{task}' model, which rnn predict does not know; use a newer rnn.");
            }
            if (parse.GetValue(f.Output) is string outPath) WriteOutput(outPath, text.ToString());
            else Console.Write(text.ToString());
            return 0;
        });
        return cmd;
    }

    /// <summary>Writes an output file: atomically for ordinary paths, directly for devices such as /dev/null or
    /// /dev/stdout (ModelFile.WriteAtomically never renames over a device).</summary>
    public static void WriteOutput(string path, string text)
    {
        byte[] bytes = new UTF8Encoding(false).GetBytes(text);
        ModelFile.WriteAtomically(path, s => s.Write(bytes));
    }

    /// <summary>Throws when an option that the model's task does not use was given.</summary>
    public static void Reject(ParseResult parse, string task, params Option[] options)
    {
        foreach (var option in options)
            if (CommonOptions.Given(parse, option)) throw new UserFacingException($"{option.Name} does not apply to a {task} model.");
    }
}
