// Seq2SeqTrainingOptions: how an encoder–decoder is trained — the architecture (Seq2SeqSettings), batch size, the
// optimizer and schedule (OptimizationOptions, shared by every kind of model; a per-epoch learning-rate decay is
// its StepDecay schedule), the run controls of the fit loop (FitOptions: budgets, early stopping, evaluation and
// logging intervals, divergence guard), how sources are presented (reversed, padded length), the longest decoded
// output, the held-out fraction and the seed. Composed from the shared option records, not re-declared.
using Recurrent.Training;

namespace Recurrent.Seq2Seq;

/// <summary>Settings of an encoder–decoder training run.</summary>
public sealed record Seq2SeqTrainingOptions
{
    /// <summary>The architecture.</summary>
    public Seq2SeqSettings Model { get; init; } = new();
    /// <summary>Pairs per update.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Optimizer, clipping, weight decay and schedule (default Adam 3e-3, clip norm 5).</summary>
    public OptimizationOptions Optimization { get; init; } = new() { LearningRate = 3e-3, ClipNorm = 5 };
    /// <summary>Budgets and early stopping (default 30 epochs, patience 5, evaluation at every epoch end).</summary>
    public FitOptions Fit { get; init; } = new() { Epochs = 30, Patience = 5 };
    /// <summary>Feed sources reversed (Sutskever et al. 2014).</summary>
    public bool ReverseSource { get; init; }
    /// <summary>Source length the model reads (0 = the longest source in the data).</summary>
    public int SourceLength { get; init; }
    /// <summary>Longest decoded output (0 = the longest target in the data, plus a quarter).</summary>
    public int MaxTargetLength { get; init; }
    /// <summary>Fraction of the pairs held out for validation when no separate set is given.</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Seed of the initialisation, the shuffling and the split.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Throws ArgumentException (ParamName = the property) naming the first impossible setting.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Model, nameof(Model));
        ArgumentNullException.ThrowIfNull(Optimization, nameof(Optimization));
        ArgumentNullException.ThrowIfNull(Fit, nameof(Fit));
        Model.Validate();
        if (BatchSize <= 0) throw new ArgumentException($"BatchSize must be positive, got {BatchSize}.", nameof(BatchSize));
        if (SourceLength < 0) throw new ArgumentException($"SourceLength must be >= 0, got {SourceLength}.", nameof(SourceLength));
        if (MaxTargetLength < 0) throw new ArgumentException($"MaxTargetLength must be >= 0, got {MaxTargetLength}.", nameof(MaxTargetLength));
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
            throw new ArgumentException($"ValidationFraction must be in [0, 1), got {ValidationFraction}.", nameof(ValidationFraction));
        Optimization.Validate();
        Fit.Validate();
    }
}
