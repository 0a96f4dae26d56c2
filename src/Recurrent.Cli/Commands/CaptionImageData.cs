// CaptionImageData: the images of the caption task as the captioning core takes them (Recurrent.Captioning's
// CaptionedImage: features and reference captions). The captions file is read and matched to the images folder by
// Recurrent.Vision (errors name the file and line: a missing image, a line without a tab, invalid UTF-8), and every
// image's ResNet18 features — a grid (7×7×512 or 14×14×256, ResNet18Grid) and its mean, the pooled vector — come
// through the feature cache of a
// directory (the run directory for training, so a resumed or repeated run computes nothing again), with a progress line
// on standard error. An image that cannot be decoded is refused for training and evaluation (one message counting
// them, each named with the first caption line that refers to it); `rnn predict --images DIR` skips them instead
// (PredictCaption). Used by `rnn train --task caption`, `rnn eval` of a caption model, `rnn report` and
// `rnn demo captions`.
using Recurrent.Captioning;
using Recurrent.Vision;

namespace Recurrent.Cli.Commands;

internal static class CaptionImageData
{
    /// <summary>
    /// The grid a model was trained on, from the feature description its file stores (so predict, eval, report and
    /// resume compute the same features); UserFacingException naming <paramref name="file"/> for any other features.
    /// </summary>
    public static ResNet18Grid GridOf(string? features, string file) =>
        ResNet18Grid.FromDescription(features) ?? throw new UserFacingException(
            $"'{file}' was trained on features from '{features}'; this rnn computes ResNet18 features of the " +
            $"{string.Join(" or ", ResNet18Grid.All.Select(g => g.Name))} grid only.");

    /// <summary>
    /// The position vectors that suit a grid, as measured on the captions demo (docs/captioning.md): one per region on
    /// the 7×7 grid, one per row and per column on the 14×14 grid (196 separate vectors each see too few objects).
    /// </summary>
    public static Recurrent.Seq2Seq.RegionPositionKind DefaultPositions(ResNet18Grid grid) =>
        grid == ResNet18Grid.Stage3 ? Recurrent.Seq2Seq.RegionPositionKind.RowColumn : Recurrent.Seq2Seq.RegionPositionKind.PerRegion;

    /// <summary>The position vectors named by --positions (region, rowcol or none); UserFacingException otherwise.</summary>
    public static Recurrent.Seq2Seq.RegionPositionKind ParsePositions(string name) => name.ToLowerInvariant() switch
    {
        "region" => Recurrent.Seq2Seq.RegionPositionKind.PerRegion,
        "rowcol" => Recurrent.Seq2Seq.RegionPositionKind.RowColumn,
        "none" => Recurrent.Seq2Seq.RegionPositionKind.None,
        _ => throw new UserFacingException($"--positions must be region, rowcol or none, got '{name}'."),
    };

    /// <summary>The grid named by --grid ("7x7" or "14x14"); UserFacingException otherwise.</summary>
    public static ResNet18Grid ParseGrid(string name) =>
        ResNet18Grid.FromName(name) ?? throw new UserFacingException(
            $"--grid must be {string.Join(" or ", ResNet18Grid.All.Select(g => g.Name))}, got '{name}'.");

    /// <summary>
    /// The captioned images of <paramref name="captionsPath"/> (file name&lt;TAB&gt;caption lines) in
    /// <paramref name="imagesDirectory"/>, with features cached in <paramref name="cacheDirectory"/> (null: computed
    /// and not kept), of <paramref name="grid"/>. Throws UserFacingException for anything wrong with the files.
    /// </summary>
    public static IReadOnlyList<CaptionedImage> Load(string imagesDirectory, string captionsPath, string? cacheDirectory, bool quiet, ResNet18Grid grid)
    {
        var set = Match(imagesDirectory, captionsPath);
        using var model = OpenModel(grid);
        string cache = cacheDirectory ?? Directory.CreateTempSubdirectory("rnn-features-").FullName;
        try
        {
            var features = Map(() => FeatureExtraction.ForCaptionImages(set, cache, model, Progress(quiet, "features")));
            return set.Images.Select((image, i) => new CaptionedImage(image.Name, features[i].Pooled, features[i].Grid,
                image.Captions.Select(c => c.Caption).ToList())).ToList();
        }
        finally
        {
            if (cacheDirectory is null) Directory.Delete(cache, recursive: true);
        }
    }

    /// <summary>The captions file read and matched to the folder; UserFacingException naming file and line otherwise.</summary>
    public static CaptionImageSet Match(string imagesDirectory, string captionsPath)
    {
        if (!Directory.Exists(imagesDirectory))
            throw new UserFacingException($"the images folder '{Path.GetFullPath(imagesDirectory)}' does not exist.");
        if (!File.Exists(captionsPath))
            throw new UserFacingException($"the captions file '{Path.GetFullPath(captionsPath)}' does not exist.");
        var lines = Map(() => CaptionsFile.Read(captionsPath));
        // A caption of punctuation alone has no word to learn or score: refused here, with its line, before any work.
        foreach (var line in lines)
            if (CaptionVocabulary.Tokenize(line.Caption).Count == 0)
                throw new UserFacingException($"{captionsPath}:{line.Line}: the caption '{line.Caption}' has no word (letters or digits); fix or remove the line.");
        return Map(() => CaptionImages.Match(lines, imagesDirectory, captionsPath));
    }

    /// <summary>The ResNet18 of the NuGet package (copied beside rnn at build time) giving <paramref name="grid"/>;
    /// UserFacingException when it is missing.</summary>
    public static ResNet18Features OpenModel(ResNet18Grid grid) => Map(() => new ResNet18Features(grid: grid));

    /// <summary>A progress reporter that rewrites one stderr line ("features: 120/1,500 images"), or nothing when quiet.</summary>
    public static IProgress<(int Done, int Total)>? Progress(bool quiet, string what)
    {
        if (quiet) return null;
        bool terminal = !Console.IsErrorRedirected;
        int lastTenth = -1;
        // Synchronous (not Progress<T>, which posts to the thread pool): lines come out in order, before the next output.
        return new SynchronousProgress<(int Done, int Total)>(p =>
        {
            if (p.Total == 0) return;
            int tenth = p.Done * 10 / p.Total;
            if (terminal) Console.Error.Write($"\r{what}: {p.Done:N0}/{p.Total:N0} images through ResNet18" + (p.Done == p.Total ? "\n" : ""));
            else if (tenth != lastTenth && (tenth > lastTenth || p.Done == p.Total))
                Console.Error.WriteLine($"{what}: {p.Done:N0}/{p.Total:N0} images through ResNet18");
            lastTenth = tenth;
        });
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private static T Map<T>(Func<T> action)
    {
        try { return action(); }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new UserFacingException(e.Message.TrimEnd());
        }
        catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException e)
        {
            throw new UserFacingException($"ONNX Runtime could not run the ResNet18 model: {e.Message.TrimEnd()}");
        }
    }
}
