// Seq2SeqValidation: the encoder–decoder's evaluator for the fit loop, on held-out pairs — the teacher-forced
// cross-entropy per target position (val_loss, as training measures it), and what greedy decoding produces:
// sequence accuracy (exact matches) and per-token accuracy (Seq2SeqMetrics). Per-token accuracy is monitored,
// higher is better, as the addition task's criterion is stated. The metrics of the last evaluation are kept, so
// an in-memory run can report those of its best model without decoding again; the teacher-forced batches are
// made once, at the first evaluation. The decoded outputs are kept too, and PredictionDetails gives them as
// predictions.json's {"kind":"sequences", "count", "correct" (exact matches: correct/count is val_sequence_accuracy),
// "examples": [{source, target, predicted, correct}] for the first few pairs}.
using System.Text.Json.Nodes;
using Recurrent.Losses;
using Recurrent.Training;

namespace Recurrent.Seq2Seq;

/// <summary>val_loss, val_sequence_accuracy and val_token_accuracy of an encoder–decoder.</summary>
internal sealed class Seq2SeqValidation(Seq2SeqModel<float> model, Seq2SeqVocabulary vocabulary, IReadOnlyList<Seq2SeqPair> pairs) : IEvaluator, IEvaluationDetails
{
    /// <summary>The monitored metric.</summary>
    public const string Monitor = "val_token_accuracy";
    private const int Batch = 256;
    private readonly string[] _sources = pairs.Select(p => p.Source).ToArray();
    private readonly string[] _targets = pairs.Select(p => p.Target).ToArray();
    private Seq2SeqBatch[]? _batches;
    private string[]? _predicted;

    /// <summary>The decoding metrics of the last evaluation, or null.</summary>
    public Seq2SeqMetrics? Last { get; private set; }

    public Evaluation Evaluate()
    {
        _batches ??= Enumerable.Range(0, (pairs.Count + Batch - 1) / Batch)
            .Select(k => Seq2SeqData.MakeBatch(vocabulary, model.Config, pairs,
                Enumerable.Range(k * Batch, Math.Min(Batch, pairs.Count - k * Batch)).ToArray()))
            .ToArray();
        double total = 0;
        long counted = 0;
        foreach (var batch in _batches)
        {
            ReadOnlySpan<float> logits = model.Forward(batch.Source, batch.SourceSteps, batch.DecoderInput, batch.DecoderSteps, batch.Batch, training: false);
            double mean = SoftmaxCrossEntropy.LossAndGradient(logits, batch.Targets, model.Config.Vocabulary, Span<float>.Empty, out int n);
            total += mean * n;
            counted += n;
        }
        _predicted = Seq2SeqPredictor.Predict(model, vocabulary, _sources);
        var metrics = Seq2SeqMetrics.Compute(_predicted, _targets);
        Last = metrics;
        return new Evaluation(
            [new("val_loss", counted == 0 ? double.NaN : total / counted), new("val_sequence_accuracy", metrics.SequenceAccuracy),
             new(Monitor, metrics.TokenAccuracy)],
            Monitor, HigherIsBetter: true);
    }

    public JsonObject? PredictionDetails()
    {
        if (_predicted is null) return null;
        var examples = new JsonArray();
        for (int i = 0; i < Math.Min(PredictionJson.MaxExamples, _predicted.Length); i++)
            examples.Add(new JsonObject
            {
                ["source"] = PredictionJson.Shorten(_sources[i]),
                ["target"] = PredictionJson.Shorten(_targets[i]),
                ["predicted"] = PredictionJson.Shorten(_predicted[i]),
                ["correct"] = _predicted[i] == _targets[i],
            });
        return new JsonObject
        {
            ["kind"] = "sequences",
            ["count"] = _predicted.Length,
            ["correct"] = _predicted.Where((p, i) => p == _targets[i]).Count(),
            ["examples"] = examples,
        };
    }
}
