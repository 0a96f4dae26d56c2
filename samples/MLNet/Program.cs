// ML.NET sample (Recurrent.ML, docs/mlnet.md): a CSV of reviews written here ("label,text"; the label is positive,
// negative or neutral, decided by the adjective and by a "not" before it, so word order matters) is loaded into an
// IDataView with ML.NET's own text loader; MapValueToKey makes the label a key; Recurrent's LSTM trainer
// (mlContext.MulticlassClassification.Trainers.RecurrentText) is fitted with early stopping on a validation split;
// ML.NET's own Evaluate scores it; the model is saved (SaveRecurrentModel — mlContext.Model.Save refuses a word-token
// model, see the docs) and loaded into a new MLContext, whose PredictionEngine must predict exactly what the trained
// one predicts. Then a char-token pipeline (MapValueToKey + RecurrentText) is saved whole with mlContext.Model.Save —
// a chain of ML.NET transformers around an ONNX graph, which needs the native Microsoft.ML.OnnxRuntime package — and
// loaded with mlContext.Model.Load into a new MLContext: the same labels, scores to float rounding.
// Run: dotnet run --project samples/MLNet -c Release
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.ML;

string[] good = ["great", "lovely", "superb", "fun", "charming"];
string[] bad = ["awful", "boring", "dull", "terrible", "clumsy"];
string[] plain = ["long", "french", "black-and-white", "two-hour", "recent"];
string[] nouns = ["film", "plot", "ending", "cast", "music", "script"];

string dir = Directory.CreateTempSubdirectory("mlnet-sample-").FullName;
string csv = Path.Combine(dir, "reviews.csv");
var rng = new Random(7);
using (var w = new StreamWriter(csv))
{
    w.WriteLine("Label,Text");
    for (int i = 0; i < 1500; i++)
    {
        int kind = rng.Next(3);
        string adjective = (kind == 0 ? good : kind == 1 ? bad : plain)[rng.Next(5)];
        bool not = kind < 2 && rng.Next(2) == 0;
        string label = kind == 2 ? "neutral" : (kind == 0) != not ? "positive" : "negative";
        w.WriteLine($"{label},the {nouns[rng.Next(nouns.Length)]} was {(not ? "not " : "")}{adjective}");
    }
}

var ml = new MLContext(seed: 1);
IDataView data = ml.Data.LoadFromTextFile<Review>(csv, separatorChar: ',', hasHeader: true);
var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
var validation = ml.Data.TrainTestSplit(split.TrainSet, testFraction: 0.15, seed: 2);
var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(split.TrainSet);

var trainer = ml.MulticlassClassification.Trainers.RecurrentText(new RecurrentTextOptions
{
    Tokens = "word", HiddenSize = 32, EmbeddingSize = 16, Epochs = 8, Seed = 1,
    ValidationData = keys.Transform(validation.TestSet),
    Progress = m => { if (m.ValidationLoss is double v) Console.WriteLine($"  step {m.Step}: validation loss {v:F4}"); },
});
var model = trainer.Fit(keys.Transform(validation.TrainSet));

var metrics = ml.MulticlassClassification.Evaluate(model.Transform(keys.Transform(split.TestSet)));
Console.WriteLine($"test: micro-accuracy {metrics.MicroAccuracy:P1}, macro-accuracy {metrics.MacroAccuracy:P1}, log-loss {metrics.LogLoss:F4}");

string saved = Path.Combine(dir, "reviews.rnn");
model.SaveRecurrentModel(saved);
try { ml.Model.Save(model, keys.Transform(split.TestSet).Schema, Path.Combine(dir, "word.zip")); }
catch (NotSupportedException) { Console.WriteLine("mlContext.Model.Save refuses a word-token model, as documented: SaveRecurrentModel it is"); }

var fresh = new MLContext(seed: 2);
var loaded = fresh.Model.LoadRecurrentText(saved);
// PredictedLabel is a key; MapKeyToValue turns it back into the class name.
var names = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(model.Transform(keys.Transform(split.TestSet)));
var before = ml.Model.CreatePredictionEngine<Review, Prediction>(keys.Append(model).Append(names));
var after = fresh.Model.CreatePredictionEngine<Review, Prediction>(keys.Append(loaded).Append(names));
int same = 0;
string[] probes = ["the plot was not boring", "the music was charming", "the film was recent", "the cast was not superb"];
foreach (string text in probes)
{
    var a = before.Predict(new Review { Text = text });
    var b = after.Predict(new Review { Text = text });
    bool equal = a.Score.AsSpan().SequenceEqual(b.Score);
    if (equal && a.PredictedLabel == b.PredictedLabel) same++;
    Console.WriteLine($"  \"{text}\" → {a.PredictedLabel} ({a.Score.Max():P1}){(a.PredictedLabel == b.PredictedLabel && equal ? "" : "  DIFFERENT after loading")}");
}
Console.WriteLine(same == probes.Length
    ? $"saved and loaded into a new MLContext: the same scores for all {probes.Length} probes"
    : $"FAILED: {probes.Length - same} of {probes.Length} probes scored differently after loading");
// A char-token pipeline saves whole with mlContext.Model.Save and loads with plain mlContext.Model.Load.
var charPipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.RecurrentText(new RecurrentTextOptions
{
    Tokens = "char", HiddenSize = 16, EmbeddingSize = 8, Epochs = 3, Seed = 1,
}));
var charModel = charPipeline.Fit(validation.TrainSet);
string zip = Path.Combine(dir, "model.zip");
ml.Model.Save(charModel, data.Schema, zip);
var reloaded = new MLContext(seed: 3).Model.Load(zip, out _);
var expected = charModel.Transform(split.TestSet);
var actual = reloaded.Transform(split.TestSet);
bool sameLabels = expected.GetColumn<uint>("PredictedLabel").SequenceEqual(actual.GetColumn<uint>("PredictedLabel"));
float largest = expected.GetColumn<float[]>("Score").Zip(actual.GetColumn<float[]>("Score"))
    .SelectMany(p => p.First.Zip(p.Second, (x, y) => Math.Abs(x - y))).Max();
Console.WriteLine($"char pipeline through mlContext.Model.Save/Load ({new FileInfo(zip).Length / 1024} KB zip): " +
    $"{(sameLabels ? "the same" : "DIFFERENT")} labels, largest score difference {largest:E1}");
Directory.Delete(dir, recursive: true);
return same == probes.Length && metrics.MicroAccuracy > 0.9 && sameLabels && largest < 1e-5f ? 0 : 1;

/// <summary>A row of reviews.csv.</summary>
public sealed class Review
{
    [LoadColumn(0)] public string Label { get; set; } = "";
    [LoadColumn(1)] public string Text { get; set; } = "";
}

/// <summary>What the trained pipeline adds: the class probabilities in key order, and the predicted class's name.</summary>
public sealed class Prediction
{
    public float[] Score { get; set; } = [];
    public string PredictedLabel { get; set; } = "";
}
