// RecurrentSequenceOptions: the settings of the RecurrentSequence trainers (numeric sequence classification and
// regression): the shared ones (RecurrentOptionsBase) plus the features column — a vector of Single holding T·F
// numbers step-major (step 1's F values, then step 2's, ...) — and F, the numbers per step. Each channel is
// standardised with the training steps' statistics (ChannelStandardisation), kept with the model.
using Microsoft.ML;
using Recurrent.Classification;

namespace Recurrent.ML;

/// <summary>
/// Options of <see cref="RecurrentCatalog.RecurrentSequence(MulticlassClassificationCatalog.MulticlassClassificationTrainers, RecurrentSequenceOptions)"/>
/// and <see cref="RecurrentCatalog.RecurrentSequence(RegressionCatalog.RegressionTrainers, RecurrentSequenceOptions)"/>:
/// a recurrent network reads the numbers step by step and its last step is classified or regressed.
/// </summary>
public sealed class RecurrentSequenceOptions : RecurrentOptionsBase
{
    /// <summary>
    /// The features column: a vector of Single, T·F numbers step-major. Of known size (T = size / F, the size must
    /// be a multiple of F) or of variable size (each row's length a multiple of F). Default "Features".
    /// </summary>
    public string FeaturesColumnName { get; set; } = "Features";
    /// <summary>F, the numbers each step holds (channels; default 1).</summary>
    public int FeaturesPerStep { get; set; } = 1;

    /// <summary>The classifier's architecture in the core library's terms (dense inputs of F channels).</summary>
    internal ClassifierSettings ToSettings() => SharedSettings() with { FeaturesPerStep = FeaturesPerStep };

    /// <summary>Throws ArgumentOutOfRangeException naming the first impossible setting the core's own checks do not cover.</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(FeaturesColumnName, nameof(FeaturesColumnName));
        if (FeaturesPerStep < 1) throw new ArgumentOutOfRangeException(nameof(FeaturesPerStep), FeaturesPerStep, "FeaturesPerStep must be positive.");
        ValidateShared();
    }
}
