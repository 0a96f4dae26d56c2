// RecurrentSequenceSaveMlNetTests: saving the RecurrentSequence models with SaveRecurrentModel (mlContext.Model.Save is
// ModelSaveSequenceMlNetTests; here only its refusal of a label whose KeyValues are not strings). SaveRecurrentModel and
// mlContext.Model.LoadRecurrentSequence / LoadRecurrentSequenceRegression round-trip them: in a new MLContext the
// loaded transformer gives the same Score bits (and PredictedLabel keys and names for the classifier); a file of the
// other kind is refused.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.ML;

namespace Recurrent.Tests.EndToEnd.MlNet;

public sealed class RecurrentSequenceSaveMlNetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recurrent-mlseq-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static RecurrentSequenceOptions Small() => new() { FeaturesPerStep = 2, HiddenSize = 8, Epochs = 3, LearningRate = 0.02 };

    public sealed class NumberLabelRow
    {
        public float Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    [Fact]
    public void Model_Save_refuses_a_label_whose_KeyValues_are_not_strings_and_names_the_way_that_works()
    {
        var ml = new MLContext(seed: 1);
        var rows = MlNetSequenceData.VariableClassification(60, seed: 1, featuresPerStep: 2)
            .Select(r => new NumberLabelRow { Label = r.Label == "MaxFirst" ? 1 : 7, Features = r.Features });
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.RecurrentSequence(Small())).Fit(data);
        var e = Assert.Throws<NotSupportedException>(() => ml.Model.Save(model, data.Schema, Path.Combine(_dir, "numbers.zip")));
        Assert.Contains("Vector<Single, 2>, not strings", e.Message);
        Assert.Contains("SaveRecurrentModel", e.Message);
    }

    [Fact]
    public void A_saved_regressor_loads_in_a_new_context_and_predicts_the_same_bits()
    {
        var ml = new MLContext(seed: 1);
        var trained = ml.Regression.Trainers.RecurrentSequence(Small()).Fit(
            ml.Data.LoadFromEnumerable(MlNetSequenceData.VariableRegression(80, seed: 2, featuresPerStep: 2)));
        string path = Path.Combine(_dir, "regressor.rnn");
        trained.SaveRecurrentModel(path);

        var fresh = new MLContext(seed: 7);
        var loaded = fresh.Model.LoadRecurrentSequenceRegression(path);
        var rows = MlNetSequenceData.VariableRegression(30, seed: 3, featuresPerStep: 2);
        var before = trained.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score").ToArray();
        var after = loaded.Transform(fresh.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score").ToArray();
        Assert.Equal(before, after);
        Assert.Equal(2, loaded.FeaturesPerStep);
        Assert.Equal(trained.Regressor.TargetMean, loaded.Regressor.TargetMean);
        Assert.All(after, s => Assert.True(float.IsFinite(s)));

        // A regressor file is not a classifier, and a classifier file not a regressor.
        Assert.ThrowsAny<InvalidDataException>(() => fresh.Model.LoadRecurrentSequence(path));
    }

    [Fact]
    public void A_saved_classifier_loads_in_a_new_context_and_predicts_the_same_scores_and_labels()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MlNetSequenceData.VariableClassification(80, seed: 4, featuresPerStep: 2));
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data);
        var trained = ml.MulticlassClassification.Trainers.RecurrentSequence(Small()).Fit(keys.Transform(data));
        string path = Path.Combine(_dir, "classifier.rnn");
        trained.SaveRecurrentModel(path);

        var fresh = new MLContext(seed: 7);
        var loaded = fresh.Model.LoadRecurrentSequence(path);
        var rows = MlNetSequenceData.VariableClassification(30, seed: 5, featuresPerStep: 2);
        var before = trained.Transform(keys.Transform(ml.Data.LoadFromEnumerable(rows)));
        var after = loaded.Transform(fresh.Data.LoadFromEnumerable(rows));
        Assert.Equal(before.GetColumn<float[]>("Score").ToArray(), after.GetColumn<float[]>("Score").ToArray());
        Assert.Equal(before.GetColumn<uint>("PredictedLabel").ToArray(), after.GetColumn<uint>("PredictedLabel").ToArray());
        Assert.Equal(trained.ClassNames, loaded.ClassNames);
        Assert.Equal(2, loaded.FeaturesPerStep);
        var names = fresh.Transforms.Conversion.MapKeyToValue("Predicted", "PredictedLabel").Fit(after).Transform(after).GetColumn<string>("Predicted").ToArray();
        Assert.All(names, n => Assert.Contains(n, new[] { "MaxFirst", "MinFirst" }));

        Assert.ThrowsAny<InvalidDataException>(() => fresh.Model.LoadRecurrentSequenceRegression(path));
    }
}
