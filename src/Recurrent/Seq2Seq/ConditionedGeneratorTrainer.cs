// ConditionedGeneratorTrainer: one optimisation step of the one-to-many model on (feature vector, target
// sequence) pairs: decoder inputs [start, y...] and targets [y..., end] with padding ignored, cross-entropy,
// backward through decoder and feature projection, norm clipping and Adam.
using Recurrent.Losses;
using Recurrent.Optimizers;

namespace Recurrent.Seq2Seq;

/// <summary>Trains a <see cref="ConditionedGenerator{T}"/> (float) with Adam.</summary>
public sealed class ConditionedGeneratorTrainer
{
    private readonly Adam<float> _adam;
    private float[] _dLogits = [];

    /// <summary>A trainer with Adam at <paramref name="learningRate"/> and norm clipping at <paramref name="clipNorm"/> (0 = off).</summary>
    public ConditionedGeneratorTrainer(ConditionedGenerator<float> model, double learningRate, double clipNorm = 5)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(learningRate > 0 && double.IsFinite(learningRate))) throw new ArgumentException($"learningRate must be positive, got {learningRate}.", nameof(learningRate));
        Model = model;
        LearningRate = learningRate;
        ClipNorm = clipNorm;
        _adam = new Adam<float>(model.Parameters.Count);
    }

    /// <summary>The model.</summary>
    public ConditionedGenerator<float> Model { get; }
    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; set; }
    /// <summary>Global norm clip (0 = off).</summary>
    public double ClipNorm { get; }

    /// <summary>
    /// Trains on features (B,F) and their target token sequences (ids without start/end; B of them).
    /// Returns the mean cross-entropy per counted token before the update.
    /// </summary>
    public double Step(ReadOnlySpan<float> features, IReadOnlyList<int[]> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        int b = targets.Count, td = targets.Max(t => t.Length) + 1;
        var input = new int[td * b];
        var output = new int[td * b];
        Array.Fill(output, SoftmaxCrossEntropy.IgnoreIndex);
        for (int i = 0; i < b; i++)
        {
            input[i] = Seq2SeqVocabulary.Start;
            for (int k = 0; k < targets[i].Length; k++)
            {
                if (k + 1 < td) input[(k + 1) * b + i] = targets[i][k];
                output[k * b + i] = targets[i][k];
            }
            output[targets[i].Length * b + i] = Seq2SeqVocabulary.End;
        }
        var store = Model.Parameters;
        ReadOnlySpan<float> logits = Model.Forward(features, input, td, b, training: true);
        if (_dLogits.Length < logits.Length) _dLogits = new float[logits.Length];
        Span<float> d = _dLogits.AsSpan(0, logits.Length);
        double loss = SoftmaxCrossEntropy.LossAndGradient(logits, output, Model.Config.Vocabulary, d, out _);
        store.ZeroGradients();
        Model.Backward(d);
        if (ClipNorm > 0) GradientClipping.ClipByGlobalNorm<float>(store.Gradients, ClipNorm);
        _adam.Step(store.Values, store.Gradients, LearningRate);
        return loss;
    }
}
