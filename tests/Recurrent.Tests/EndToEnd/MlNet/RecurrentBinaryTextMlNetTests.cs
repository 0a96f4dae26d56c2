// RecurrentBinaryTextMlNetTests: the binary form on a Boolean label — BinaryClassification.Evaluate's accuracy is the
// classifier's own on the same rows, Probability is its p(true) and Score the log-odds row by row, CrossValidate
// runs, a label that is not Boolean is refused naming it, and the saved classifier loads back as a binary one.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.Classification;
using Recurrent.ML;

namespace Recurrent.Tests.EndToEnd.MlNet;

public sealed class RecurrentBinaryTextMlNetTests
{
    public sealed class BinaryRow
    {
        public bool Label { get; set; }
        public string Text { get; set; } = "";
    }

    private static List<BinaryRow> Rows(int count, int seed) =>
        MlNetTextData.Rows(count, seed, "red", "green").Select(r => new BinaryRow { Label = r.Label == "red", Text = r.Text }).ToList();

    private static RecurrentTextOptions Small() => new()
    {
        Tokens = "word", HiddenSize = 12, EmbeddingSize = 8, Epochs = 5, BatchSize = 16, LearningRate = 0.02, Seed = 2,
    };

    [Fact]
    public void Evaluate_gives_the_classifiers_own_accuracy_and_its_probabilities()
    {
        var ml = new MLContext(seed: 1);
        var transformer = ml.BinaryClassification.Trainers.RecurrentText(Small()).Fit(ml.Data.LoadFromEnumerable(Rows(200, seed: 21)));
        var validationRows = Rows(80, seed: 22);
        var scored = transformer.Transform(ml.Data.LoadFromEnumerable(validationRows));

        var metrics = ml.BinaryClassification.Evaluate(scored);

        Assert.True(transformer.IsBinary);
        Assert.Equal(["False", "True"], transformer.ClassNames);
        var records = validationRows.Select((r, i) => new ClassificationRecord(r.Label ? "True" : "False", r.Text, [], i + 1)).ToList();
        double own = transformer.Classifier.Evaluate(records).Accuracy;
        Assert.Equal(own, metrics.Accuracy, 12);
        Assert.True(own > 0.9, $"the colour word decides the class; accuracy {own}");
        Assert.InRange(metrics.AreaUnderRocCurve, 0.9, 1.0);

        var probability = scored.GetColumn<float>("Probability").ToList();
        var score = scored.GetColumn<float>("Score").ToList();
        var predicted = scored.GetColumn<bool>("PredictedLabel").ToList();
        for (int i = 0; i < records.Count; i++)
        {
            var p = transformer.Classifier.Predict([records[i]], batchSize: 1)[0];
            Assert.Equal(p.Probabilities[1], probability[i]);
            Assert.Equal(MathF.Log(p.Probabilities[1]) - MathF.Log(p.Probabilities[0]), score[i]);
            Assert.Equal(p.Label == "True", predicted[i]);
            Assert.Equal(predicted[i], score[i] > 0);
        }
    }

    [Fact]
    public void CrossValidate_runs_and_a_saved_binary_classifier_loads_as_one()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(160, seed: 23));
        var options = Small();
        options.Epochs = 10; // each fold trains on 80 rows
        var folds = ml.BinaryClassification.CrossValidate(data, ml.BinaryClassification.Trainers.RecurrentText(options), numberOfFolds: 2);
        Assert.Equal(2, folds.Count);
        Assert.All(folds, f => Assert.True(f.Metrics.Accuracy > 0.8, $"fold {f.Fold}: accuracy {f.Metrics.Accuracy}"));

        var trained = (RecurrentTextTransformer)folds[0].Model;
        string path = Path.Combine(Path.GetTempPath(), $"recurrent-binary-{Guid.NewGuid():N}.rnn");
        try
        {
            trained.SaveRecurrentModel(path);
            var loaded = new MLContext().Model.LoadRecurrentBinaryText(path);
            Assert.True(loaded.IsBinary);
            Assert.Equal(trained.Transform(data).GetColumn<float>("Probability"), loaded.Transform(data).GetColumn<float>("Probability"));
            var multiclass = new MLContext().Model.LoadRecurrentText(path);
            Assert.False(multiclass.IsBinary);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_label_that_is_not_Boolean_is_a_schema_mismatch_naming_it()
    {
        var ml = new MLContext(seed: 1);
        var data = MlNetTextData.View(ml, MlNetTextData.Rows(10, seed: 1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.RecurrentText(Small()).Fit(data));
        Assert.Contains("Schema mismatch for label column 'Label': expected Boolean, got String", e.Message);
    }
}
