// predictions.json in real runs of every kind whose evaluator describes its predictions: its step is the last
// evaluation's; a classifier's and a tagger's confusion matrix counts every validation item and its diagonal over
// its total is the accuracy of that same evaluation, and its examples are the validation items with the label the
// data gives them and the label (and confidence) the model predicts for them; a forecaster's examples are pieces of
// the series and the forecasts the trained model gives for their windows; a seq2seq run's exact matches are its
// val_sequence_accuracy. Writing the file changes nothing: metrics and weights are the same without the writer.
using System.Globalization;
using System.Text.Json.Nodes;
using Recurrent.Classification;
using Recurrent.Forecasting;
using Recurrent.Layers;
using Recurrent.Seq2Seq;
using Recurrent.Supervised;
using Recurrent.Tagging;
using Recurrent.Tests.Data;
using Recurrent.Tests.Seq2Seq;
using Recurrent.Tests.Supervised;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Tests.Training;

public sealed class PredictionsFileTests
{
    private static readonly ClassifierSettings Small = new() { Cell = CellKind.Gru, HiddenSize = 12, EmbeddingSize = 8, Bidirectional = true };

    private static SupervisedOptions Quick(int epochs) => new()
    {
        BatchSize = 16, Seed = 3, ValidationFraction = 0.25, Optimization = new() { LearningRate = 1e-2, ClipNorm = 5 },
        Fit = new() { Epochs = epochs, Patience = 100 },
    };

    private static SupervisedRun StartSupervised(string kind, string data, string runDir, int epochs) =>
        SupervisedRun.Start(new SupervisedRunSpec { Kind = kind, Model = Small, Training = Quick(epochs), Data = new SupervisedDataSpec { Path = data } }, runDir);

    // Runs the loop, keeping the last evaluation the callbacks saw.
    private static EvaluationReport RunKeepingLastEvaluation(FitLoop loop)
    {
        EvaluationReport? last = null;
        loop.Add(new LambdaCallback { Evaluated = e => last = e });
        loop.Run();
        return last ?? throw new InvalidOperationException("the run made no evaluation");
    }

    private static JsonObject ReadPredictions(RunDirectory run)
    {
        Assert.True(File.Exists(run.Predictions), $"{RunDirectory.PredictionsFile} was not written");
        Assert.Empty(Directory.EnumerateFiles(run.Path, ".*.tmp-*")); // written atomically: no temporary file left
        return JsonNode.Parse(File.ReadAllText(run.Predictions))!.AsObject();
    }

    private static long[][] Matrix(JsonObject json) =>
        json["matrix"]!.AsArray().Select(row => row!.AsArray().Select(c => c!.GetValue<long>()).ToArray()).ToArray();

    private static double DiagonalShare(long[][] m) =>
        (double)Enumerable.Range(0, m.Length).Sum(i => m[i][i]) / m.Sum(row => row.Sum());

