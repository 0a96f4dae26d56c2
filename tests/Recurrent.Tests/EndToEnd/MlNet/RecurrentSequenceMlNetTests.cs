// RecurrentSequenceMlNetTests: the RecurrentSequence trainers inside ML.NET on numeric sequences where order matters —
// classification (does the largest value come before the smallest?) and regression (first half's sum minus the
// second half's). Evaluate gives the metrics of the underlying Recurrent model's own predictions on the same rows
// (Score and PredictedLabel are its outputs, row by row), the models learn the order (better than chance / than
// predicting the mean), variable-length vectors with two features per step work (padding never changes a
// prediction), CrossValidate runs and PredictionEngine predicts what the regressor does. Margins seen: accuracy 0.875 (asserted > 0.75), MAE a third of predicting the
// mean (asserted < half), cross-validated accuracy ≈ 0.76 (> 0.65) and R² ≈ 0.87 (> 0.3).
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.Classification;
using Recurrent.ML;

namespace Recurrent.Tests.EndToEnd.MlNet;

public sealed class RecurrentSequenceMlNetTests
{
    private static RecurrentSequenceOptions Small(int featuresPerStep = 1) => new()
    {
        FeaturesPerStep = featuresPerStep, HiddenSize = 16, Epochs = 12, BatchSize = 16, LearningRate = 0.02, Seed = 3,
    };

    [Fact]
    public void Classification_Evaluate_gives_the_accuracy_of_the_classifier_itself_row_by_row()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(MlNetSequenceData.FixedClassification(400, seed: 1));
        var validationRows = MlNetSequenceData.FixedClassification(120, seed: 2);
        var validation = ml.Data.LoadFromEnumerable(validationRows);
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        var transformer = ml.MulticlassClassification.Trainers.RecurrentSequence(Small()).Fit(keys.Transform(train));

        var scored = transformer.Transform(keys.Transform(validation));
        var metrics = ml.MulticlassClassification.Evaluate(scored);

        var classifier = transformer.Classifier;
        Assert.Equal(ClassificationFormat.Csv, classifier.Format);
        Assert.Equal(1, transformer.FeaturesPerStep);
        var records = validationRows.Select((r, i) => new ClassificationRecord(r.Label, "", r.Features, i + 1)).ToList();
        double own = classifier.Evaluate(records).Accuracy;
        Assert.Equal(own, metrics.MicroAccuracy, 12);
        Assert.True(own > 0.75, $"the order of the extremes decides the class; accuracy {own}");

