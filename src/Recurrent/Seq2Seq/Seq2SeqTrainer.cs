// Seq2SeqTrainer: one optimisation step of an encoder–decoder on a batch — teacher-forced forward, softmax
// cross-entropy over the counted target positions (padding ignored), backward through decoder and encoder,
// global-norm clipping and an Adam update over the one flat parameter buffer.
using Recurrent.Losses;
using Recurrent.Optimizers;

namespace Recurrent.Seq2Seq;

/// <summary>Trains a <see cref="Seq2SeqModel{T}"/> (float) with Adam and gradient-norm clipping.</summary>
public sealed class Seq2SeqTrainer
{
    private readonly Adam<float> _adam;
    private float[] _dLogits = [];

    /// <summary>A trainer with Adam at <paramref name="learningRate"/> and clipping at <paramref name="clipNorm"/> (0 = off).</summary>
    public Seq2SeqTrainer(Seq2SeqModel<float> model, double learningRate, double clipNorm = 5)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(learningRate > 0 && double.IsFinite(learningRate))) throw new ArgumentException($"learningRate must be positive, got {learningRate}.", nameof(learningRate));
        if (!(clipNorm >= 0 && double.IsFinite(clipNorm))) throw new ArgumentException($"clipNorm must be >= 0, got {clipNorm}.", nameof(clipNorm));
        Model = model;
        LearningRate = learningRate;
        ClipNorm = clipNorm;
        _adam = new Adam<float>(model.Parameters.Count);
    }

    /// <summary>The model being trained.</summary>
    public Seq2SeqModel<float> Model { get; }
    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; set; }
    /// <summary>Global gradient-norm limit (0 = off).</summary>
    public double ClipNorm { get; }
    /// <summary>Updates done.</summary>
    public long Steps { get; private set; }

    /// <summary>Trains on one batch; returns the mean cross-entropy per counted target token (before the update).</summary>
    public double Step(Seq2SeqBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var store = Model.Parameters;
        ReadOnlySpan<float> logits = Model.Forward(batch.Source, batch.SourceSteps, batch.DecoderInput, batch.DecoderSteps, batch.Batch, training: true);
        if (_dLogits.Length < logits.Length) _dLogits = new float[logits.Length];
        Span<float> d = _dLogits.AsSpan(0, logits.Length);
        double loss = SoftmaxCrossEntropy.LossAndGradient(logits, batch.Targets, Model.Config.Vocabulary, d, out _);
        store.ZeroGradients();
        Model.Backward(d);
        if (ClipNorm > 0) GradientClipping.ClipByGlobalNorm<float>(store.Gradients, ClipNorm);
        _adam.Step(store.Values, store.Gradients, LearningRate);
        Steps++;
        return loss;
    }
}
