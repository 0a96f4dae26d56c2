// SequenceRegressorTests: the core library's many-to-one regressor on numeric sequences, where the order of the steps
// decides the target (first half's sum minus the second half's; a model that ignored order could not beat the mean).
// It learns (MAE well under predicting the mean) from variable-length rows in the classifier's bucketed padded
// batches; a row's prediction does not depend on what it is batched with; the same seed trains the same weights;
// early stopping keeps the best validation weights; Save/Load round-trips the bits and refuses a classifier file;
// the batch source refuses targets that do not fit the model. Margin seen: MAE ≈ 0.3 of the mean-predictor's.
using Recurrent.Classification;
using Recurrent.Regression;
using Recurrent.Supervised;
using Recurrent.Training;

namespace Recurrent.Tests.Unit.Regression;

public sealed class SequenceRegressorTests
{
    private static readonly ClassifierSettings Settings = new() { HiddenSize = 16, FeaturesPerStep = 1 };

    private static SupervisedOptions Options(int epochs = 10, int? patience = null) => new()
    {
        BatchSize = 16,
        Optimization = new SupervisedOptions().Optimization with { LearningRate = 0.02 },
        Fit = new FitOptions { Epochs = epochs, Patience = patience },
        ValidationFraction = 0,
        Seed = 5,
    };

    // count rows of T in [4, 8] values in [−1, 1] and target = sum of the first half − sum of the second half.
    private static (List<float[]> Inputs, List<float> Targets) Data(int count, int seed)
    {
        var random = new Random(seed);
        var inputs = new List<float[]>();
        var targets = new List<float>();
        for (int i = 0; i < count; i++)
        {
            var x = new float[random.Next(4, 9)];
            for (int t = 0; t < x.Length; t++) x[t] = (float)(random.NextDouble() * 2 - 1);
            inputs.Add(x);
            targets.Add(x.Take(x.Length / 2).Sum() - x.Skip((x.Length + 1) / 2).Sum());
        }
        return (inputs, targets);
    }

    [Fact]
    public void It_learns_an_order_dependent_target_from_variable_length_rows()
    {
        var (x, y) = Data(400, seed: 1);
        var (vx, vy) = Data(120, seed: 2);
        var regressor = SequenceRegressor.Train(x, y, [], [], Settings, Options());

        double[] predicted = regressor.Predict(vx);
        double mae = vx.Select((_, i) => Math.Abs(predicted[i] - vy[i])).Average();
        double mean = y.Average();
        double baseline = vy.Average(t => Math.Abs(t - mean));
        Assert.True(mae < 0.5 * baseline, $"MAE {mae:F3} against {baseline:F3} for predicting the training mean");

        // A row's prediction is the same alone as in a padded batch with rows of other lengths (to GEMM rounding).
        double[] alone = vx.Take(10).Select(v => regressor.Predict([v], batchSize: 1)[0]).ToArray();
        for (int i = 0; i < alone.Length; i++) Assert.Equal(predicted[i], alone[i], 4);
        Assert.True(double.IsNaN(regressor.Predict([[]])[0]), "an empty sequence has no prediction");
    }

    [Fact]
    public void The_same_seed_trains_the_same_weights_and_Save_Load_round_trips_them()
    {
        var (x, y) = Data(120, seed: 3);
        var a = SequenceRegressor.Train(x, y, [], [], Settings, Options(epochs: 3));
        var b = SequenceRegressor.Train(x, y, [], [], Settings, Options(epochs: 3));
        Assert.Equal(a.Predict(x), b.Predict(x));

        string path = Path.Combine(Path.GetTempPath(), $"regressor-{Guid.NewGuid():N}.rnn");
        string classifierPath = Path.Combine(Path.GetTempPath(), $"classifier-{Guid.NewGuid():N}.rnn");
        try
        {
            a.Save(path);
            var loaded = SequenceRegressor.Load(path);
            Assert.Equal(a.Predict(x), loaded.Predict(x));
            Assert.Equal(a.TargetMean, loaded.TargetMean);
            Assert.Equal(a.TargetStd, loaded.TargetStd);

            var records = x.Select((v, i) => new ClassificationRecord(y[i] > 0 ? "up" : "down", "", v, i + 1)).ToList();
            var classifier = SequenceClassifier.Create(records, ClassificationFormat.Csv, Settings, seed: 1);
            classifier.Save(classifierPath);
            var e = Assert.Throws<InvalidDataException>(() => SequenceRegressor.Load(classifierPath));
            Assert.Contains("not a Recurrent sequence regressor", e.Message);
        }
        finally { File.Delete(path); File.Delete(classifierPath); }
    }

    [Fact]
    public void Early_stopping_keeps_the_best_validation_weights()
    {
        var (x, y) = Data(200, seed: 6);
        var (vx, vy) = Data(60, seed: 7);
        var losses = new List<double>();
        var callback = new Recurrent.Training.Callbacks.LambdaCallback { Evaluated = r => { if (r.Loss is { } v) losses.Add(v); } };
        var regressor = SequenceRegressor.Train(x, y, vx, vy, Settings, Options(epochs: 8, patience: 3), [callback]);

        Assert.NotEmpty(losses);
        double[] predicted = regressor.Predict(vx);
        double mse = vx.Select((_, i) => (predicted[i] - vy[i]) / regressor.TargetStd * ((predicted[i] - vy[i]) / regressor.TargetStd)).Average();
        Assert.Equal(losses.Min(), mse, 5);
    }

    [Fact]
    public void The_batch_source_refuses_regression_targets_that_do_not_fit()
    {
        var (x, y) = Data(20, seed: 8);
        var regressor = SequenceRegressor.Train(x, y, [], [], Settings, Options(epochs: 1));
        var optimization = new SupervisedOptions().Optimization;
        var engine = new StepEngine<float>(regressor.Model.Parameters, optimization.CreateOptimizer(regressor.Model.Parameters.Count), optimization.CreateSchedule());
        var examples = x.Select((v, i) => SequenceExample.OfFeatures(v, [-1], i + 1)).ToList();
        var e = Assert.Throws<ArgumentException>(() => new LabelledBatches(regressor.Model, engine, examples, 8, 1, y.Take(5).ToList()));
        Assert.Contains("5 regression targets for 20 examples", e.Message);
    }
}
