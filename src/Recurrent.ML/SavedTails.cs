// SavedTails: the ML.NET models at the end of a saved Recurrent chain that turn the ONNX graph's vector outputs into
// ML.NET's scored columns. ML.NET's OnnxTransformer gives only vector columns and no public transform turns a vector
// of one into a scalar, but a prediction transformer does (and adds the score annotations Evaluate reads). So at Save
// a tiny linear model is fitted on two or a few made-up rows — only for its shape; the graph inverts whatever affine
// map w·x + b it learnt (SavedGraph.Unaffine), so the chain's Score is the managed one to float rounding:
//   binary      AveragedPerceptron on x = −1 (false), +1 (true) → Score = w·x + b = the log-odds, PredictedLabel =
//               Score > 0; then Platt(slope −1, offset 0) → Probability = 1 / (1 + e^−Score) = p(true);
//   regression  OnlineGradientDescent on (−1, −1), (1, 1) → Score;
//   multiclass  LbfgsMaximumEntropy on K log-probability-like points, each class's point 0 in its own slot and −3 in
//               the others, with the label a key over the class names → Score = softmax(W·x + b) = the probabilities
//               (SlotNames: the class names) and PredictedLabel, a key with the names as KeyValues (the graph feeds
//               it x = SoftmaxInverse's A·(log p − b)).
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Recurrent.ML;

internal static class SavedTails
{
    // A made-up row of the binary and regression fits.
    private sealed class ScalarRow
    {
        [ColumnName(SavedGraph.ScoreInput), VectorType(1)] public float[] X { get; set; } = [];
        public float Target { get; set; }
        public bool Positive { get; set; }
    }

    private static IDataView ScalarRows(MLContext ml) => ml.Data.LoadFromEnumerable(new[]
    {
        new ScalarRow { X = [-1f], Target = -1f, Positive = false },
        new ScalarRow { X = [1f], Target = 1f, Positive = true },
    });

    /// <summary>The binary tail's perceptron (its w and b go into the graph).</summary>
    public static BinaryPredictionTransformer<LinearBinaryModelParameters> Binary(MLContext ml) =>
        ml.BinaryClassification.Trainers.AveragedPerceptron(new AveragedPerceptronTrainer.Options
        {
            FeatureColumnName = SavedGraph.ScoreInput, LabelColumnName = nameof(ScalarRow.Positive), NumberOfIterations = 10,
        }).Fit(ScalarRows(ml));

    /// <summary>Probability = 1 / (1 + e^−Score), on a view with the perceptron's Score.</summary>
    public static ITransformer Probability(MLContext ml, IDataView scored) =>
        ml.BinaryClassification.Calibrators.Platt(slope: -1, offset: 0).Fit(scored);

    /// <summary>The regression tail.</summary>
    public static RegressionPredictionTransformer<LinearRegressionModelParameters> Regression(MLContext ml) =>
        ml.Regression.Trainers.OnlineGradientDescent(new OnlineGradientDescentTrainer.Options
        {
            FeatureColumnName = SavedGraph.ScoreInput, LabelColumnName = nameof(ScalarRow.Target), NumberOfIterations = 10,
        }).Fit(ScalarRows(ml));

    // A made-up row of the multiclass fit (X's size is set per model with a SchemaDefinition).
    private sealed class ClassRow
    {
        public float[] X { get; set; } = [];
        public string Name { get; set; } = "";
    }

    private sealed class NameRow
    {
        public string Name { get; set; } = "";
    }

    /// <summary>The multiclass tail over <paramref name="names"/> (K ≥ 2, distinct) in key order.</summary>
    public static MulticlassPredictionTransformer<MaximumEntropyModelParameters> Multiclass(MLContext ml, IReadOnlyList<string> names)
    {
        int k = names.Count;
        var schema = SchemaDefinition.Create(typeof(ClassRow));
        var x = schema[nameof(ClassRow.X)];
        x.ColumnName = SavedGraph.ClassInput;
        x.ColumnType = new VectorDataViewType(NumberDataViewType.Single, k);
        var rows = Enumerable.Range(0, 20 * k).Select(i => new ClassRow
        {
            X = Enumerable.Range(0, k).Select(j => j == i % k ? 0f : -3f).ToArray(),
            Name = names[i % k],
        });
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var keys = ml.Transforms.Conversion.MapValueToKey("Label", nameof(ClassRow.Name),
            keyData: ml.Data.LoadFromEnumerable(names.Select(n => new NameRow { Name = n }))).Fit(data);
        return ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            FeatureColumnName = SavedGraph.ClassInput, LabelColumnName = "Label", L1Regularization = 0, L2Regularization = 0.1f, NumberOfThreads = 1,
        }).Fit(keys.Transform(data));
    }

    /// <summary>The maximum-entropy model's weights W (K rows of K features) and biases b (K).</summary>
    public static (float[][] Weights, float[] Biases) Affine(MulticlassPredictionTransformer<MaximumEntropyModelParameters> tail)
    {
        VBuffer<float>[] weights = [];
        tail.Model.GetWeights(ref weights, out _);
        return (weights.Select(w => w.DenseValues().ToArray()).ToArray(), tail.Model.GetBiases().ToArray());
    }
}