        var scores = scored.GetColumn<float[]>("Score").ToList();
        var predicted = scored.GetColumn<uint>("PredictedLabel").ToList();
        for (int i = 0; i < records.Count; i++)
        {
            var mine = classifier.Predict([records[i]], batchSize: 1)[0];
            Assert.Equal(mine.Probabilities, scores[i]);
            Assert.Equal((uint)mine.LabelId + 1, predicted[i]);
            Assert.Equal(mine.Label, transformer.ClassNames[(int)predicted[i] - 1]);
        }
    }

    [Fact]
    public void Classification_of_variable_length_vectors_with_two_features_per_step_cross_validates()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MlNetSequenceData.VariableClassification(360, seed: 5, featuresPerStep: 2));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.RecurrentSequence(Small(featuresPerStep: 2)));

        var folds = ml.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: 3);

        Assert.Equal(3, folds.Count);
        foreach (var fold in folds)
        {
            var trained = ((IEnumerable<ITransformer>)fold.Model).OfType<RecurrentSequenceTransformer>().Single();
            Assert.Equal(2, trained.FeaturesPerStep);
            // The noise channel (mean ≈ 100, std ≈ 29) is standardised like the signal.
            Assert.InRange(trained.Classifier.Standardisation!.Mean[1], 90, 110);
            Assert.True(fold.Metrics.MicroAccuracy > 0.65, $"fold {fold.Fold}: micro-accuracy {fold.Metrics.MicroAccuracy}");
        }
    }

    [Fact]
    public void Regression_Evaluate_gives_the_errors_of_the_regressor_itself_row_by_row()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(MlNetSequenceData.FixedRegression(400, seed: 3));
        var testRows = MlNetSequenceData.FixedRegression(120, seed: 4);
        var test = ml.Data.LoadFromEnumerable(testRows);
        var transformer = ml.Regression.Trainers.RecurrentSequence(Small()).Fit(train);

        var scored = transformer.Transform(test);
        var metrics = ml.Regression.Evaluate(scored);

        // The regressor's own predictions, batched (another GEMM blocking: close) and one by one (bit for bit).
        var regressor = transformer.Regressor;
        double[] batched = regressor.Predict(testRows.Select(r => r.Features).ToList());
        var scores = scored.GetColumn<float>("Score").ToList();
        double absolute = 0, squares = 0;
        for (int i = 0; i < testRows.Count; i++)
        {
            Assert.Equal((float)regressor.Predict([testRows[i].Features], batchSize: 1)[0], scores[i]);
            Assert.Equal(batched[i], scores[i], 1e-4);
            absolute += Math.Abs(scores[i] - testRows[i].Label);
            squares += (scores[i] - testRows[i].Label) * (double)(scores[i] - testRows[i].Label);
        }
        Assert.Equal(absolute / testRows.Count, metrics.MeanAbsoluteError, 5);
        Assert.Equal(squares / testRows.Count, metrics.MeanSquaredError, 5);

        // Predicting the mean would give the labels' mean absolute deviation; the network reads the order.
        double mean = testRows.Average(r => r.Label);
        double naive = testRows.Average(r => Math.Abs(r.Label - mean));
        Assert.True(metrics.MeanAbsoluteError < 0.5 * naive, $"MAE {metrics.MeanAbsoluteError} vs predicting the mean {naive}");
        Assert.True(metrics.RSquared > 0.6, $"R² {metrics.RSquared}");
    }

    [Fact]
    public void Regression_of_variable_length_vectors_cross_validates()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MlNetSequenceData.VariableRegression(360, seed: 6, featuresPerStep: 2));
        var trainer = ml.Regression.Trainers.RecurrentSequence(Small(featuresPerStep: 2));

        var folds = ml.Regression.CrossValidate(data, trainer, numberOfFolds: 3);

        Assert.Equal(3, folds.Count);
        foreach (var fold in folds)
            Assert.True(fold.Metrics.RSquared > 0.3, $"fold {fold.Fold}: R² {fold.Metrics.RSquared}");

        // Padding never changes a prediction: rows of 4..8 steps batched together give what each gives alone.
        var regressor = ((RecurrentSequenceRegressionTransformer)folds[0].Model).Regressor;
        var inputs = MlNetSequenceData.VariableRegression(40, seed: 7, featuresPerStep: 2).Select(r => r.Features).ToList();
        double[] batched = regressor.Predict(inputs, batchSize: 40);
        for (int i = 0; i < inputs.Count; i++) Assert.Equal(regressor.Predict([inputs[i]], batchSize: 1)[0], batched[i], 1e-4);
    }

    private sealed class RegressionPrediction
    {
        public float Score { get; set; }
    }

    [Fact]
    public void PredictionEngine_predicts_what_the_regressor_predicts()
    {
        var ml = new MLContext(seed: 1);
        var transformer = ml.Regression.Trainers.RecurrentSequence(Small(featuresPerStep: 2)).Fit(
            ml.Data.LoadFromEnumerable(MlNetSequenceData.VariableRegression(120, seed: 8, featuresPerStep: 2)));
        var engine = ml.Model.CreatePredictionEngine<VariableRegressionRow, RegressionPrediction>(transformer);
        foreach (var row in MlNetSequenceData.VariableRegression(15, seed: 9, featuresPerStep: 2))
            Assert.Equal((float)transformer.Regressor.Predict([row.Features], batchSize: 1)[0], engine.Predict(row).Score);
        Assert.True(float.IsNaN(engine.Predict(new VariableRegressionRow { Features = [] }).Score), "an empty sequence has no prediction");
    }
}
