// PredictCaption: `rnn predict CAPTION_MODEL --images DIR [--beam K] [--output OUT] [--attention-map MAPS]` — captions
// every picture of DIR (not its subfolders; names in ordinal order): ResNet18 features through ONNX Runtime
// (Recurrent.Vision), then the model's greedy or beam decoding, one `file name<TAB>caption` line per image. Files
// that are not pictures or cannot be decoded are skipped, each named on stderr with the reason and counted, and the
// exit code is then 2 (the other images are still captioned). With --attention-map MAPS (models trained with
// --attention) a folder gets one PNG per image: the picture, then the picture dimmed outside where the model looked
// for each word (AttentionHeatMap.Strip), named after the picture's file name (a.png → a.png.attention.png).
using System.CommandLine;
using System.Text;
using Recurrent.Captioning;
using Recurrent.Vision;

namespace Recurrent.Cli.Commands;

internal static class PredictCaption
{
    public static int Execute(ParseResult parse, PredictCommand.Flags f, string modelPath)
    {
        PredictCommand.Reject(parse, "caption", f.Steps, f.From, f.Plot, f.Input, f.Batch);
        string images = parse.GetValue(f.Images)
            ?? throw new UserFacingException($"'{modelPath}' is an image captioner: give the pictures with --images DIR.");
        int beam = parse.GetValue(f.Beam) ?? 1;
        if (beam <= 0) throw new UserFacingException($"--beam must be positive, got {beam}.");
        Captioner captioner = TrainCommand.Map(() => CaptionFile.Load(modelPath));
        var grid = CaptionImageData.GridOf(captioner.Features, modelPath);
        string? maps = parse.GetValue(f.AttentionMap);
        if (maps is not null && captioner.Regions == 0)
            throw new UserFacingException($"--attention-map needs a model trained with --attention; '{modelPath}' has none.");
        if (!Directory.Exists(images)) throw new UserFacingException($"the images folder '{Path.GetFullPath(images)}' does not exist.");
        if (maps is not null) Directory.CreateDirectory(maps);

        var skipped = new List<(string Name, string Reason)>();
        IReadOnlyList<(string Name, ImageFeatures Features)> computed;
        using (var model = CaptionImageData.OpenModel(grid))
            computed = FeatureExtraction.ComputeFolder(images, model, skipped, CaptionImageData.Progress(quiet: false, "features"));
        var text = new StringBuilder();
        foreach (var (name, features) in computed)
        {
            GeneratedCaption caption = captioner.Caption(features.Pooled, features.Grid, beam);
            text.Append(name).Append('\t').Append(caption.Text).Append('\n');
            if (maps is not null && caption.Attention is float[] attention)
            {
                using var bitmap = ImageFiles.Decode(Path.Combine(images, name));
                using var strip = AttentionHeatMap.Strip(bitmap, caption.Text.Length == 0 ? [] : caption.Text.Split(' '), attention, captioner.Regions);
                byte[] png = AttentionHeatMap.Png(strip);
                Recurrent.Serialization.ModelFile.WriteAtomically(Path.Combine(maps, name.Replace('/', '_') + ".attention.png"), s => s.Write(png));
            }
        }
        if (parse.GetValue(f.Output) is string outPath)
        {
            PredictCommand.WriteOutput(outPath, text.ToString());
            Console.WriteLine($"captioned {computed.Count} image{(computed.Count == 1 ? "" : "s")} ({(beam == 1 ? "greedy" : $"beam {beam}")}) to {Path.GetFullPath(outPath)}" +
                (skipped.Count > 0 ? $"; {skipped.Count} file{(skipped.Count == 1 ? "" : "s")} skipped" : ""));
        }
        else Console.Write(text);
        if (maps is not null && computed.Count > 0)
            Console.Error.WriteLine($"attention maps of {computed.Count} image{(computed.Count == 1 ? "" : "s")}: {Path.GetFullPath(maps)}");
        foreach (var (name, reason) in skipped) Console.Error.WriteLine($"rnn: skipped '{name}': {reason}");
        if (skipped.Count == 0) return computed.Count > 0 ? 0 : throw new UserFacingException($"the folder '{Path.GetFullPath(images)}' has no pictures.");
        Console.Error.WriteLine($"rnn: {skipped.Count} of {skipped.Count + computed.Count} files in '{Path.GetFullPath(images)}' were skipped (above); the others were captioned.");
        return 2;
    }
}
