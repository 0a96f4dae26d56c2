// ModelSaveSequenceMlNetTests: mlContext.Model.Save of the numeric-sequence classifier (multiclass and binary) and regressor. The zip holds a
// chain of ML.NET transformers around an ONNX graph (standardisation, network, head); mlContext.Model.Load in a new
// MLContext gives the same PredictedLabel and Score to float rounding — on variable-length vectors (two channels
// of very different scale) and on fixed-size ones — the same column names and types, Evaluate's metrics, and NaN
// (PredictedLabel 0) for an empty vector as the managed transformer.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.ML;
using Xunit.Abstractions;

namespace Recurrent.Tests.EndToEnd.MlNet;

public sealed class ModelSaveSequenceMlNetTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recurrent-mlsave-seq-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static RecurrentSequenceOptions Small(int featuresPerStep) => new() { FeaturesPerStep = featuresPerStep, HiddenSize = 8, Epochs = 3, LearningRate = 0.02 };

    [Fact]
    public void A_sequence_classifier_saved_with_Model_Save_predicts_the_same_in_a_new_context()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MlNetSequenceData.VariableClassification(80, seed: 4, featuresPerStep: 2));
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.RecurrentSequence(Small(2))).Fit(data);
        string zip = Path.Combine(_dir, "classifier.zip");
        ml.Model.Save(model, data.Schema, zip);

        var fresh = new MLContext(seed: 7);
        var loaded = fresh.Model.Load(zip, out _);
        var rows = MlNetSequenceData.VariableClassification(40, seed: 5, featuresPerStep: 2);
        rows.Add(new VariableSequenceRow { Label = "MaxFirst", Features = [] });
        var before = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var after = loaded.Transform(fresh.Data.LoadFromEnumerable(rows));

        Assert.Equal(ModelSaveTextMlNetTests.Visible(before.Schema), ModelSaveTextMlNetTests.Visible(after.Schema));
        Assert.Equal(before.GetColumn<uint>("PredictedLabel"), after.GetColumn<uint>("PredictedLabel"));
        var (largest, message) = ModelSaveTextMlNetTests.LargestDifference(
            before.GetColumn<float[]>("Score").SelectMany(s => s).ToArray(), after.GetColumn<float[]>("Score").SelectMany(s => s).ToArray());
        output.WriteLine($"{nameof(ModelSaveSequenceMlNetTests)}: {message}");
        Assert.True(largest < 1e-5f, message);
        Assert.Equal(0u, after.GetColumn<uint>("PredictedLabel").Last());                 // the empty vector
        Assert.All(after.GetColumn<float[]>("Score").Last(), s => Assert.True(float.IsNaN(s)));

        var scoredRows = rows.Take(40).ToList();
        var expected = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(scoredRows)));
        var actual = fresh.MulticlassClassification.Evaluate(loaded.Transform(fresh.Data.LoadFromEnumerable(scoredRows)));
        Assert.Equal(expected.MicroAccuracy, actual.MicroAccuracy);
        Assert.Equal(expected.LogLoss, actual.LogLoss, 1e-5);
    }

    public sealed class BinaryVariableRow
    {
        public bool Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    [Fact]
    public void A_binary_sequence_classifier_saved_with_Model_Save_gives_the_same_score_probability_and_label()
    {
        var ml = new MLContext(seed: 1);
        List<BinaryVariableRow> Rows(int count, int seed) => MlNetSequenceData.VariableClassification(count, seed, featuresPerStep: 2)
            .Select(r => new BinaryVariableRow { Label = r.Label == "MaxFirst", Features = r.Features }).ToList();
        var data = ml.Data.LoadFromEnumerable(Rows(80, seed: 8));
        var model = ml.BinaryClassification.Trainers.RecurrentSequence(Small(2)).Fit(data);
        string zip = Path.Combine(_dir, "binary.zip");
        ml.Model.Save(model, data.Schema, zip);

        var fresh = new MLContext(seed: 7);
        var loaded = fresh.Model.Load(zip, out _);
        var rows = Rows(40, seed: 9);
        var before = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var after = loaded.Transform(fresh.Data.LoadFromEnumerable(rows));

        Assert.Equal(ModelSaveTextMlNetTests.Visible(before.Schema), ModelSaveTextMlNetTests.Visible(after.Schema));
        Assert.Equal(before.GetColumn<bool>("PredictedLabel"), after.GetColumn<bool>("PredictedLabel"));
        foreach (string column in new[] { "Score", "Probability" })
        {
            var (largest, message) = ModelSaveTextMlNetTests.LargestDifference(before.GetColumn<float>(column).ToArray(), after.GetColumn<float>(column).ToArray());
            output.WriteLine($"{nameof(ModelSaveSequenceMlNetTests)} binary {column}: {message}");
            Assert.True(largest < 1e-5f, message);
        }
        var expected = ml.BinaryClassification.Evaluate(before);
        var actual = fresh.BinaryClassification.Evaluate(after);
        Assert.Equal(expected.Accuracy, actual.Accuracy);
        Assert.Equal(expected.AreaUnderRocCurve, actual.AreaUnderRocCurve, 1e-5);
    }

    [Fact]
    public void A_sequence_regressor_saved_with_Model_Save_predicts_the_same_in_a_new_context()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MlNetSequenceData.VariableRegression(80, seed: 2, featuresPerStep: 2));
        var model = ml.Regression.Trainers.RecurrentSequence(Small(2)).Fit(data);
        string zip = Path.Combine(_dir, "regressor.zip");
        ml.Model.Save(model, data.Schema, zip);

        var fresh = new MLContext(seed: 7);
        var loaded = fresh.Model.Load(zip, out _);
        var rows = MlNetSequenceData.VariableRegression(40, seed: 3, featuresPerStep: 2);
        rows.Add(new VariableRegressionRow { Label = 0, Features = [] });
        var before = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var after = loaded.Transform(fresh.Data.LoadFromEnumerable(rows));

        Assert.Equal(ModelSaveTextMlNetTests.Visible(before.Schema), ModelSaveTextMlNetTests.Visible(after.Schema));
        var (largest, message) = ModelSaveTextMlNetTests.LargestDifference(before.GetColumn<float>("Score").ToArray(), after.GetColumn<float>("Score").ToArray());
        output.WriteLine($"{nameof(ModelSaveSequenceMlNetTests)}: {message}");
        Assert.True(largest < 1e-5f, message);
        Assert.True(float.IsNaN(after.GetColumn<float>("Score").Last()));

        var scoredRows = rows.Take(40).ToList();
        var expected = ml.Regression.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(scoredRows)));
        var actual = fresh.Regression.Evaluate(loaded.Transform(fresh.Data.LoadFromEnumerable(scoredRows)));
        Assert.Equal(expected.MeanAbsoluteError, actual.MeanAbsoluteError, 1e-5);
        Assert.Equal(expected.RootMeanSquaredError, actual.RootMeanSquaredError, 1e-5);
        Assert.Equal(expected.RSquared, actual.RSquared, 1e-5);
    }

    [Fact]
    public void A_model_fitted_on_fixed_size_vectors_loads_and_predicts_them_the_same()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MlNetSequenceData.FixedRegression(80, seed: 6));
        var model = ml.Regression.Trainers.RecurrentSequence(Small(1)).Fit(data);
        string zip = Path.Combine(_dir, "fixed.zip");
        ml.Model.Save(model, data.Schema, zip);

        var fresh = new MLContext(seed: 7);
        var loaded = fresh.Model.Load(zip, out var schema);
        Assert.Equal(data.Schema["Features"].Type, schema["Features"].Type);   // Vector<Single, 8>
        var rows = MlNetSequenceData.FixedRegression(30, seed: 7);
        var before = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score").ToArray();
        var after = loaded.Transform(fresh.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score").ToArray();
        var (largest, message) = ModelSaveTextMlNetTests.LargestDifference(before, after);
        output.WriteLine($"{nameof(ModelSaveSequenceMlNetTests)}: {message}");
        Assert.True(largest < 1e-5f, message);
    }
}
