// CaptionSection: the report's "Captions of validation images" section for a caption run — the run's model (best
// checkpoint, else last) captions the first validation images of its split (the same seeded split by image that
// training used), and each is shown as its picture, the generated caption, its reference captions and, for a model
// with attention, a strip of heat maps: where the model looked for each word (AttentionHeatMap.Strip). The split is
// made on the names, and only the pictures shown need features, from the run directory's feature cache when it holds them; the
// pictures are embedded as PNG data URIs, so the page stays one self-contained file. When the pictures or the
// captions file are gone, the section says so instead of failing the report.
using System.Globalization;
using System.Net;
using System.Text;
using Recurrent.Captioning;
using Recurrent.Cli.Commands;
using Recurrent.Training;
using Recurrent.Vision;

namespace Recurrent.Cli.Reporting;

internal static class CaptionSection
{
    private const int Shown = 8, Tile = 112;

    /// <summary>Appends the section when <paramref name="spec"/> is a caption run's; <paramref name="checkpoint"/> is the model to caption with.</summary>
    public static void Append(StringBuilder h, RunDirectory run, CaptionRunSpec spec, string checkpoint)
    {
        h.Append("<section><h2>Captions of validation images</h2>\n");
        try
        {
            Write(h, run, spec, checkpoint);
        }
        catch (Exception e) when (e is UserFacingException or IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException
            or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            h.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">The validation images could not be captioned: {Esc(e.Message)}</p>\n");
        }
        h.Append("</section>\n");
    }

    private static void Write(StringBuilder h, RunDirectory run, CaptionRunSpec spec, string checkpoint)
    {
        if (spec.Data.ImagesDirectory is not string images || spec.Data.CaptionsPath is not string captions)
        {
            h.Append("<p class=\"note\">This run was trained on features given in code, so there are no pictures to show.</p>\n");
            return;
        }
        var captioner = CaptionFile.Load(checkpoint);
        // The run's split by picture (CaptionData.Split is this seeded split of the same list), made on the names alone,
        // so that only the pictures shown need features (from the run's cache when it holds them).
        var set = CaptionImageData.Match(images, captions);
        var (_, validation) = Recurrent.Data.Shuffling.Split(set.Images, spec.Training.ValidationFraction, spec.Training.Seed);
        if (validation.Count == 0)
        {
            h.Append("<p class=\"note\">This run has no validation images (validation fraction 0).</p>\n");
            return;
        }
        var shown = validation.Take(Shown).ToList();
        IReadOnlyList<ImageFeatures> features;
        using (var model = CaptionImageData.OpenModel(CaptionImageData.GridOf(captioner.Features, checkpoint)))
            features = FeatureExtraction.ForImages(shown.Select(i => i.Name).ToList(), set.ImagesDirectory, run.Path, model);
        h.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">The first {shown.Count} of {validation.Count} validation images, captioned greedily by " +
                 $"<code>{Esc(Path.GetFileName(checkpoint))}</code>{(captioner.Regions > 0 ? "; the strip shows where the model looked for each word (bright = attended)" : "")}.</p>\n");
        h.Append("<div class=\"captions\">\n");
        for (int i = 0; i < shown.Count; i++)
        {
            var image = shown[i];
            var generated = captioner.Caption(features[i].Pooled, features[i].Grid);
            using var bitmap = ImageFiles.Decode(Path.Combine(set.ImagesDirectory, image.Name));
            using var picture = generated.Attention is float[] attention
                ? AttentionHeatMap.Strip(bitmap, generated.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries), attention, captioner.Regions, Tile)
                : AttentionHeatMap.Thumbnail(bitmap, Tile);
            string png = Convert.ToBase64String(AttentionHeatMap.Png(picture));
            h.Append(CultureInfo.InvariantCulture, $"<figure class=\"caption\"><img alt=\"{Esc(image.Name)}\" src=\"data:image/png;base64,{png}\">");
            h.Append(CultureInfo.InvariantCulture, $"<figcaption><b>{Esc(generated.Text)}</b> <span class=\"note\">{Esc(image.Name)}</span><ul>");
            foreach (var reference in image.Captions) h.Append(CultureInfo.InvariantCulture, $"<li>{Esc(reference.Caption)}</li>");
            h.Append("</ul></figcaption></figure>\n");
        }
        h.Append("</div>\n");
    }

    private static string Esc(string text) => WebUtility.HtmlEncode(text);
}
