// RecurrentSequenceSaveMlNetTests: saving the RecurrentSequence models. mlContext.Model.Save fails loudly (ML.NET 6
// gives outside transformers no way into its zip) and names the way that works; SaveRecurrentModel and
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

    [Fact]
    public void Model_Save_fails_loudly_for_both_and_names_the_way_that_works()
    {
        var ml = new MLContext(seed: 1);
        var regressionData = ml.Data.LoadFromEnumerable(MlNetSequenceData.VariableRegression(60, seed: 1, featuresPerStep: 2));
        var regressor = ml.Regression.Trainers.RecurrentSequence(Small()).Fit(regressionData);
        string zip = Path.Combine(_dir, "regressor.zip");
        var e = Assert.ThrowsAny<Exception>(() => ml.Model.Save(regressor, regressionData.Schema, zip));
        var notSupported = e as NotSupportedException ?? e.InnerException as NotSupportedException;
        Assert.NotNull(notSupported);
        Assert.Contains("RecurrentSequenceRegressionTransformer.SaveRecurrentModel", notSupported.Message);
        Assert.Contains("LoadRecurrentSequenceRegression", notSupported.Message);
        if (File.Exists(zip)) Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(zip, out _));

        var classData = ml.Data.LoadFromEnumerable(MlNetSequenceData.VariableClassification(60, seed: 1, featuresPerStep: 2));
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(classData);
        var classifier = ml.MulticlassClassification.Trainers.RecurrentSequence(Small()).Fit(keys.Transform(classData));
        e = Assert.ThrowsAny<Exception>(() => ml.Model.Save(new TransformerChain<ITransformer>(keys, classifier), classData.Schema, Path.Combine(_dir, "classifier.zip")));
        notSupported = e as NotSupportedException ?? e.InnerException as NotSupportedException;
        Assert.NotNull(notSupported);
        Assert.Contains("LoadRecurrentSequence(path)", notSupported.Message);
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
