// ModelSaveTextMlNetTests: mlContext.Model.Save of the text classifiers. A char-token classifier (multiclass and
// binary) is written as a chain of ML.NET transformers around an ONNX graph; mlContext.Model.Load in a new MLContext
// gives the managed transformer's PredictedLabel exactly and its Score/Probability to float rounding (the largest
// difference goes to the test output), with the same column names, types and score annotations (SlotNames,
// ScoreColumnKind, KeyValues), and Evaluate runs on it with the same metrics. An empty text scores NaN in both; a surrogate pair is one unknown token in both. Word tokens and a
// vocabulary outside the BMP are refused at Save, naming the way that works.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.ML;
using Xunit.Abstractions;

namespace Recurrent.Tests.EndToEnd.MlNet;

public sealed class ModelSaveTextMlNetTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recurrent-mlsave-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Rows the model never saw, plus the edge cases: empty, unknown characters, a surrogate pair (one rune), a lone surrogate-free emoji text.
    private static List<TextRow> TestRows(params string[] classes)
    {
        var rows = MlNetTextData.Rows(40, seed: 12, classes);
        rows.Add(new TextRow { Label = classes.Length > 0 ? classes[0] : "red", Text = "" });
        rows.Add(new TextRow { Label = classes.Length > 0 ? classes[0] : "red", Text = "Ünknown ßtuff 12 ± ∞" });
        rows.Add(new TextRow { Label = classes.Length > 0 ? classes[0] : "red", Text = "the red \U0001F600 cat" });
        rows.Add(new TextRow { Label = classes.Length > 0 ? classes[0] : "red", Text = "\U0001F600" });
        return rows;
    }

    internal static (float Largest, string Where) LargestDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float largest = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(float.IsNaN(expected[i]), float.IsNaN(actual[i]));
            if (!float.IsNaN(expected[i])) largest = Math.Max(largest, Math.Abs(expected[i] - actual[i]));
        }
        return (largest, $"largest |difference| {largest:E2}");
    }

    [Fact]
    public void A_char_classifier_saved_with_Model_Save_loads_in_a_new_context_and_predicts_the_same()
    {
        var ml = new MLContext(seed: 1);
        var train = MlNetTextData.View(ml, MlNetTextData.Rows(150, seed: 11));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.RecurrentText(new RecurrentTextOptions
        {
            Tokens = "char", HiddenSize = 12, EmbeddingSize = 8, Epochs = 2, LearningRate = 0.02,
        }));
        var model = pipeline.Fit(train);
        string zip = Path.Combine(_dir, "text.zip");
        ml.Model.Save(model, train.Schema, zip);

        var fresh = new MLContext(seed: 5);
        var loaded = fresh.Model.Load(zip, out var inputSchema);
        Assert.Equal(train.Schema.Select(c => (c.Name, c.Type)), inputSchema.Select(c => (c.Name, c.Type)));
        var rows = TestRows();
        var before = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var after = loaded.Transform(fresh.Data.LoadFromEnumerable(rows));

        Assert.Equal(Visible(before.Schema), Visible(after.Schema));
        Assert.Equal(before.GetColumn<uint>("PredictedLabel"), after.GetColumn<uint>("PredictedLabel"));
        var (largest, message) = LargestDifference(before.GetColumn<float[]>("Score").SelectMany(s => s).ToArray(), after.GetColumn<float[]>("Score").SelectMany(s => s).ToArray());
        output.WriteLine($"{nameof(ModelSaveTextMlNetTests)}: {message}");
        Assert.True(largest < 1e-5f, message);
        Assert.Equal(0u, after.GetColumn<uint>("PredictedLabel").ElementAt(40));   // the empty text: no prediction
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        after.Schema["PredictedLabel"].GetKeyValues(ref names);
        Assert.Equal(((RecurrentTextTransformer)model.LastTransformer).ClassNames, names.DenseValues().Select(n => n.ToString()));
        var slots = default(VBuffer<ReadOnlyMemory<char>>);
        after.Schema["Score"].GetSlotNames(ref slots);                              // the annotations Evaluate and users read
        Assert.Equal(((RecurrentTextTransformer)model.LastTransformer).ClassNames, slots.DenseValues().Select(n => n.ToString()));
        Assert.Equal("MulticlassClassification", Kind(after.Schema["Score"]));
        Assert.Equal(Kind(before.Schema["PredictedLabel"]), Kind(after.Schema["PredictedLabel"]));

        var rowsWithText = rows.Where(r => r.Text.Length > 0).ToList();   // Evaluate: a NaN score is log-loss infinity in both
        var expected = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(rowsWithText)));
        var actual = fresh.MulticlassClassification.Evaluate(loaded.Transform(fresh.Data.LoadFromEnumerable(rowsWithText)));
        Assert.Equal(expected.MicroAccuracy, actual.MicroAccuracy);
        Assert.Equal(expected.MacroAccuracy, actual.MacroAccuracy);
        Assert.Equal(expected.LogLoss, actual.LogLoss, 1e-5);
    }

    [Fact]
    public void A_binary_char_classifier_saved_with_Model_Save_gives_the_same_score_probability_and_label()
    {
        var ml = new MLContext(seed: 1);
        static List<RecurrentBinaryTextMlNetTests.BinaryRow> Binary(IEnumerable<TextRow> rows) =>
            rows.Select(r => new RecurrentBinaryTextMlNetTests.BinaryRow { Label = r.Label == "red", Text = r.Text }).ToList();
        var train = ml.Data.LoadFromEnumerable(Binary(MlNetTextData.Rows(150, seed: 21, "red", "green")));
        var model = ml.BinaryClassification.Trainers.RecurrentText(new RecurrentTextOptions
        {
            Tokens = "char", HiddenSize = 12, EmbeddingSize = 8, Epochs = 2, LearningRate = 0.02, Seed = 2,
        }).Fit(train);
        string zip = Path.Combine(_dir, "binary.zip");
        ml.Model.Save(model, train.Schema, zip);

        var fresh = new MLContext(seed: 5);
        var loaded = fresh.Model.Load(zip, out _);
        var rows = Binary(TestRows("red", "green"));
        var before = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var after = loaded.Transform(fresh.Data.LoadFromEnumerable(rows));

        Assert.Equal(Visible(before.Schema), Visible(after.Schema));
        Assert.Equal(before.GetColumn<bool>("PredictedLabel"), after.GetColumn<bool>("PredictedLabel"));
        Assert.All(new[] { "Score", "Probability", "PredictedLabel" }, c => Assert.Equal("BinaryClassification", Kind(after.Schema[c])));
        var (largest, message) = LargestDifference(before.GetColumn<float>("Score").ToArray(), after.GetColumn<float>("Score").ToArray());
        output.WriteLine($"{nameof(ModelSaveTextMlNetTests)}: {"Score (log-odds): " + message}");
        Assert.True(largest < 1e-5f, "Score (log-odds): " + message);
        (largest, message) = LargestDifference(before.GetColumn<float>("Probability").ToArray(), after.GetColumn<float>("Probability").ToArray());
        output.WriteLine($"{nameof(ModelSaveTextMlNetTests)}: {"Probability: " + message}");
        Assert.True(largest < 1e-5f, "Probability: " + message);
        Assert.True(float.IsNaN(after.GetColumn<float>("Score").ElementAt(40)));   // the empty text
        Assert.False(after.GetColumn<bool>("PredictedLabel").ElementAt(40));

        var rowsWithText = rows.Where(r => r.Text.Length > 0).ToList();
        var expected = ml.BinaryClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(rowsWithText)));
        var actual = fresh.BinaryClassification.Evaluate(loaded.Transform(fresh.Data.LoadFromEnumerable(rowsWithText)));
        Assert.Equal(expected.Accuracy, actual.Accuracy);
        Assert.Equal(expected.AreaUnderRocCurve, actual.AreaUnderRocCurve, 1e-9);
        Assert.Equal(expected.LogLoss, actual.LogLoss, 1e-5);
        Assert.Equal(expected.F1Score, actual.F1Score);
    }

    [Fact]
    public void A_word_token_classifier_is_refused_at_Save_naming_the_way_that_works()
    {
        var ml = new MLContext(seed: 1);
        var train = MlNetTextData.View(ml, MlNetTextData.Rows(60, seed: 11));
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.RecurrentText(new RecurrentTextOptions
        {
            Tokens = "word", HiddenSize = 8, EmbeddingSize = 4, Epochs = 1,
        })).Fit(train);
        var e = Assert.Throws<NotSupportedException>(() => ml.Model.Save(model, train.Schema, Path.Combine(_dir, "word.zip")));
        Assert.Contains("word tokens", e.Message);
        Assert.Contains("TokenizeIntoWords", e.Message);
        Assert.Contains("SaveRecurrentModel", e.Message);
        Assert.Contains("LoadRecurrentText", e.Message);
    }

    [Fact]
    public void A_vocabulary_outside_the_BMP_is_refused_at_Save()
    {
        var ml = new MLContext(seed: 1);
        var rows = MlNetTextData.Rows(60, seed: 11);
        rows.Add(new TextRow { Label = "red", Text = "red 😀" });
        var train = MlNetTextData.View(ml, rows);
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.RecurrentText(new RecurrentTextOptions
        {
            Tokens = "char", HiddenSize = 8, EmbeddingSize = 4, Epochs = 1,
        })).Fit(train);
        var e = Assert.Throws<NotSupportedException>(() => ml.Model.Save(model, train.Schema, Path.Combine(_dir, "emoji.zip")));
        Assert.Contains("U+1F600", e.Message);
        Assert.Contains("SaveRecurrentModel", e.Message);
    }

    // The ScoreColumnKind annotation of a scored column.
    internal static string Kind(DataViewSchema.Column column)
    {
        ReadOnlyMemory<char> kind = default;
        column.Annotations.GetValue("ScoreColumnKind", ref kind);
        return kind.ToString();
    }

    // Name and type of each visible column, in order.
    internal static IEnumerable<(string, DataViewType)> Visible(DataViewSchema schema) =>
        schema.Where(c => !c.IsHidden).Select(c => (c.Name, c.Type)).OrderBy(c => c.Name, StringComparer.Ordinal);
}
