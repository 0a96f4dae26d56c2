// RecurrentTextMlNetTests: the RecurrentText trainer inside ML.NET — Fit → Transform → Evaluate gives the metrics
// that Recurrent's own classifier gives on the same rows (the transformer's Score and PredictedLabel are the
// classifier's probabilities and arg-max, row by row), CrossValidate and PredictionEngine work, a class the
// training rows never show still gets its Score slot, progress and cancellation reach the caller.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.Classification;
using Recurrent.ML;

namespace Recurrent.Tests.EndToEnd.MlNet;

public sealed class RecurrentTextMlNetTests
{
    private static RecurrentTextOptions Small(string label = "Label") => new()
    {
        LabelColumnName = label, TextColumnName = "Text", Tokens = "word", HiddenSize = 16, EmbeddingSize = 8, Epochs = 6, BatchSize = 16, LearningRate = 0.02, Seed = 3,
    };

    [Fact]
    public void Evaluate_gives_the_accuracy_of_the_classifier_itself_row_by_row()
    {
        var ml = new MLContext(seed: 1);
        var train = MlNetTextData.View(ml, MlNetTextData.Rows(240, seed: 1));
        var validationRows = MlNetTextData.Rows(90, seed: 2);
        var validation = MlNetTextData.View(ml, validationRows);
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        var transformer = ml.MulticlassClassification.Trainers.RecurrentText(Small()).Fit(keys.Transform(train));

        var scored = transformer.Transform(keys.Transform(validation));
        var metrics = ml.MulticlassClassification.Evaluate(scored);

        // The same trained network, evaluated by Recurrent on the same rows.
        var classifier = transformer.Classifier;
        var records = validationRows.Select((r, i) => new ClassificationRecord(r.Label, r.Text, [], i + 1)).ToList();
        double own = classifier.Evaluate(records).Accuracy;
        Assert.Equal(own, metrics.MicroAccuracy, 12);
        Assert.True(own > 0.9, $"the colour word decides the class; accuracy {own}");

        // Row by row: Score is the classifier's probabilities in key order, PredictedLabel its arg-max key. A row is
        // scored on its own (batch of one: its scores never depend on its neighbours), so it is compared with the
        // classifier's batch-1 prediction bit for bit, and with the batched one (another GEMM blocking) closely.
        var batched = classifier.Predict(records);
        var predictions = records.Select(r => classifier.Predict([r], batchSize: 1)[0]).ToList();
        var scores = scored.GetColumn<float[]>("Score").ToList();
        var predicted = scored.GetColumn<uint>("PredictedLabel").ToList();
        var labelKeys = scored.GetColumn<uint>("Label").ToList();
        Assert.Equal(records.Count, scores.Count);
        for (int i = 0; i < records.Count; i++)
        {
            Assert.Equal(predictions[i].Probabilities, scores[i]);
            for (int k = 0; k < scores[i].Length; k++) Assert.Equal(batched[i].Probabilities[k], scores[i][k], 1e-5f);
            Assert.Equal((uint)predictions[i].LabelId + 1, predicted[i]);
            Assert.Equal(records[i].Label, transformer.ClassNames[(int)labelKeys[i] - 1]);
            Assert.Equal(predictions[i].Label, transformer.ClassNames[(int)predicted[i] - 1]);
        }
        Assert.Equal(scored.Schema["Label"].Type, scored.Schema["PredictedLabel"].Type);
    }

    [Fact]
    public void CrossValidate_runs_every_fold()
    {
        var ml = new MLContext(seed: 1);
        var data = MlNetTextData.View(ml, MlNetTextData.Rows(240, seed: 5));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.RecurrentText(Small()));

        var folds = ml.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: 3);

        Assert.Equal(3, folds.Count);
        foreach (var fold in folds)
        {
            Assert.NotNull(fold.Model);
            Assert.True(fold.Metrics.MicroAccuracy > 0.8, $"fold {fold.Fold}: micro-accuracy {fold.Metrics.MicroAccuracy}");
            Assert.Equal(3, fold.Metrics.ConfusionMatrix.NumberOfClasses);
        }
    }

    private sealed class Prediction
    {
        public string PredictedText { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    [Fact]
    public void PredictionEngine_predicts_what_the_classifier_predicts()
    {
        var ml = new MLContext(seed: 1);
        var data = MlNetTextData.View(ml, MlNetTextData.Rows(240, seed: 7));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.RecurrentText(Small()))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedText", "PredictedLabel"));
        var model = pipeline.Fit(data);
        var engine = ml.Model.CreatePredictionEngine<TextRow, Prediction>(model);
        var classifier = model.OfType<RecurrentTextTransformer>().Single().Classifier;

        foreach (var row in MlNetTextData.Rows(20, seed: 8))
        {
            var p = engine.Predict(new TextRow { Text = row.Text });
            var own = classifier.Predict([new ClassificationRecord(null, row.Text, [], 1)], batchSize: 1)[0];
            Assert.Equal(own.Label, p.PredictedText);
            Assert.Equal(own.Probabilities, p.Score);
        }
    }

    [Fact]
    public void A_class_the_training_rows_never_show_keeps_its_score_slot()
    {
        var ml = new MLContext(seed: 1);
        var all = MlNetTextData.Rows(200, seed: 9, "red", "green", "blue", "pink");
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(MlNetTextData.View(ml, all));
        var train = keys.Transform(MlNetTextData.View(ml, all.Where(r => r.Label != "pink")));

        var transformer = ml.MulticlassClassification.Trainers.RecurrentText(Small()).Fit(train);
        var scored = transformer.Transform(keys.Transform(MlNetTextData.View(ml, all)));

        var keyNames = default(VBuffer<ReadOnlyMemory<char>>);
        train.Schema["Label"].GetKeyValues(ref keyNames);
        Assert.Equal(keyNames.DenseValues().Select(n => n.ToString()), transformer.ClassNames);
        Assert.Equal(4, transformer.ClassNames.Count);
        var scores = scored.GetColumn<float[]>("Score").ToList();
        Assert.All(scores, s => Assert.Equal(4, s.Length));
        Assert.All(scores, s => Assert.InRange(s.Sum(), 0.999f, 1.001f));
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.Equal(4, metrics.ConfusionMatrix.NumberOfClasses);
    }

    [Fact]
    public void Progress_reports_and_a_cancelled_token_stops_Fit()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(MlNetTextData.View(ml, MlNetTextData.Rows(100, seed: 4)))
            .Transform(MlNetTextData.View(ml, MlNetTextData.Rows(100, seed: 4)));
        var lines = new List<Recurrent.Training.MetricsRecord>();
        var options = Small();
        options.Epochs = 2;
        options.ValidationData = data;
        options.Progress = lines.Add;
        ml.MulticlassClassification.Trainers.RecurrentText(options).Fit(data);
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => l.ValidationLoss is not null);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var stopped = Small();
        stopped.CancellationToken = cancelled.Token;
        Assert.ThrowsAny<OperationCanceledException>(() => ml.MulticlassClassification.Trainers.RecurrentText(stopped).Fit(data));
    }
}
