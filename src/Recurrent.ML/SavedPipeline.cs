// SavedPipeline: what mlContext.Model.Save writes for a Recurrent transformer — a TransformerChain of ML.NET's own
// savable transformers that predicts as the transformer does, so the zip loads with plain mlContext.Model.Load in a
// process that need not reference Recurrent (it needs Microsoft.ML.OnnxTransformer and the native Microsoft.ML.OnnxRuntime):
//   [text: TokenizeIntoCharactersAsKeys(__recurrent_chars ← text column, no marker characters)]
//   → ApplyOnnxModel (SavedGraph; the ONNX bytes are stored inside the zip)
//   → the tail (SavedTails): Score/Probability/PredictedLabel as ML.NET's binary, regression or multiclass trainers make
//     them, from the graph's outputs
//   → DropColumns(the reserved __recurrent_* columns).
// RecurrentTransformerBase builds it once per transformer (a fresh MLContext: the catalog extension methods are not
// given the caller's) and delegates ICanSaveModel.Save to it. What cannot be written this way throws
// NotSupportedException with the reason: word tokens, a non-BMP vocabulary, a layer-normalised or Mogrifier network,
// label KeyValues that are not distinct strings, and a missing native onnxruntime.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.Classification;
using Recurrent.Data;
using Recurrent.Interop;
using Recurrent.Models;
using Recurrent.Regression;

namespace Recurrent.ML;

internal static class SavedPipeline
{
    private sealed class TextInput
    {
        public string Text { get; set; } = "";
    }

    private sealed class FeaturesInput
    {
        public float[] Features { get; set; } = [];
    }

    /// <summary>The chain of a text classifier reading <paramref name="textColumn"/>.</summary>
    public static ITransformer Text(KeyedClassifier classifier, string textColumn, ScoreKind kind)
    {
        if (classifier.Classifier.Encoder!.Kind != TokenizerKinds.Char)
            throw new NotSupportedException("A Recurrent text classifier with word tokens cannot be saved with mlContext.Model.Save: Recurrent's word " +
                "splitter (Unicode word rules, punctuation and whitespace as tokens of their own) is not what ML.NET's TokenizeIntoWords does, so " +
                "the saved model would predict differently. Save it with RecurrentTextTransformer.SaveRecurrentModel(path) and load it with " +
                "mlContext.Model.LoadRecurrentText(path) (LoadRecurrentBinaryText for the binary classifier), or train with Tokens = \"char\".");
        CheckExportable(classifier.Classifier.Model);
        var ml = new MLContext(seed: 1);
        var schema = SchemaDefinition.Create(typeof(TextInput));
        schema[0].ColumnName = textColumn;
        var input = ml.Data.LoadFromEnumerable(new List<TextInput>(), schema);
        var tokenize = ml.Transforms.Text.TokenizeIntoCharactersAsKeys(SavedGraph.Chars, textColumn, useMarkerCharacters: false);
        return Build(ml, input, tokenize, head => SavedGraph.Text(classifier.Classifier, head), SavedGraph.Chars, kind, classifier);
    }

    /// <summary>
    /// The chain of a numeric-sequence classifier reading <paramref name="featuresColumn"/>, a vector of
    /// <paramref name="size"/> numbers (0: of variable size), with the multiclass or binary columns (<paramref name="kind"/>).
    /// </summary>
    public static ITransformer Sequence(KeyedClassifier classifier, string featuresColumn, int size, ScoreKind kind)
    {
        CheckExportable(classifier.Classifier.Model);
        var ml = new MLContext(seed: 1);
        return Build(ml, Features(ml, featuresColumn, size), null,
            head => SavedGraph.Sequence(classifier.Classifier.Model, classifier.Classifier.Standardisation!, featuresColumn, size, head),
            featuresColumn, kind, classifier);
    }

    /// <summary>The chain of a numeric-sequence regressor reading <paramref name="featuresColumn"/> (as <see cref="Sequence"/>).</summary>
    public static ITransformer Regression(SequenceRegressor regressor, string featuresColumn, int size)
    {
        CheckExportable(regressor.Model);
        var ml = new MLContext(seed: 1);
        return Build(ml, Features(ml, featuresColumn, size), null,
            head => SavedGraph.Sequence(regressor.Model, regressor.Standardisation, featuresColumn, size, head with { TargetStd = regressor.TargetStd, TargetMean = regressor.TargetMean }),
            featuresColumn, ScoreKind.Regression, null);
    }

