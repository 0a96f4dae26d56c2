// CaptionData: captioned images made ready for training — checked (features of the model's sizes, at least one
// non-empty caption per image), split by IMAGE into training and validation (Data/Shuffling's seeded split, so all
// captions of an image fall on one side and the same seed gives the same split), standardised once per image, and
// expanded into (image, caption) examples: every caption of every training image, encoded with the vocabulary and
// truncated to the model's longest caption (the count of truncated captions is reported, not refused: a long
// caption still teaches its first MaxLength words). An example references its image's feature arrays; nothing is
// copied per caption.
using Recurrent.Data;
using Recurrent.Seq2Seq;

namespace Recurrent.Captioning;

/// <summary>An image ready for the model: standardised features, its reference captions as words.</summary>
/// <param name="Name">The image's name.</param>
/// <param name="Pooled">The standardised pooled vector (F).</param>
/// <param name="Grid">The standardised grid (R·F), or null for a model without attention.</param>
/// <param name="References">Each reference caption tokenised (CaptionVocabulary.Tokenize).</param>
public sealed record PreparedImage(string Name, float[] Pooled, float[]? Grid, IReadOnlyList<IReadOnlyList<string>> References);

/// <summary>Checking, splitting and encoding captioned images.</summary>
public static class CaptionData
{
    /// <summary>
    /// Throws ArgumentException (ParamName <paramref name="parameter"/>) naming the first image whose pooled vector is
    /// not <paramref name="features"/> wide, whose grid is missing or not <paramref name="regions"/>·F (when regions &gt; 0),
    /// whose features are not finite, or which has no caption with a word; and when there are no images at all.
    /// </summary>
    public static void Check(IReadOnlyList<CaptionedImage> images, int features, int regions, string parameter = "images")
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("There are no captioned images.", parameter);
        if (features <= 0) throw new ArgumentException($"features must be positive, got {features}.", nameof(features));
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i] ?? throw new ArgumentException($"Image {i} is null.", parameter);
            string name = $"image {i + 1} ('{image.Name}')";
            if (image.Pooled is null || image.Pooled.Length != features)
                throw new ArgumentException($"{name} has a pooled vector of {image.Pooled?.Length ?? 0} values; expected {features} (every image's features must come from the same extractor).", parameter);
            if (regions > 0 && (image.Grid is null || image.Grid.Length != regions * features))
                throw new ArgumentException($"{name} has a grid of {image.Grid?.Length ?? 0} values; attention needs (R,F) = {regions}*{features}.", parameter);
            foreach (float v in image.Pooled)
                if (!float.IsFinite(v)) throw new ArgumentException($"{name} has a non-finite pooled feature ({v}).", parameter);
            if (regions > 0)
                foreach (float v in image.Grid!)
                    if (!float.IsFinite(v)) throw new ArgumentException($"{name} has a non-finite grid feature ({v}).", parameter);
            if (image.Captions is null || image.Captions.Count == 0)
                throw new ArgumentException($"{name} has no caption; give every image at least one.", parameter);
            for (int k = 0; k < image.Captions.Count; k++)
                if (CaptionVocabulary.Tokenize(image.Captions[k] ?? "").Count == 0)
                    throw new ArgumentException($"{name}'s caption {k + 1} (\"{image.Captions[k]}\") has no word.", parameter);
        }
    }

    /// <summary>Splits by image: a seeded shuffle of the images, the last ⌊N·fraction⌋ (at least one when fraction &gt; 0 and N ≥ 2) held out.</summary>
    public static (List<CaptionedImage> Train, List<CaptionedImage> Validation) Split(IReadOnlyList<CaptionedImage> images, double fraction, ulong seed) =>
        Shuffling.Split(images, fraction, seed);

    /// <summary>The images standardised with <paramref name="standardisation"/> (the grid only when <paramref name="withGrid"/>), captions tokenised.</summary>
    public static List<PreparedImage> Prepare(IReadOnlyList<CaptionedImage> images, CaptionFeatureStandardisation standardisation, bool withGrid)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(standardisation);
        return images.Select(i => new PreparedImage(i.Name, standardisation.ApplyPooled(i.Pooled),
            withGrid ? standardisation.ApplyGrid(i.Grid!) : null,
            i.Captions.Select(c => (IReadOnlyList<string>)CaptionVocabulary.Tokenize(c)).ToList())).ToList();
    }

    /// <summary>
    /// One example per (image, caption): the caption's word ids (unknown words as &lt;unk&gt;), cut to
    /// <paramref name="maxLength"/> words; <paramref name="truncated"/> counts the captions that were cut.
    /// </summary>
    public static List<ConditionedExample> Examples(IReadOnlyList<PreparedImage> images, CaptionVocabulary vocabulary, int maxLength, out int truncated)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (maxLength <= 0) throw new ArgumentException($"maxLength must be positive, got {maxLength}.", nameof(maxLength));
        var examples = new List<ConditionedExample>();
        truncated = 0;
        foreach (var image in images)
            foreach (var words in image.References)
            {
                if (words.Count > maxLength) truncated++;
                int[] ids = words.Take(maxLength).Select(vocabulary.IdOf).ToArray();
                examples.Add(new ConditionedExample(image.Pooled, ids, image.Grid));
            }
        return examples;
    }
}
