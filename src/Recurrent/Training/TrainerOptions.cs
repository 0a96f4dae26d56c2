// TrainerOptions: the per-step training settings that are not the optimizer or the schedule.
namespace Recurrent.Training;

/// <summary>Gradient clipping, penalties and truncation for a <see cref="Trainer{T}"/>.</summary>
public sealed record TrainerOptions
{
    /// <summary>Clamp every gradient element to ±value before the update (min-char-rnn: 5); null = off.</summary>
    public double? ClipValue { get; init; }
    /// <summary>Rescale the gradient when its global L2 norm exceeds this (char-rnn, PyTorch clip_grad_norm_); null = off.</summary>
    public double? ClipNorm { get; init; }
    /// <summary>L1 strength λ1 (penalty λ1·Σ|w| on weights).</summary>
    public double L1 { get; init; }
    /// <summary>L2 strength λ2 (penalty (λ2/2)·Σw² on weights).</summary>
    public double L2 { get; init; }
    /// <summary>
    /// AR strength α (AWD-LSTM): penalty α·mean(h²) on the last recurrent layer's outputs; 0 = off. Applied by
    /// <see cref="Trainer{T}"/> (SequenceModel); see <see cref="ActivationRegularization"/>.
    /// </summary>
    public double ActivationRegularization { get; init; }
    /// <summary>TAR strength β (AWD-LSTM): penalty β·mean((h_t − h_{t−1})²) on the same outputs; 0 = off.</summary>
    public double TemporalActivationRegularization { get; init; }

    /// <summary>True when AR or TAR is on.</summary>
    public bool HasActivationPenalty => ActivationRegularization > 0 || TemporalActivationRegularization > 0;

    /// <summary>Throws ArgumentException naming the first impossible setting.</summary>
    public void Validate()
    {
        if (ClipValue is double v && !(v > 0 && double.IsFinite(v))) throw new ArgumentException($"ClipValue must be positive and finite, got {v}.", nameof(ClipValue));
        if (ClipNorm is double n && !(n > 0 && double.IsFinite(n))) throw new ArgumentException($"ClipNorm must be positive and finite, got {n}.", nameof(ClipNorm));
        if (!(L1 >= 0 && double.IsFinite(L1))) throw new ArgumentException($"L1 must be finite and >= 0, got {L1}.", nameof(L1));
        if (!(L2 >= 0 && double.IsFinite(L2))) throw new ArgumentException($"L2 must be finite and >= 0, got {L2}.", nameof(L2));
        if (!(ActivationRegularization >= 0 && double.IsFinite(ActivationRegularization)))
            throw new ArgumentException($"ActivationRegularization must be finite and >= 0, got {ActivationRegularization}.", nameof(ActivationRegularization));
        if (!(TemporalActivationRegularization >= 0 && double.IsFinite(TemporalActivationRegularization)))
            throw new ArgumentException($"TemporalActivationRegularization must be finite and >= 0, got {TemporalActivationRegularization}.", nameof(TemporalActivationRegularization));
    }
}

/// <summary>What one training step did.</summary>
/// <param name="Loss">Mean data loss of the step (before the update), without the penalty.</param>
/// <param name="Penalty">Penalty added to the loss: L1/L2, plus AR/TAR when on (reported here, not in Loss).</param>
/// <param name="GradientNorm">Global L2 norm of the gradient before clipping.</param>
/// <param name="LearningRate">Learning rate used for the update.</param>
/// <param name="Counted">Positions that counted in the loss (masked positions excluded).</param>
/// <param name="Skipped">True when the loss or gradient was not finite and no update was made.</param>
public readonly record struct StepResult(double Loss, double Penalty, double GradientNorm, double LearningRate, int Counted, bool Skipped = false);