    // An empty view with a Vector<Single> column of that name and size (0: variable) to fit the chain on.
    private static IDataView Features(MLContext ml, string featuresColumn, int size)
    {
        var schema = SchemaDefinition.Create(typeof(FeaturesInput));
        schema[0].ColumnName = featuresColumn;
        schema[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        return ml.Data.LoadFromEnumerable(new List<FeaturesInput>(), schema);
    }

    private static void CheckExportable(SequenceModel<float> model)
    {
        try { OnnxExport.CheckExportable(model.Config); }
        catch (ArgumentException e)
        {
            throw new NotSupportedException($"This model cannot be saved with mlContext.Model.Save, which stores it as an ONNX graph: {e.Message.Split(" Export it with")[0]} " +
                "Save it with SaveRecurrentModel(path) and load it with the matching mlContext.Model.LoadRecurrent* method.", e);
        }
    }

    private static ITransformer Build(MLContext ml, IDataView input, IEstimator<ITransformer>? tokenize, Func<SavedGraph.Head, byte[]> graph,
        string graphInput, ScoreKind kind, KeyedClassifier? classes)
    {
        var parts = new List<ITransformer>();
        IDataView view = input;
        void Add(ITransformer t)
        {
            parts.Add(t);
            view = t.Transform(view);
        }

        if (tokenize is not null) Add(tokenize.Fit(view));
        switch (kind)
        {
            case ScoreKind.Multiclass:
            {
                var names = Names(classes!);
                var tail = SavedTails.Multiclass(ml, names);
                var (weights, biases) = SavedTails.Affine(tail);
                var head = new SavedGraph.Head(kind, names.Length, ClassBiases: biases, ClassInverse: SoftmaxInverse.Solve(weights, biases));
                Add(Onnx(ml, graph(head), [SavedGraph.ClassInput], graphInput, view));
                Add(tail);
                break;
            }
            case ScoreKind.Binary:
            {
                var tail = SavedTails.Binary(ml);
                var head = new SavedGraph.Head(kind, 2, Weight: tail.Model.Weights[0], Bias: tail.Model.Bias);
                Add(Onnx(ml, graph(head), [SavedGraph.ScoreInput], graphInput, view));
                Add(tail);
                Add(SavedTails.Probability(ml, view));
                break;
            }
            default:
            {
                var tail = SavedTails.Regression(ml);
                var head = new SavedGraph.Head(kind, 1, Weight: tail.Model.Weights[0], Bias: tail.Model.Bias);
                Add(Onnx(ml, graph(head), [SavedGraph.ScoreInput], graphInput, view));
                Add(tail);
                break;
            }
        }
        Add(ml.Transforms.DropColumns(SavedGraph.Reserved.Where(n => view.Schema.GetColumnOrNull(n) is not null).ToArray()).Fit(view));
        return new TransformerChain<ITransformer>(parts.ToArray());
    }

    // The class names as PredictedLabel's KeyValues must show them: the label's KeyValues when they are distinct strings
    // (or absent: "1".."K", as the managed transformer shows them).
    private static string[] Names(KeyedClassifier classes)
    {
        var keyValues = classes.KeyValues.Schema.GetColumnOrNull(ScoredColumns.KeyValues);
        if (keyValues is not { Type: VectorDataViewType { ItemType: TextDataViewType } })
            throw new NotSupportedException($"The label's KeyValues are of type {keyValues?.Type.ToString() ?? "none"}, not strings; a model saved with " +
                "mlContext.Model.Save shows the class names as string KeyValues. Save it with SaveRecurrentModel(path) instead, or map the label with MapValueToKey over strings.");
        VBuffer<ReadOnlyMemory<char>> values = default;
        classes.KeyValues.GetValue(ScoredColumns.KeyValues, ref values);
        var names = values.DenseValues().Select(v => v.ToString()).ToArray();
        if (!names.SequenceEqual(classes.KeyNames))
            throw new NotSupportedException($"The label's KeyValues [{string.Join(", ", names)}] are not distinct; a model saved with mlContext.Model.Save " +
                "needs one name per class. Save it with SaveRecurrentModel(path) instead.");
        if (names.Length < 2)
            throw new NotSupportedException("A classifier of fewer than two classes cannot be saved with mlContext.Model.Save. Save it with SaveRecurrentModel(path) instead.");
        return names;
    }

    // The OnnxTransformer running `bytes` (it keeps them and writes them into the zip). Without the native onnxruntime
    // it cannot even open the graph: NotSupportedException naming the package that brings it.
    private static ITransformer Onnx(MLContext ml, byte[] bytes, string[] outputs, string input, IDataView view)
    {
        try
        {
            using var stream = new MemoryStream(bytes);
            return ml.Transforms.ApplyOnnxModel(outputs, [input], stream).Fit(view);
        }
        catch (Exception e) when (IsMissingNative(e))
        {
            throw new NotSupportedException("mlContext.Model.Save stores a Recurrent model as an ONNX graph run by ML.NET's OnnxTransformer, which needs " +
                "the native ONNX Runtime: add the NuGet package Microsoft.ML.OnnxRuntime to the application (loading the saved model needs it too). " +
                "Or save with SaveRecurrentModel(path), which needs nothing native.", e);
        }
    }

    private static bool IsMissingNative(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException) return true;
        return false;
    }
}
