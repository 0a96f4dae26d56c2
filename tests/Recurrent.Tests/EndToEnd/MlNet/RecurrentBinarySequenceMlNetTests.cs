// RecurrentBinarySequenceMlNetTests: the numeric-sequence classifier on a Boolean label
// (BinaryClassification.Trainers.RecurrentSequence) — BinaryClassification.Evaluate's accuracy is the classifier's own
// on the same rows, Probability is its p(true) and Score the log-odds row by row, the order of the steps is learnt,
// CrossValidate runs, a key-typed label is refused naming it, and the saved model loads back as a binary classifier
// (and refuses to when it is not one). Margins seen: accuracy ≈ 0.87 (asserted > 0.75), folds ≈ 0.8 (> 0.65).
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.Classification;
using Recurrent.ML;

namespace Recurrent.Tests.EndToEnd.MlNet;

public sealed class RecurrentBinarySequenceMlNetTests
{
    public sealed class BinarySequenceRow
    {
        public bool Label { get; set; }
        [VectorType(8)] public float[] Features { get; set; } = [];
    }

    // True when the largest value comes before the smallest.
    private static List<BinarySequenceRow> Rows(int count, int seed) =>
        MlNetSequenceData.FixedClassification(count, seed).Select(r => new BinarySequenceRow { Label = r.Label == "MaxFirst", Features = r.Features }).ToList();

    private static RecurrentSequenceOptions Small() => new() { HiddenSize = 16, Epochs = 12, BatchSize = 16, LearningRate = 0.02, Seed = 3 };

    [Fact]
    public void Evaluate_gives_the_classifiers_own_accuracy_and_its_probabilities()
    {
        var ml = new MLContext(seed: 1);
        var transformer = ml.BinaryClassification.Trainers.RecurrentSequence(Small()).Fit(ml.Data.LoadFromEnumerable(Rows(400, seed: 1)));
        var validationRows = Rows(120, seed: 2);
        var scored = transformer.Transform(ml.Data.LoadFromEnumerable(validationRows));

        var metrics = ml.BinaryClassification.Evaluate(scored);

        Assert.True(transformer.IsBinary);
        Assert.Equal(["False", "True"], transformer.ClassNames);
        var records = validationRows.Select((r, i) => new ClassificationRecord(r.Label ? "True" : "False", "", r.Features, i + 1)).ToList();
        double own = transformer.Classifier.Evaluate(records).Accuracy;
        Assert.Equal(own, metrics.Accuracy, 12);
        Assert.True(own > 0.75, $"the order of the extremes decides the class; accuracy {own}");

        var probability = scored.GetColumn<float>("Probability").ToList();
        var score = scored.GetColumn<float>("Score").ToList();
        var predicted = scored.GetColumn<bool>("PredictedLabel").ToList();
        for (int i = 0; i < records.Count; i++)
        {
            var p = transformer.Classifier.Predict([records[i]], batchSize: 1)[0];
            Assert.Equal(p.Probabilities[1], probability[i]);
            Assert.Equal(MathF.Log(p.Probabilities[1]) - MathF.Log(p.Probabilities[0]), score[i]);
            Assert.Equal(p.Label == "True", predicted[i]);
        }
    }

    [Fact]
    public void CrossValidate_runs_and_the_saved_model_loads_back_as_binary()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(300, seed: 4));
        var folds = ml.BinaryClassification.CrossValidate(data, ml.BinaryClassification.Trainers.RecurrentSequence(Small()), numberOfFolds: 2);
        Assert.Equal(2, folds.Count);
        Assert.All(folds, f => Assert.True(f.Metrics.Accuracy > 0.65, $"fold {f.Fold}: accuracy {f.Metrics.Accuracy}"));

        var trained = (RecurrentSequenceTransformer)folds[0].Model;
        string path = Path.Combine(Path.GetTempPath(), $"recurrent-binary-sequence-{Guid.NewGuid():N}.rnn");
        string other = Path.Combine(Path.GetTempPath(), $"recurrent-three-classes-{Guid.NewGuid():N}.rnn");
        try
        {
            trained.SaveRecurrentModel(path);
            var loaded = new MLContext().Model.LoadRecurrentBinarySequence(path);
            Assert.True(loaded.IsBinary);
            Assert.Equal(trained.Transform(data).GetColumn<float>("Score"), loaded.Transform(data).GetColumn<float>("Score"));
            Assert.False(new MLContext().Model.LoadRecurrentSequence(path).IsBinary);

            // A multiclass classifier is not loaded as a binary one.
            var threeClasses = ml.Data.LoadFromEnumerable(MlNetSequenceData.FixedClassification(30, seed: 5)
                .Select((r, i) => new FixedSequenceRow { Label = (i % 3).ToString(), Features = r.Features }));
            var multiclass = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.RecurrentSequence(new RecurrentSequenceOptions { HiddenSize = 4, Epochs = 1 })).Fit(threeClasses);
            multiclass.LastTransformer.SaveRecurrentModel(other);
            var e = Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadRecurrentBinarySequence(other));
            Assert.Contains("not the binary classifier's [False, True]", e.Message);
        }
        finally { File.Delete(path); File.Delete(other); }
    }

    [Fact]
    public void A_label_that_is_not_Boolean_is_a_schema_mismatch_naming_it()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(MlNetSequenceData.FixedClassification(10, seed: 1)))
            .Transform(ml.Data.LoadFromEnumerable(MlNetSequenceData.FixedClassification(10, seed: 1)));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.RecurrentSequence(Small()).Fit(data));
        Assert.Contains("Schema mismatch for label column 'Label': expected Boolean, got Key", e.Message);
    }
}
