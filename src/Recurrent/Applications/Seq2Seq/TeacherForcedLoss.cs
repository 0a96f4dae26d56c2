// TeacherForcedLoss: how a teacher-forced decoder's step ends, shared by Seq2SeqBatches and ConditionedBatches —
// softmax cross-entropy of the logits (T_d,B,V) against the targets (T_d,B; the ignore index at padding), its
// gradient into a buffer reused from step to step, the gradients zeroed and the model's backward run on it, and the
// shared StepEngine's update (penalty, clipping, finiteness check, optimizer step).
using Recurrent.Losses;
using Recurrent.Training;

namespace Recurrent.Seq2Seq;

/// <summary>Backpropagates dLogits (T_d,B,V) through a model, adding into its gradients.</summary>
internal delegate void LogitsBackward(ReadOnlySpan<float> dLogits);

/// <summary>Cross-entropy, backward and update of one teacher-forced batch.</summary>
internal sealed class TeacherForcedLoss(StepEngine<float> engine, int vocabulary)
{
    private float[] _dLogits = [];   // (T_d,B,V)

    /// <summary>Target positions counted by the last step.</summary>
    public int Counted { get; private set; }

    public StepResult Finish(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, LogitsBackward backward)
    {
        if (_dLogits.Length < logits.Length) _dLogits = new float[logits.Length];
        Span<float> d = _dLogits.AsSpan(0, logits.Length);
        double loss = SoftmaxCrossEntropy.LossAndGradient(logits, targets, vocabulary, d, out int counted);
        Counted = counted;
        engine.Parameters.ZeroGradients();
        backward(d);
        return engine.Update(loss, counted);
    }
}
