// CaptionOptions: how a captioner is built and trained — the architecture (cell, embedding, hidden size, layers,
// attention over the feature grid, longest caption, the minimum count of a kept word), the batch size, the shared
// optimizer/schedule (OptimizationOptions) and run controls (FitOptions), the held-out fraction of IMAGES and the
// seed of the initialisation, the shuffling and the split. Composed from the shared option records.
using Recurrent.Layers;
using Recurrent.Seq2Seq;
using Recurrent.Training;

namespace Recurrent.Captioning;

/// <summary>Settings of an image-captioning run.</summary>
public sealed record CaptionOptions
{
    /// <summary>Recurrent cell of the decoder.</summary>
    public CellKind Cell { get; init; } = CellKind.Lstm;
    /// <summary>Word embedding size.</summary>
    public int EmbeddingSize { get; init; } = 128;
    /// <summary>Hidden units per layer.</summary>
    public int HiddenSize { get; init; } = 256;
    /// <summary>Stacked layers.</summary>
    public int Layers { get; init; } = 1;
    /// <summary>Attention over the feature grid (Show, Attend and Tell); None: the pooled vector only (the cs231n set-up).</summary>
    public AttentionKind Attention { get; init; } = AttentionKind.None;
    /// <summary>
    /// With attention: learned position vectors added to every region's features (ConditionedGeneratorConfig.RegionPositions),
    /// so the decoder knows where it looks — what relations such as "left of" need: one per region (the default, better on
    /// a 7×7 grid) or one per row and per column (better on a 14×14 grid; docs/captioning.md).
    /// </summary>
    public RegionPositionKind RegionPositions { get; init; } = RegionPositionKind.PerRegion;
    /// <summary>Longest caption in words: longer training captions are cut (and counted), generation stops there.</summary>
    public int MaxLength { get; init; } = 16;
    /// <summary>A word must occur this many times in the training captions to get an id; rarer words are &lt;unk&gt;.</summary>
    public int MinCount { get; init; } = 1;
    /// <summary>(image, caption) pairs per update.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Optimizer, clipping, weight decay and schedule (default Adam 2e-3, clip norm 5).</summary>
    public OptimizationOptions Optimization { get; init; } = new() { LearningRate = 2e-3, ClipNorm = 5 };
    /// <summary>Budgets and early stopping (default 20 epochs, patience 5, evaluation at every epoch end).</summary>
    public FitOptions Fit { get; init; } = new() { Epochs = 20, Patience = 5 };
    /// <summary>Fraction of the images held out for validation.</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Seed of the initialisation, the shuffling and the split.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Throws ArgumentException (ParamName = the property) naming the first impossible setting.</summary>
    public void Validate()
    {
        static void Positive(int v, string name) { if (v <= 0) throw new ArgumentException($"{name} must be positive, got {v}.", name); }
        ArgumentNullException.ThrowIfNull(Optimization, nameof(Optimization));
        ArgumentNullException.ThrowIfNull(Fit, nameof(Fit));
        if (!Enum.IsDefined(Cell)) throw new ArgumentException($"Cell {Cell} is not a known kind.", nameof(Cell));
        if (!Enum.IsDefined(Attention)) throw new ArgumentException($"Attention {Attention} is not a known kind.", nameof(Attention));
        if (!Enum.IsDefined(RegionPositions)) throw new ArgumentException($"RegionPositions {RegionPositions} is not a known kind.", nameof(RegionPositions));
        Positive(EmbeddingSize, nameof(EmbeddingSize));
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(Layers, nameof(Layers));
        Positive(MaxLength, nameof(MaxLength));
        Positive(MinCount, nameof(MinCount));
        Positive(BatchSize, nameof(BatchSize));
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
            throw new ArgumentException($"ValidationFraction must be in [0, 1), got {ValidationFraction}.", nameof(ValidationFraction));
        Optimization.Validate();
        if (Optimization.TrainerOptions().HasActivationPenalty)
            throw new ArgumentException("AR/TAR (ActivationRegularization, TemporalActivationRegularization) apply to SequenceModel training only, not to captioning.", nameof(Optimization));
        Fit.Validate();
    }
}
