// DynamicEvaluationOptions: the hyperparameters of dynamic evaluation (DynamicEvaluation): the SGD step η, the
// global decay λ toward the trained weights θ₀, the segment length n and the number of parallel streams B.
// Defaults chosen by the sweep quoted in docs/language-models.md ("Dynamic evaluation").
namespace Recurrent.LanguageModels;

/// <summary>Options of <see cref="DynamicEvaluation"/> (Krause et al. 2018, SGD with global decay).</summary>
public sealed record DynamicEvaluationOptions
{
    /// <summary>The SGD learning rate η of the update θ ← θ − η·∇ + λ·(θ₀ − θ); 0 scores the static model.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>The decay λ toward the trained weights θ₀ per update, in [0, 1]; 0 = plain SGD.</summary>
    public double Decay { get; init; } = 0.001;

    /// <summary>Tokens per segment n: each segment is scored, then backpropagated (truncated) and used for one update.</summary>
    public int SequenceLength { get; init; } = 50;

    /// <summary>Parallel streams B: the text cut into B contiguous parts, as training batches are (1 = one stream, Krause's setting).</summary>
    public int Batch { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentException"/> (ParamName = the property) for a value out of range.</summary>
    public void Validate()
    {
        if (!double.IsFinite(LearningRate) || LearningRate < 0)
            throw new ArgumentException($"LearningRate must be a finite number ≥ 0, got {LearningRate}.", nameof(LearningRate));
        if (!double.IsFinite(Decay) || Decay < 0 || Decay > 1)
            throw new ArgumentException($"Decay must be in [0, 1], got {Decay}.", nameof(Decay));
        if (SequenceLength <= 0)
            throw new ArgumentException($"SequenceLength must be positive, got {SequenceLength}.", nameof(SequenceLength));
        if (Batch <= 0)
            throw new ArgumentException($"Batch must be positive, got {Batch}.", nameof(Batch));
    }
}
