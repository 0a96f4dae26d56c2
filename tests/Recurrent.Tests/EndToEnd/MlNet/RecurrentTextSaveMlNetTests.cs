// RecurrentTextSaveMlNetTests: saving a word-token classifier. mlContext.Model.Save cannot write it (ML.NET has no
// tokenizer that splits words as Recurrent does; char-token ones save: ModelSaveTextMlNetTests), so it fails loudly
// instead of writing a model that would predict differently; SaveRecurrentModel / mlContext.Model.LoadRecurrentText
// round-trip the classifier — in a new MLContext the loaded transformer gives the same Score bits and PredictedLabel,
// with the same key order and class names.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.ML;

namespace Recurrent.Tests.EndToEnd.MlNet;

public sealed class RecurrentTextSaveMlNetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recurrent-mlnet-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (MLContext Ml, ITransformer Keys, RecurrentTextTransformer Trained, IDataView Validation) Train()
    {
        var ml = new MLContext(seed: 1);
        var train = MlNetTextData.View(ml, MlNetTextData.Rows(150, seed: 11));
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        var trained = ml.MulticlassClassification.Trainers.RecurrentText(new RecurrentTextOptions
        {
            Tokens = "word", HiddenSize = 12, EmbeddingSize = 8, Epochs = 3, LearningRate = 0.02,
        }).Fit(keys.Transform(train));
        return (ml, keys, trained, MlNetTextData.View(ml, MlNetTextData.Rows(40, seed: 12)));
    }

    [Fact]
    public void Model_Save_fails_loudly_and_names_the_way_that_works()
    {
        var (ml, keys, trained, validation) = Train();
        var chain = new TransformerChain<ITransformer>(keys, trained);
        string zip = Path.Combine(_dir, "model.zip");
        var e = Assert.ThrowsAny<Exception>(() => ml.Model.Save(chain, validation.Schema, zip));
        // Whatever ML.NET wrote before the throw is no model: it does not load.
        if (File.Exists(zip)) Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(zip, out _));
        var notSupported = e as NotSupportedException ?? e.InnerException as NotSupportedException;
        Assert.NotNull(notSupported);
        Assert.Contains("SaveRecurrentModel", notSupported.Message);
        Assert.Contains("LoadRecurrentText", notSupported.Message);
    }

    [Fact]
    public void SaveRecurrentModel_then_LoadRecurrentText_in_a_new_context_predicts_the_same()
    {
        var (ml, keys, trained, validation) = Train();
        string path = Path.Combine(_dir, "classifier.rnn");
        trained.SaveRecurrentModel(path);
        string keysPath = Path.Combine(_dir, "keys.zip");
        ml.Model.Save(keys, validation.Schema, keysPath); // the ML.NET part of the pipeline saves as usual

        var before = trained.Transform(keys.Transform(validation));
        var fresh = new MLContext(seed: 99);
        var loadedKeys = fresh.Model.Load(keysPath, out _);
        var loaded = fresh.Model.LoadRecurrentText(path);
        var after = loaded.Transform(loadedKeys.Transform(fresh.Data.LoadFromEnumerable(MlNetTextData.Rows(40, seed: 12))));

        Assert.Equal(trained.ClassNames, loaded.ClassNames);
        Assert.Equal(before.Schema["PredictedLabel"].Type, after.Schema["PredictedLabel"].Type);
        Assert.Equal(before.GetColumn<float[]>("Score"), after.GetColumn<float[]>("Score"));
        Assert.Equal(before.GetColumn<uint>("PredictedLabel"), after.GetColumn<uint>("PredictedLabel"));
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        after.Schema["PredictedLabel"].GetKeyValues(ref names);
        Assert.Equal(trained.ClassNames, names.DenseValues().Select(n => n.ToString()));
        Assert.Equal(ml.MulticlassClassification.Evaluate(before).MicroAccuracy, fresh.MulticlassClassification.Evaluate(after).MicroAccuracy);
    }
}
