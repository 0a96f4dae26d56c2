// CaptionFeatureStandardisation: the per-channel scaling of a captioner's image features — the pooled vector's F
// channels, and the grid's F channels with one mean/std per channel shared by all R regions (a channel means the
// same at every position of a CNN's map) — fitted on the TRAINING images only, stored in the model file and applied
// to every image the model trains on, is validated on or captions. ReLU features of a CNN are non-negative with
// very different scales per channel; standardised, they suit tanh(W f + b) and the attention scores.
using System.Text.Json.Serialization;
using Recurrent.Classification;

namespace Recurrent.Captioning;

/// <summary>(x − mean) / std per feature channel of pooled vectors and grids.</summary>
/// <param name="Pooled">Statistics of the pooled vectors (F channels).</param>
/// <param name="Grid">Statistics of the grids' channels over all regions (F channels), or null when the model reads no grid.</param>
public sealed record CaptionFeatureStandardisation(
    [property: JsonPropertyName("pooled")] ChannelStandardisation Pooled,
    [property: JsonPropertyName("grid"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ChannelStandardisation? Grid)
{
    /// <summary>Channels F.</summary>
    [JsonIgnore]
    public int Features => Pooled.Channels;

    /// <summary>True when the statistics are usable (and the grid's, if any, have as many channels as the pooled).</summary>
    [JsonIgnore]
    public bool IsValid => Pooled is not null && Pooled.IsValid && (Grid is null || (Grid.IsValid && Grid.Channels == Pooled.Channels));

    /// <summary>
    /// Fits the statistics on <paramref name="trainingImages"/>: their pooled vectors, and their grids when
    /// <paramref name="withGrid"/> (every image must then have one).
    /// </summary>
    public static CaptionFeatureStandardisation Fit(IReadOnlyList<CaptionedImage> trainingImages, int features, bool withGrid)
    {
        ArgumentNullException.ThrowIfNull(trainingImages);
        if (trainingImages.Count == 0) throw new ArgumentException("There are no training images to fit the feature statistics on.", nameof(trainingImages));
        var pooled = ChannelStandardisation.Fit(trainingImages.Select(i => i.Pooled), features);
        var grid = withGrid ? ChannelStandardisation.Fit(trainingImages.Select(i => i.Grid!), features) : null;
        return new CaptionFeatureStandardisation(pooled, grid);
    }

    /// <summary>A standardised copy of a pooled vector (F).</summary>
    public float[] ApplyPooled(ReadOnlySpan<float> pooled) => Pooled.Apply(pooled);

    /// <summary>A standardised copy of a grid (R·F, region-major); InvalidOperationException when there are no grid statistics.</summary>
    public float[] ApplyGrid(ReadOnlySpan<float> grid) =>
        (Grid ?? throw new InvalidOperationException("These statistics have no grid part (the model reads no grid).")).Apply(grid);
}
