// RecurrentTextShapeMlNetTests: the estimators' schema-shape promises (GetOutputSchema(SchemaShape), what an
// estimator chain checks before fitting) — the scored columns with the kinds and types the transformer really adds,
// and the same column errors as Fit. ML.NET makes a SchemaShape from a schema only internally (SchemaShape.Create),
// so the test reaches it by reflection; the code under test uses public API only.
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.ML;

namespace Recurrent.Tests.EndToEnd.MlNet;

public sealed class RecurrentTextShapeMlNetTests
{
    internal static SchemaShape ShapeOf(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", BindingFlags.NonPublic | BindingFlags.Static, [typeof(DataViewSchema)])!.Invoke(null, [schema])!;

    private static SchemaShape.Column Column(SchemaShape shape, string name) => shape.Single(c => c.Name == name);

    [Fact]
    public void The_multiclass_shape_promises_a_score_vector_and_a_key_and_matches_the_transformer()
    {
        var ml = new MLContext(seed: 1);
        var rows = MlNetTextData.View(ml, MlNetTextData.Rows(60, seed: 1));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(rows).Transform(rows);
        var trainer = ml.MulticlassClassification.Trainers.RecurrentText(new RecurrentTextOptions { Tokens = "word", HiddenSize = 4, Epochs = 1 });

        var shape = trainer.GetOutputSchema(ShapeOf(keyed.Schema));

        var score = Column(shape, "Score");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, score.Kind);
        Assert.Equal(NumberDataViewType.Single, score.ItemType);
        Assert.True(Column(shape, "PredictedLabel").IsKey);
        Assert.NotNull(Column(shape, "Text").ItemType);
        var actual = trainer.Fit(keyed).GetOutputSchema(keyed.Schema);
        Assert.Equal(3, ((VectorDataViewType)actual["Score"].Type).Size);
        Assert.IsType<KeyDataViewType>(actual["PredictedLabel"].Type);

        var text = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.GetOutputSchema(new SchemaShape(ShapeOf(keyed.Schema).Where(c => c.Name != "Text"))));
        Assert.Contains("Could not find text column 'Text'", text.Message);
        var label = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.GetOutputSchema(ShapeOf(rows.Schema)));
        Assert.Contains("Schema mismatch for label column 'Label': expected Key, got String", label.Message);
    }

    [Fact]
    public void The_binary_shape_promises_score_probability_and_a_boolean()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new RecurrentBinaryTextMlNetTests.BinaryRow { Label = true, Text = "red cat" } });
        var shape = ml.BinaryClassification.Trainers.RecurrentText().GetOutputSchema(ShapeOf(data.Schema));
        foreach (var name in new[] { "Score", "Probability" })
        {
            Assert.Equal(SchemaShape.Column.VectorKind.Scalar, Column(shape, name).Kind);
            Assert.Equal(NumberDataViewType.Single, Column(shape, name).ItemType);
        }
        Assert.Equal(BooleanDataViewType.Instance, Column(shape, "PredictedLabel").ItemType);
        Assert.False(Column(shape, "PredictedLabel").IsKey);
    }
}
