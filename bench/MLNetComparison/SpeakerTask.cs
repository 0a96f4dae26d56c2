// Task (b), ordinary text: speaker classification on tinyshakespeare, made as docs/lr-find.md's awk script makes it.
// A speech is a block of lines between blank lines whose first line is "NAME:" (a capital, then letters and
// spaces) and that has at least one more line; the label is NAME, the text its lines joined with spaces. The
// speeches of the 5 most frequent speakers are kept, shuffled with the seed and split 80/20; the LSTM holds out
// a tenth of the training part for early stopping, ML.NET's trainers train on the whole training part.
using System.Text.RegularExpressions;
using Microsoft.ML;
using Recurrent.ML;

namespace MLNetComparison;

internal static partial class SpeakerTask
{
    private const string Task = "speakers (tinyshakespeare)";

    /// <summary>tinyshakespeare.txt in shared/data beside or above the working directory, or null.</summary>
    public static string? FindData()
    {
        string? env = Environment.GetEnvironmentVariable("TINYSHAKESPEARE");
        if (!string.IsNullOrEmpty(env) && File.Exists(env)) return env;
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (string candidate in new[] { Path.Combine(dir.FullName, "shared", "data", "tinyshakespeare.txt"), Path.Combine(dir.FullName, "data", "tinyshakespeare.txt") })
                if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    [GeneratedRegex("^[A-Z][A-Za-z ]*:$")]
    private static partial Regex SpeakerLine();

    /// <summary>Every speech of the file as (speaker, text), in file order.</summary>
    public static List<TextRow> Speeches(string path)
    {
        var rows = new List<TextRow>();
        var block = new List<string>();
        void Flush()
        {
            if (block.Count >= 2 && SpeakerLine().IsMatch(block[0]))
                rows.Add(new TextRow { Label = block[0][..^1], Text = string.Join(' ', block.Skip(1)) });
            block.Clear();
        }
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0) Flush();
            else block.Add(line);
        }
        Flush();
        return rows;
    }

    public static IEnumerable<ResultRow> Run(string path, bool quick, ulong seed)
    {
        var all = Speeches(path);
        var top = all.GroupBy(r => r.Label).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(5).ToList();
        var keep = top.Select(g => g.Key).ToHashSet();
        var rows = all.Where(r => keep.Contains(r.Label)).ToList();
        Bench.Shuffle(rows, (int)seed);
        int testCount = rows.Count / 5;
        var test = rows.Take(testCount).ToList();
        var train = rows.Skip(testCount).ToList();
        int validation = train.Count / 10;
        Console.WriteLine($"{Task}: {rows.Count} speeches ({string.Join(", ", top.Select(g => $"{g.Key} {g.Count()}"))}); " +
            $"{train.Count} training ({validation} of them the LSTM's early-stopping split), {test.Count} test, seed {seed}");

        var ml = new MLContext(seed: (int)seed);
        var keys = Bench.Keys(ml, ml.Data.LoadFromEnumerable(train));
        IDataView Keyed(IEnumerable<TextRow> r) => keys.Transform(ml.Data.LoadFromEnumerable(r));
        var trainView = Keyed(train);
        var testView = Keyed(test);
        var lstmTrain = Keyed(train.Skip(validation));
        var lstmValidation = Keyed(train.Take(validation));

        var results = new List<ResultRow> { Bench.Majority(Task, train.Select(r => r.Label), test.Select(r => r.Label).ToList()) };
        foreach (string tokens in quick ? new[] { "word" } : new[] { "char", "word" })
        {
            // docs/lr-find.md: bidirectional, hidden 64, Adam at its suggested 0.00353, early stopping (the
            // validation loss is lowest after an epoch or two on this set).
            var lstm = ml.MulticlassClassification.Trainers.RecurrentText(new RecurrentTextOptions
            {
                Tokens = tokens, Cell = RecurrentCell.Lstm, Bidirectional = true, HiddenSize = 64, EmbeddingSize = 32,
                Epochs = quick ? 4 : 20, BatchSize = 32, LearningRate = 0.00353, Seed = seed, Patience = 3,
                ValidationData = lstmValidation,
            });
            results.Add(Bench.FitAndEvaluate(ml, Task, $"Recurrent LSTM (RecurrentText, {tokens}s, bidirectional)", lstm, lstmTrain, testView));
        }
        results.Add(Bench.FitAndEvaluate(ml, Task, "FeaturizeText + SdcaMaximumEntropy",
            Bench.Featurize(ml).Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()), trainView, testView));
        // LightGbm on this set's ~100,000 n-gram features takes minutes: left out of the quick run.
        if (!quick)
            results.Add(Bench.FitAndEvaluate(ml, Task, "FeaturizeText + LightGbm",
                Bench.Featurize(ml).Append(ml.MulticlassClassification.Trainers.LightGbm()), trainView, testView));
        return results;
    }
}
