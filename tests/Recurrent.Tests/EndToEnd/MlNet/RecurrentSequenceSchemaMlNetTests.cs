// RecurrentSequenceSchemaMlNetTests: the RecurrentSequence trainers refuse a bad schema as ML.NET's own trainers do,
// with ArgumentOutOfRangeException naming the column and what was expected — a features column that is not a vector,
// a vector of the wrong item type, a known size that is not a multiple of FeaturesPerStep, a label of the wrong type
// (not a key for the classifier, not Single for the regressor) — also in GetOutputSchema and when the fitted
// transformer scores another schema; a variable-size row that is not whole steps is named with its row; impossible
// options name the option.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.ML;

namespace Recurrent.Tests.EndToEnd.MlNet;

public sealed class RecurrentSequenceSchemaMlNetTests
{
    private sealed class ScalarRow
    {
        public float Label { get; set; }
        public float Features { get; set; }
    }

    private sealed class DoubleRow
    {
        public float Label { get; set; }
        [VectorType(4)] public double[] Features { get; set; } = [];
    }

    private sealed class SevenRow
    {
        public float Label { get; set; }
        [VectorType(7)] public float[] Features { get; set; } = [];
    }

    private sealed class TextLabelRow
    {
        public string Label { get; set; } = "";
        [VectorType(4)] public float[] Features { get; set; } = [];
    }

    private static readonly MLContext Ml = new(seed: 1);

    private static RecurrentSequenceOptions Options(int featuresPerStep = 1) => new() { FeaturesPerStep = featuresPerStep, HiddenSize = 4, Epochs = 1 };

    [Fact]
    public void A_features_column_that_is_not_a_vector_of_Single_is_named()
    {
        var scalar = Ml.Data.LoadFromEnumerable(new[] { new ScalarRow { Label = 1, Features = 2 } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Regression.Trainers.RecurrentSequence(Options()).Fit(scalar));
        Assert.Contains("Schema mismatch for features column 'Features': expected Vector<Single>, got Single", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Regression.Trainers.RecurrentSequence(Options()).GetOutputSchema(RecurrentTextShapeMlNetTests.ShapeOf(scalar.Schema)));
        Assert.Contains("features column 'Features'", e.Message);

        var doubles = Ml.Data.LoadFromEnumerable(new[] { new DoubleRow { Label = 1, Features = [1, 2, 3, 4] } });
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Regression.Trainers.RecurrentSequence(Options()).Fit(doubles));
        Assert.Contains("Schema mismatch for features column 'Features': expected Vector<Single>, got Vector<Double, 4>", e.Message);
    }

    [Fact]
    public void A_known_size_that_is_not_whole_steps_is_named_with_the_numbers_per_step()
    {
        var seven = Ml.Data.LoadFromEnumerable(new[] { new SevenRow { Label = 1, Features = new float[7] } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Regression.Trainers.RecurrentSequence(Options(featuresPerStep: 2)).Fit(seven));
        Assert.Contains("features column 'Features': a vector of 7 numbers is not a whole number of steps of 2 features", e.Message);
        var keyed = Ml.Data.LoadFromEnumerable(new[] { new TextLabelRow { Label = "a", Features = new float[4] } });
        var keys = Ml.Transforms.Conversion.MapValueToKey("Label").Fit(keyed).Transform(keyed);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.MulticlassClassification.Trainers.RecurrentSequence(Options(featuresPerStep: 3)).Fit(keys));
        Assert.Contains("a vector of 4 numbers is not a whole number of steps of 3 features", e.Message);
    }

    [Fact]
    public void A_variable_size_row_that_is_not_whole_steps_is_named_with_its_row()
    {
        var rows = MlNetSequenceData.VariableRegression(5, seed: 1, featuresPerStep: 2);
        rows[3].Features = [1, 2, 3];
        var data = Ml.Data.LoadFromEnumerable(rows);
        var e = Assert.Throws<InvalidOperationException>(() => Ml.Regression.Trainers.RecurrentSequence(Options(featuresPerStep: 2)).Fit(data));
        Assert.Contains("features column 'Features': a vector of 3 numbers is not a whole number of steps of 2 features", e.Message);
        Assert.Contains("row 4", e.Message);
    }

    [Fact]
    public void A_label_of_the_wrong_type_is_named()
    {
        var text = Ml.Data.LoadFromEnumerable(new[] { new TextLabelRow { Label = "a", Features = new float[4] } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Regression.Trainers.RecurrentSequence(Options()).Fit(text));
        Assert.Contains("Schema mismatch for label column 'Label': expected Single, got String", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Regression.Trainers.RecurrentSequence(Options()).GetOutputSchema(RecurrentTextShapeMlNetTests.ShapeOf(text.Schema)));
        Assert.Contains("label column 'Label': expected Single", e.Message);

        e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.MulticlassClassification.Trainers.RecurrentSequence(Options()).Fit(text));
        Assert.Contains("Schema mismatch for label column 'Label': expected Key, got String", e.Message);
        var missing = Ml.Data.LoadFromEnumerable(new[] { new SevenRow { Features = new float[7] } });
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.MulticlassClassification.Trainers.RecurrentSequence(new RecurrentSequenceOptions { LabelColumnName = "Class", FeaturesPerStep = 7 }).Fit(missing));
        Assert.Contains("Could not find label column 'Class'", e.Message);
    }

    [Fact]
    public void The_fitted_transformer_checks_what_it_scores_and_impossible_options_name_the_option()
    {
        var transformer = Ml.Regression.Trainers.RecurrentSequence(Options(featuresPerStep: 2)).Fit(
            Ml.Data.LoadFromEnumerable(MlNetSequenceData.VariableRegression(20, seed: 2, featuresPerStep: 2)));
        var seven = Ml.Data.LoadFromEnumerable(new[] { new SevenRow { Features = new float[7] } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => transformer.Transform(seven));
        Assert.Contains("a vector of 7 numbers is not a whole number of steps of 2 features", e.Message);
        Assert.Equal(NumberDataViewType.Single, transformer.GetOutputSchema(Ml.Data.LoadFromEnumerable(new[] { new TextLabelRow() }).Schema)["Score"].Type);

        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Regression.Trainers.RecurrentSequence(featuresPerStep: 0));
        Assert.Equal(nameof(RecurrentSequenceOptions.FeaturesPerStep), bad.ParamName);
    }
}