    [Fact]
    public void ClassifierConfusionMatchesItsEvaluationAndExamplesMatchTheModel()
    {
        using var dir = new TempDirectory();
        string data = dir.File("z.tsv", TaskSynthetic.Tsv(160, 1));
        var run = StartSupervised(SequenceClassifier.TaskName, data, Path.Combine(dir.Path, "run"), epochs: 3);
        var last = RunKeepingLastEvaluation(run.Loop);
        var json = ReadPredictions(run.RunDirectory);

        Assert.Equal(last.Step, json["step"]!.GetValue<long>());
        Assert.Equal("confusion", json["kind"]!.GetValue<string>());
        var classifier = (SequenceClassifier)run.Task;
        Assert.Equal(classifier.Labels.Names, json["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
        long[][] m = Matrix(json);
        Assert.Equal(classifier.Labels.Count, m.Length);
        Assert.All(m, row => Assert.Equal(classifier.Labels.Count, row.Length));
        Assert.Equal(run.ValidationCount, m.Sum(row => row.Sum()));
        Assert.Equal(last.Evaluation["val_accuracy"]!.Value, DiagonalShare(m), 12);

        // The examples: the first validation lines, labelled as the data labels them ("yes" iff the text has a 'z'),
        // predicted as the trained model (the one evaluated last: no averaging) predicts them.
        var examples = json["examples"]!.AsArray();
        Assert.Equal(Math.Min(PredictionJson.MaxExamples, run.ValidationCount), examples.Count);
        var records = examples.Select(e => new ClassificationRecord(null, e!["input"]!.GetValue<string>(), [], 0)).ToList();
        var predicted = classifier.Predict(records);
        for (int i = 0; i < examples.Count; i++)
        {
            var e = examples[i]!;
            Assert.Equal(records[i].Text.Contains('z') ? "yes" : "no", e["target"]!.GetValue<string>());
            Assert.Equal(predicted[i].Label, e["predicted"]!.GetValue<string>());
            Assert.Equal(predicted[i].Probability, e["confidence"]!.GetValue<double>(), 1e-3);
        }
    }

    [Fact]
    public void TaggerConfusionMatchesItsTokenAccuracyAndExamplesMatchTheModel()
    {
        using var dir = new TempDirectory();
        string data = dir.File("ner.conll", TaskSynthetic.Conll(120, 7, noise: 6));
        var run = StartSupervised(SequenceTagger.TaskName, data, Path.Combine(dir.Path, "run"), epochs: 2);
        var last = RunKeepingLastEvaluation(run.Loop);
        var json = ReadPredictions(run.RunDirectory);

        Assert.Equal(last.Step, json["step"]!.GetValue<long>());
        Assert.Equal("confusion", json["kind"]!.GetValue<string>());
        var tagger = (SequenceTagger)run.Task;
        Assert.Equal(tagger.Tags.Names, json["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
        long[][] m = Matrix(json);
        Assert.Equal(last.Evaluation["val_token_accuracy"]!.Value, DiagonalShare(m), 12);

        var examples = json["examples"]!.AsArray();
        Assert.Equal(Math.Min(PredictionJson.MaxExamples, run.ValidationCount), examples.Count);
        string[] Strings(JsonNode node) => node.AsArray().Select(s => s!.GetValue<string>()).ToArray();
        var sentences = examples.Select(e => new TaggedSentence(Strings(e!["tokens"]!), null, 0)).ToList();
        var predicted = tagger.Predict(sentences);
        long shownTokens = 0;
        for (int i = 0; i < examples.Count; i++)
        {
            Assert.Equal(sentences[i].Tokens.Length, Strings(examples[i]!["target"]!).Length);
            Assert.Equal(predicted[i], Strings(examples[i]!["predicted"]!));
            shownTokens += sentences[i].Tokens.Length;
        }
        Assert.True(m.Sum(row => row.Sum()) >= shownTokens);
    }

    [Fact]
    public void WritingPredictionsChangesNeitherMetricsNorWeights()
    {
        using var dir = new TempDirectory();
        var records = ClassificationData.Read(dir.File("z.tsv", TaskSynthetic.Tsv(120, 4)), ClassificationFormat.Tsv, true);
        var (train, validation) = (records.Take(90).ToList(), records.Skip(90).ToList());
        var options = Quick(3) with { Fit = new FitOptions { Epochs = 3, EvalEvery = 4, Patience = 100 } };

        (List<MetricsRecord> Metrics, float[] Weights) Train(bool withWriter)
        {
            string name = withWriter ? "with" : "without";
            var classifier = SequenceClassifier.Create(train, ClassificationFormat.Tsv, Small, options.Seed);
            var fit = classifier.CreateFit(train, validation, options);
            fit.Loop.Add(new MetricsLogWriter(dir.File(name + ".jsonl", "")));
            if (withWriter) fit.Loop.Add(new PredictionsWriter(Path.Combine(dir.Path, name + ".json"), (IEvaluationDetails)fit.Loop.Evaluator!));
            fit.Loop.Run();
            if (withWriter) Assert.True(File.Exists(Path.Combine(dir.Path, name + ".json")));
            return (MetricsLog.Read(Path.Combine(dir.Path, name + ".jsonl")), classifier.Model.Parameters.Values.ToArray());
        }

        var (a, wa) = Train(withWriter: false);
        var (b, wb) = Train(withWriter: true);
        Assert.True(a.Count(r => r.Validation is not null) >= 4, "too few evaluations to compare");
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            // Everything but the clocks (elapsed time, items per second).
            Assert.Equal(a[i] with { TokensPerSecond = 0, ElapsedSeconds = 0 }, b[i] with { TokensPerSecond = 0, ElapsedSeconds = 0 }, MetricsEqual);
        }
        Assert.Equal(wa, wb);
    }

    private static readonly IEqualityComparer<MetricsRecord> MetricsEqual = EqualityComparer<MetricsRecord>.Create(
        (x, y) => MetricsLog.Format(x!) == MetricsLog.Format(y!));

    [Fact]
    public void ForecastExamplesArePiecesOfTheSeriesWithTheModelsForecasts()
    {
        using var dir = new TempDirectory();
        double Value(int t) => Math.Sin(0.2 * t) * 3 + 10;
        string csv = dir.File("series.csv", "t,a\n" + string.Concat(Enumerable.Range(0, 200).Select(t =>
            string.Create(CultureInfo.InvariantCulture, $"{t},{Value(t):R}\n"))));
        var spec = new ForecastRunSpec
        {
            Model = new ForecastModelSettings { HiddenSize = 12 },
            Training = new ForecastOptions
            {
                Window = 12, Horizon = 3, BatchSize = 16, ValidationFraction = 0.2, Seed = 5,
                Optimization = new OptimizationOptions { LearningRate = 0.01 },
                Fit = new FitOptions { Steps = 12, EvalEvery = 6 },
            },
            Data = new ForecastDataSpec { Path = csv, Inputs = ["a"], Targets = ["a"] },
        };
        var run = ForecastRun.Start(spec, Path.Combine(dir.Path, "run"));
        var last = RunKeepingLastEvaluation(run.Loop);
        var json = ReadPredictions(run.RunDirectory);

        Assert.Equal(last.Step, json["step"]!.GetValue<long>());
        Assert.Equal("forecast", json["kind"]!.GetValue<string>());
        var examples = json["examples"]!.AsArray();
        Assert.Equal(Math.Min(PredictionJson.MaxForecasts, run.ValidationWindows), examples.Count);
        var starts = new List<int>();
        foreach (var e in examples)
        {
            double[] Numbers(string key) => e![key]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            double[] history = Numbers("history"), actual = Numbers("actual"), predicted = Numbers("predicted");
            Assert.InRange(history.Length, run.Series.Spec.HistoryRows, PredictionJson.MaxHistory);
            Assert.Equal(3, actual.Length);
            Assert.Equal(3, predicted.Length);
            Assert.Equal("a", e!["column"]!.GetValue<string>());

            // history then actual: consecutive rows of the series, in its own units.
            double[] piece = [.. history, .. actual];
            int start = Enumerable.Range(0, 200 - piece.Length + 1).Single(t => Enumerable.Range(0, piece.Length).All(k => piece[k] == Value(t + k)));
            starts.Add(start);

            // predicted: what the trained forecaster (last evaluated, no averaging) gives for the window before it.
            double[] window = history[^run.Series.Spec.HistoryRows..];
            double[] expected = run.Forecaster.PredictWindows(window, 1);
            for (int k = 0; k < 3; k++) Assert.Equal(expected[k], predicted[k], 4);
        }
        Assert.Equal(starts.Order(), starts); // spread over the validation windows, in order
        Assert.Equal(starts.Count, starts.Distinct().Count());
    }

    [Fact]
    public void Seq2SeqExactMatchesAreItsSequenceAccuracy()
    {
        using var dir = new TempDirectory();
        string data = dir.File("pairs.tsv", string.Concat(Seq2SeqRunTests.ReversedWords(3, 120).Select(p => $"{p.Source}\t{p.Target}\n")));
        var spec = new Seq2SeqRunSpec
        {
            Training = new Seq2SeqTrainingOptions
            {
                Model = new Seq2SeqSettings { HiddenSize = 16, EmbeddingSize = 8 },
                BatchSize = 16, Optimization = new OptimizationOptions { LearningRate = 0.02 },
                Fit = new FitOptions { Steps = 30, EvalEvery = 10 }, ReverseSource = true, Seed = 5,
            },
            Data = new SupervisedDataSpec { Path = data },
        };
        var run = Seq2SeqRun.Start(spec, Path.Combine(dir.Path, "run"));
        var last = RunKeepingLastEvaluation(run.Loop);
        var json = ReadPredictions(run.RunDirectory);

        Assert.Equal(last.Step, json["step"]!.GetValue<long>());
        Assert.Equal("sequences", json["kind"]!.GetValue<string>());
        int count = json["count"]!.GetValue<int>(), correct = json["correct"]!.GetValue<int>();
        Assert.Equal(run.ValidationCount, count);
        Assert.Equal(last.Evaluation["val_sequence_accuracy"]!.Value, (double)correct / count, 12);
        var examples = json["examples"]!.AsArray();
        Assert.Equal(Math.Min(PredictionJson.MaxExamples, count), examples.Count);
        var decoded = Seq2SeqPredictor.Predict(run.Model, run.Vocabulary, examples.Select(e => e!["source"]!.GetValue<string>()).ToList());
        for (int i = 0; i < examples.Count; i++)
        {
            var e = examples[i]!;
            string source = e["source"]!.GetValue<string>(), target = e["target"]!.GetValue<string>(), predicted = e["predicted"]!.GetValue<string>();
            Assert.Equal(new string(source.Reverse().ToArray()), target); // the data's pair
            Assert.Equal(decoded[i], predicted);                          // the model's output
            Assert.Equal(predicted == target, e["correct"]!.GetValue<bool>());
        }
    }
}
