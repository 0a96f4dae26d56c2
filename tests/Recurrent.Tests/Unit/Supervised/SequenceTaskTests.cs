// The library's classifier and tagger: they learn the synthetic problems, their predictions do not depend
// on how inputs are batched (padding is exact), and a saved model predicts exactly what it did before saving.
using Recurrent.Classification;
using Recurrent.Layers;
using Recurrent.Supervised;
using Recurrent.Training;
using Recurrent.Training.Callbacks;
using Recurrent.Tagging;
using Recurrent.Tests.Data;

namespace Recurrent.Tests.Supervised;

public sealed class SequenceTaskTests
{
    private static readonly ClassifierSettings Small = new() { Cell = CellKind.Gru, HiddenSize = 12, EmbeddingSize = 8, Bidirectional = true };
    private static readonly SupervisedOptions Quick = new()
    {
        BatchSize = 16, Seed = 3, Optimization = new() { LearningRate = 1e-2, ClipNorm = 5 }, Fit = new() { Epochs = 12 },
    };

    [Fact]
    public void ClassifierLearnsIsBatchIndependentAndRoundTrips()
    {
        using var dir = new TempDirectory();
        var train = ClassificationData.Read(dir.File("t.tsv", TaskSynthetic.Tsv(240, 1)), ClassificationFormat.Tsv, true);
        var test = ClassificationData.Read(dir.File("e.tsv", TaskSynthetic.Tsv(60, 2)), ClassificationFormat.Tsv, true);
        var losses = new List<(int Epoch, double Loss)>();
        int epoch = 0;
        var record = new LambdaCallback { StepEnd = s => losses.Add((epoch, s.Loss)), EpochEnd = e => epoch = e };
        var (classifier, outcome) = SequenceClassifier.Train(train, [], ClassificationFormat.Tsv, Small, Quick, [record]);
        Assert.Equal(StopReason.Epochs, outcome.Reason);
        Assert.Equal(Quick.Fit.Epochs, epoch);
        double first = losses.Where(l => l.Epoch == 0).Average(l => l.Loss), last = losses.Where(l => l.Epoch == epoch - 1).Average(l => l.Loss);
        Assert.True(last < first / 4, $"loss {first} → {last}");
        Assert.True(classifier.Evaluate(test).Accuracy >= 0.9);

        var one = classifier.Predict(test, batchSize: 1);
        var many = classifier.Predict(test, batchSize: 7);
        var all = classifier.Predict(test, batchSize: 64);
        double worst = 0;
        for (int i = 0; i < test.Count; i++)
            for (int c = 0; c < 2; c++)
                worst = Math.Max(worst, Math.Max(Math.Abs(one[i].Probabilities[c] - many[i].Probabilities[c]), Math.Abs(one[i].Probabilities[c] - all[i].Probabilities[c])));
        Assert.True(worst <= 1e-6, $"probabilities depend on the batching by {worst:E2}");

        string path = Path.Combine(dir.Path, "m.safetensors");
        classifier.Save(path);
        var loaded = SequenceClassifier.Load(path);
        Assert.Equal(["no", "yes"], loaded.Labels.Names);
        var again = loaded.Predict(test, batchSize: 7);
        for (int i = 0; i < test.Count; i++) Assert.Equal(many[i].Probabilities, again[i].Probabilities);
    }

    [Fact]
    public void NumericClassifierLearnsTheSignOfTheSum()
    {
        using var dir = new TempDirectory();
        var train = ClassificationData.Read(dir.File("t.csv", TaskSynthetic.Csv(300, 4)), ClassificationFormat.Csv, true);
        var test = ClassificationData.Read(dir.File("e.csv", TaskSynthetic.Csv(80, 5)), ClassificationFormat.Csv, true);
        var (classifier, _) = SequenceClassifier.Train(train, [], ClassificationFormat.Csv, Small with { Cell = CellKind.Lstm, Bidirectional = false }, Quick);
        Assert.Equal(InputKind.Dense, classifier.Model.Config.Input);
        Assert.True(classifier.Evaluate(test).Accuracy >= 0.8);
    }

    [Fact]
    public void TaggerLearnsIsBatchIndependentAndRoundTrips()
    {
        using var dir = new TempDirectory();
        var train = ConllReader.Read(dir.File("t.conll", TaskSynthetic.Conll(150, 6)), true);
        var test = ConllReader.Read(dir.File("e.conll", TaskSynthetic.Conll(40, 7, unknownWords: 5)), true);
        var (tagger, _) = SequenceTagger.Train(train, [], Small, Quick);
        TaggingResult r = tagger.Evaluate(test);
        Assert.True(r.Tokens.Accuracy >= 0.95, $"token accuracy {r.Tokens.Accuracy}");
        Assert.True(r.Entities.F1() >= 0.9, $"entity F1 {r.Entities.F1()}");

        var one = PaddedInference.Probabilities(tagger.Model, tagger.Examples(test, false), batchSize: 1);
        var many = PaddedInference.Probabilities(tagger.Model, tagger.Examples(test, false), batchSize: 9);
        double worst = 0;
        for (int i = 0; i < one.Length; i++)
            for (int j = 0; j < one[i].Length; j++) worst = Math.Max(worst, Math.Abs(one[i][j] - many[i][j]));
        Assert.True(worst <= 1e-6, $"probabilities depend on the batching by {worst:E2}");

        string path = Path.Combine(dir.Path, "m.safetensors");
        tagger.Save(path);
        var loaded = SequenceTagger.Load(path);
        Assert.Equal(tagger.Predict(test), loaded.Predict(test));
        Assert.Throws<InvalidDataException>(() => SequenceClassifier.Load(path));
    }
}
