// CaptionedImage: one image as the captioning core sees it — its name, the CNN's features (computed elsewhere, e.g.
// by Recurrent.Vision: the pooled vector (F) and optionally the spatial grid (R,F) region-major) and its reference
// captions. The core never reads images: it takes these arrays.
namespace Recurrent.Captioning;

/// <summary>An image's features and its reference captions.</summary>
/// <param name="Name">The image's name (its file name), for messages and reports.</param>
/// <param name="Pooled">The pooled feature vector (F).</param>
/// <param name="Grid">The spatial feature grid (R·F values, region-major: region 0's F channels, then region 1's, ...), or null.</param>
/// <param name="Captions">Its reference captions (raw text; tokenised by CaptionVocabulary.Tokenize).</param>
public sealed record CaptionedImage(string Name, float[] Pooled, float[]? Grid, IReadOnlyList<string> Captions);
