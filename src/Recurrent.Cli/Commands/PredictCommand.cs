// PredictCommand: `rnn predict MODEL --input FILE` — labels new data with a classification or tagging model.
// Classify: one output line per input line, "label<TAB>probability" (the label's softmax probability), in
// input order; the input is the model's format (TSV text or CSV numbers) with the label column optional.
// Tag: CoNLL output, "token<TAB>tag" per token with a blank line between sentences; the input has one
// token per line (a tag column, if present, is ignored). --output writes to a file instead of stdout.
using System.CommandLine;
using System.Globalization;
using System.Text;
using Recurrent.Classification;
using Recurrent.Serialization;
using Recurrent.Supervised;
using Recurrent.Tagging;

namespace Recurrent.Cli.Commands;

internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "A model written by `rnn train --task classify|tag`, or its run directory." };
        var input = new Option<string>("--input") { HelpName = "FILE", Description = "Lines to label (classify: text or label<TAB>text, CSV numbers; tag: one token per line).", Required = true };
        var output = new Option<string?>("--output") { HelpName = "FILE", Description = "Write the predictions to this file instead of standard output." };
        var batch = new Option<int>("--batch") { Description = "Sequences run together (does not change the result).", DefaultValueFactory = _ => 32 };
        var cmd = new Command("predict", "Label new data with a classification or tagging model: label and probability per line, or a tag per token.")
        {
            model, input, output, batch,
        };
        cmd.SetAction(parse =>
        {
            int b = parse.GetValue(batch);
            if (b <= 0) throw new UserFacingException($"--batch must be positive, got {b}.");
            string path = CommonOptions.ResolveModelPath(parse.GetValue(model)!);
            string task = TaskModelFile.PeekTask(path)
                ?? throw new UserFacingException($"'{path}' is a language model; rnn predict needs a model from `rnn train --task classify|tag` (use rnn sample for language models).");
            string inputPath = Path.GetFullPath(parse.GetValue(input)!);
            var text = new StringBuilder();
            switch (task)
            {
                case SequenceClassifier.TaskName:
                {
                    var classifier = SequenceClassifier.Load(path);
                    var records = ClassificationData.Read(inputPath, classifier.Format, requireLabels: false);
                    foreach (var p in classifier.Predict(records, b))
                        text.Append(p.Label).Append('\t').Append(p.Probability.ToString("F4", CultureInfo.InvariantCulture)).Append('\n');
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
            if (parse.GetValue(output) is string outPath)
                ModelFile.WriteAtomically(outPath, stream => stream.Write(new UTF8Encoding(false).GetBytes(text.ToString())));
            else
                Console.Write(text.ToString());
            return 0;
        });
        return cmd;
    }
}
