// TaskEvaluation: `rnn eval MODEL --data FILE` for classification and tagging models (EvalCommand hands over
// when the model file has a task description; a numeric classifier's file is read with its F numbers per step).
// Classification prints accuracy, macro-F1, per-label precision/recall/F1 and the confusion matrix (rows: true
// label, columns: predicted); tagging prints per-token accuracy and entity (chunk) precision, recall and F1,
// overall and per type. --json prints one JSON object with the same numbers.
using System.Globalization;
using System.Text;
using System.Text.Json;
using Recurrent.Classification;
using Recurrent.Supervised;
using Recurrent.Tagging;

namespace Recurrent.Cli.Commands;

internal static class TaskEvaluation
{
    public static int Execute(string modelPath, string task, string[] data, bool json)
    {
        if (data.Length != 1) throw new UserFacingException($"--data takes one file for a {task} model, got {data.Length}.");
        string file = Path.GetFullPath(data[0]);
        return task switch
        {
            SequenceClassifier.TaskName => Classify(modelPath, file, json),
            SequenceTagger.TaskName => Tag(modelPath, file, json),
            _ => throw new UserFacingException($"'{modelPath}' is a '{task}' model, which rnn eval does not know; use a newer rnn."),
        };
    }

    private static int Classify(string modelPath, string file, bool json)
    {
        var classifier = SequenceClassifier.Load(modelPath);
        var records = ClassificationData.Read(file, classifier.Format, requireLabels: true, featuresPerStep: classifier.FeaturesPerStep);
        ConfusionMatrix m = classifier.Evaluate(records, file);
        var labels = classifier.Labels.Names;
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["model"] = modelPath,
                ["data"] = file,
                ["examples"] = m.Total,
                ["accuracy"] = m.Accuracy,
                ["macro_f1"] = m.MacroF1,
                ["labels"] = labels,
                ["confusion"] = Enumerable.Range(0, m.Classes).Select(a => Enumerable.Range(0, m.Classes).Select(p => m.Count(a, p)).ToArray()).ToArray(),
            }));
            return 0;
        }
        long right = 0;
        for (int c = 0; c < m.Classes; c++) right += m.Count(c, c);
        Console.WriteLine($"model: {modelPath} (classify, {labels.Count} labels)");
        Console.WriteLine($"data: {file}; {m.Total} examples");
        Console.WriteLine(Invariant($"accuracy: {m.Accuracy:F4} ({right}/{m.Total})"));
        Console.WriteLine(Invariant($"macro-F1: {m.MacroF1:F4}"));
        int w = Math.Max(9, labels.Max(l => l.Length) + 2);
        var sb = new StringBuilder();
        sb.AppendLine(Invariant($"{"label".PadRight(w)}{"precision",10}{"recall",10}{"F1",10}{"support",10}"));
        for (int c = 0; c < m.Classes; c++)
            sb.AppendLine(Invariant($"{labels[c].PadRight(w)}{m.Precision(c),10:F4}{m.Recall(c),10:F4}{m.F1(c),10:F4}{m.ActualCount(c),10}"));
        sb.AppendLine("confusion matrix (rows: true label, columns: predicted):");
        int cw = Math.Max(8, labels.Max(l => l.Length) + 2);
        sb.Append("".PadRight(w));
        foreach (var l in labels) sb.Append(l.PadLeft(cw));
        sb.AppendLine();
        for (int a = 0; a < m.Classes; a++)
        {
            sb.Append(labels[a].PadRight(w));
            for (int p = 0; p < m.Classes; p++) sb.Append(m.Count(a, p).ToString(CultureInfo.InvariantCulture).PadLeft(cw));
            sb.AppendLine();
        }
        Console.Write(sb.ToString());
        return 0;
    }

    private static int Tag(string modelPath, string file, bool json)
    {
        var tagger = SequenceTagger.Load(modelPath);
        var sentences = ConllReader.Read(file, requireTags: true);
        TaggingResult r = tagger.Evaluate(sentences, file);
        var e = r.Entities;
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["model"] = modelPath,
                ["data"] = file,
                ["sentences"] = sentences.Count,
                ["tokens"] = r.Tokens.Total,
                ["token_accuracy"] = r.Tokens.Accuracy,
                ["entity_precision"] = e.Precision(),
                ["entity_recall"] = e.Recall(),
                ["entity_f1"] = e.F1(),
                ["entities_true"] = e.GoldChunks(),
                ["entities_predicted"] = e.PredictedChunks(),
                ["entities_correct"] = e.CorrectChunks(),
            }));
            return 0;
        }
        long right = 0;
        for (int c = 0; c < r.Tokens.Classes; c++) right += r.Tokens.Count(c, c);
        Console.WriteLine($"model: {modelPath} (tag, {tagger.Tags.Count} tags, {tagger.Words.Count} words)");
        Console.WriteLine($"data: {file}; {sentences.Count} sentences, {r.Tokens.Total} tokens");
        Console.WriteLine(Invariant($"token accuracy: {r.Tokens.Accuracy:F4} ({right}/{r.Tokens.Total})"));
        Console.WriteLine(Invariant($"entities: precision {e.Precision():F4}, recall {e.Recall():F4}, F1 {e.F1():F4} ({e.GoldChunks()} true, {e.PredictedChunks()} predicted, {e.CorrectChunks()} correct)"));
        foreach (string type in e.Types)
            Console.WriteLine(Invariant($"  {type,-12} precision {e.Precision(type):F4}, recall {e.Recall(type):F4}, F1 {e.F1(type):F4} ({e.GoldChunks(type)} true, {e.PredictedChunks(type)} predicted, {e.CorrectChunks(type)} correct)"));
        return 0;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
