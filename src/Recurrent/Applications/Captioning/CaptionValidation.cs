// CaptionValidation: the captioner's evaluator for the fit loop, on the held-out images — val_loss, the
// teacher-forced cross-entropy per word over every (image, caption) validation pair (as training measures it; the
// monitored metric, lower is better), and val_bleu1..val_bleu4, corpus BLEU of each image's greedy caption against
// all its reference captions. The last BLEU is kept (Last), so a caller can report it without decoding again.
using Recurrent.Losses;
using Recurrent.Seq2Seq;
using Recurrent.Training;

namespace Recurrent.Captioning;

/// <summary>val_loss and val_bleu1..4 of a captioner on held-out images.</summary>
public sealed class CaptionValidation : IEvaluator
{
    /// <summary>The monitored metric.</summary>
    public const string Monitor = "val_loss";
    private const int Batch = 64;
    private readonly ConditionedGenerator<float> _model;
    private readonly CaptionVocabulary _vocabulary;
    private readonly IReadOnlyList<PreparedImage> _images;
    private readonly IReadOnlyList<ConditionedExample> _pairs;
    private float[] _features = [], _grid = [];  // (B,F), (B,R,F)

    /// <summary>
    /// Evaluates <paramref name="model"/> on <paramref name="images"/> (standardised, CaptionData.Prepare) and their
    /// (image, caption) <paramref name="pairs"/> (CaptionData.Examples).
    /// </summary>
    public CaptionValidation(ConditionedGenerator<float> model, CaptionVocabulary vocabulary, IReadOnlyList<PreparedImage> images, IReadOnlyList<ConditionedExample> pairs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(pairs);
        if (images.Count == 0 || pairs.Count == 0) throw new ArgumentException("There are no validation images.", nameof(images));
        (_model, _vocabulary, _images, _pairs) = (model, vocabulary, images, pairs);
    }

    /// <summary>BLEU of the last evaluation, or null.</summary>
    public BleuScore? Last { get; private set; }

    /// <inheritdoc/>
    public Evaluation Evaluate()
    {
        int f = _model.Config.Features, g = _model.Config.Regions * f;
        double total = 0;
        long counted = 0;
        for (int start = 0; start < _pairs.Count; start += Batch)
        {
            int b = Math.Min(Batch, _pairs.Count - start);
            Gather(b, i => (_pairs[start + i].Features, _pairs[start + i].Grid), f, g);
            var (input, targets, steps) = Seq2SeqData.DecoderBatch(Enumerable.Range(start, b).Select(i => _pairs[i].Target).ToList());
            ReadOnlySpan<float> logits = _model.Forward(_features.AsSpan(0, b * f), _grid.AsSpan(0, b * g), input, steps, b, training: false);
            double mean = SoftmaxCrossEntropy.LossAndGradient(logits, targets, _model.Config.Vocabulary, Span<float>.Empty, out int n);
            total += mean * n;
            counted += n;
        }
        var hypotheses = new List<IReadOnlyList<string>>(_images.Count);
        for (int start = 0; start < _images.Count; start += Batch)
        {
            int b = Math.Min(Batch, _images.Count - start);
            Gather(b, i => (_images[start + i].Pooled, _images[start + i].Grid), f, g);
            foreach (Hypothesis hyp in _model.Generate(_features.AsSpan(0, b * f), _grid.AsSpan(0, b * g), b))
                hypotheses.Add(hyp.Tokens.Select(_vocabulary.Word).ToList());
        }
        BleuScore bleu = Bleu.Corpus(_images.Select(i => i.References).ToList(), hypotheses);
        Last = bleu;
        return new Evaluation(
            [new(Monitor, counted == 0 ? double.NaN : total / counted),
             new("val_bleu1", bleu[1]), new("val_bleu2", bleu[2]), new("val_bleu3", bleu[3]), new("val_bleu4", bleu[4])],
            Monitor, HigherIsBetter: false);
    }

    // Copies b examples' features (B,F) and grids (B,R,F) into the reused buffers.
    private void Gather(int b, Func<int, (float[] Pooled, float[]? Grid)> example, int f, int g)
    {
        if (_features.Length < b * f) _features = new float[b * f];
        if (_grid.Length < b * g) _grid = new float[b * g];
        for (int i = 0; i < b; i++)
        {
            var (pooled, grid) = example(i);
            pooled.CopyTo(_features, i * f);
            grid?.CopyTo(_grid, i * g);
        }
    }
}
