// CaptionBatches: the captioner's batch source — the one-to-many generator's ConditionedBatches (seeded epoch
// order, teacher forcing, cross-entropy, the shared StepEngine) over (image, caption) examples from CaptionData, one
// per caption of each training image, each referencing its image's standardised feature arrays. Not a second
// batching loop: it only turns prepared images into ConditionedBatches' examples.
using Recurrent.Seq2Seq;
using Recurrent.Training;

namespace Recurrent.Captioning;

/// <summary>Training batches of (image, caption) pairs for a captioner.</summary>
public static class CaptionBatches
{
    /// <summary>
    /// The batch source over every caption of <paramref name="images"/> (standardised, CaptionData.Prepare), captions
    /// cut to the model's MaxLength (<paramref name="truncated"/> counts them), in shuffled batches of
    /// <paramref name="batchSize"/> from <paramref name="seed"/>.
    /// </summary>
    public static ConditionedBatches Create(ConditionedGenerator<float> model, StepEngine<float> engine, IReadOnlyList<PreparedImage> images,
        CaptionVocabulary vocabulary, int batchSize, ulong seed, out int examples, out int truncated)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (batchSize <= 0) throw new ArgumentException($"batchSize must be positive, got {batchSize}.", nameof(batchSize));
        var list = CaptionData.Examples(images, vocabulary, model.Config.MaxLength, out truncated);
        examples = list.Count;
        return new ConditionedBatches(model, engine, list, batchSize, seed);
    }
}
