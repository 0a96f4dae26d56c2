// RecurrentTextSchemaMlNetTests: a bad schema is refused the way ML.NET's own trainers refuse it — a missing
// column, a text column that is not a string, a label that is not a key — with ArgumentOutOfRangeException whose
// message names the column and what was expected; and the transformer checks the text column of what it scores.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.ML;

namespace Recurrent.Tests.EndToEnd.MlNet;

public sealed class RecurrentTextSchemaMlNetTests
{
    private sealed class NumberRow
    {
        public string Label { get; set; } = "";
        public float Text { get; set; }
    }

    private sealed class OtherNames
    {
        public string Label { get; set; } = "";
        public string Body { get; set; } = "";
    }

    private static readonly MLContext Ml = new(seed: 1);

    private static RecurrentTextEstimator Trainer() =>
        Ml.MulticlassClassification.Trainers.RecurrentText(new RecurrentTextOptions { Tokens = "word", HiddenSize = 4, Epochs = 1 });

    [Fact]
    public void A_label_that_is_not_a_key_is_a_schema_mismatch_naming_it()
    {
        var data = MlNetTextData.View(Ml, MlNetTextData.Rows(10, seed: 1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer().Fit(data));
        Assert.Contains("Schema mismatch for label column 'Label': expected Key, got String", e.Message);
    }

    [Fact]
    public void A_missing_label_or_text_column_is_named()
    {
        var noLabel = Ml.Data.LoadFromEnumerable(MlNetTextData.Rows(10, seed: 1).Select(r => new { r.Text }));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer().Fit(noLabel));
        Assert.Contains("Could not find label column 'Label'", e.Message);

        var noText = Ml.Transforms.Conversion.MapValueToKey("Label").Fit(Ml.Data.LoadFromEnumerable(new[] { new OtherNames { Label = "a", Body = "x y" } }));
        var keyed = noText.Transform(Ml.Data.LoadFromEnumerable(new[] { new OtherNames { Label = "a", Body = "x y" } }));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer().Fit(keyed));
        Assert.Contains("Could not find text column 'Text'", e.Message);
    }

    [Fact]
    public void A_text_column_that_is_not_a_string_is_a_schema_mismatch_naming_it()
    {
        var rows = new[] { new NumberRow { Label = "a", Text = 1 }, new NumberRow { Label = "b", Text = 2 } };
        var data = Ml.Transforms.Conversion.MapValueToKey("Label").Fit(Ml.Data.LoadFromEnumerable(rows)).Transform(Ml.Data.LoadFromEnumerable(rows));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer().Fit(data));
        Assert.Contains("Schema mismatch for text column 'Text': expected String, got Single", e.Message);
    }

    [Fact]
    public void The_transformer_refuses_rows_without_its_text_column()
    {
        var data = Ml.Transforms.Conversion.MapValueToKey("Label").Fit(MlNetTextData.View(Ml, MlNetTextData.Rows(30, seed: 1)))
            .Transform(MlNetTextData.View(Ml, MlNetTextData.Rows(30, seed: 1)));
        var transformer = Trainer().Fit(data);
        var other = Ml.Data.LoadFromEnumerable(new[] { new OtherNames { Label = "red", Body = "red cat" } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => transformer.Transform(other));
        Assert.Contains("Could not find text column 'Text'", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => transformer.GetOutputSchema(other.Schema));
    }

    [Fact]
    public void Impossible_options_are_refused_naming_the_option()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.MulticlassClassification.Trainers.RecurrentText(new RecurrentTextOptions { HiddenSize = 0 }));
        Assert.Equal("HiddenSize", e.ParamName);
        var tokens = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.MulticlassClassification.Trainers.RecurrentText(new RecurrentTextOptions { Tokens = "bytes" }));
        Assert.Equal("Tokens", tokens.ParamName);
    }
}
