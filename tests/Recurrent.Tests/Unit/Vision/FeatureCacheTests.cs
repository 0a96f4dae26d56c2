// FeatureCacheTests: features through the run directory's cache. A second call computes nothing (counted by the
// model's internal counter), a touched image is recomputed, a damaged cache file is ignored and rewritten, cached
// features equal fresh ones; unreadable images are refused for training (after the others are cached) and skipped,
// with reasons, when a folder is computed for prediction.
using Recurrent.Vision;
using SkiaSharp;

namespace Recurrent.Tests.Vision;

public sealed class FeatureCacheTests : IClassFixture<ResNet18FeaturesTests.Model>, IDisposable
{
    private readonly ResNet18Features _model, _stage3;
    private readonly string _dir = Directory.CreateTempSubdirectory("recurrent-feature-cache-").FullName;
    private readonly string _images, _run;

    public FeatureCacheTests(ResNet18FeaturesTests.Model model)
    {
        (_model, _stage3) = (model.Features, model.Stage3);
        _images = Directory.CreateDirectory(Path.Combine(_dir, "images")).FullName;
        _run = Path.Combine(_dir, "run");
        using (var a = TestImages.Circle(SKColors.Red)) TestImages.SavePng(a, Path.Combine(_images, "circle.png"));
        using (var b = TestImages.Square(SKColors.Blue, 120, 90)) TestImages.SavePng(b, Path.Combine(_images, "square.png"));
        Directory.CreateDirectory(Path.Combine(_images, "sub"));
        using (var c = TestImages.Scene()) TestImages.SavePng(c, Path.Combine(_images, "sub", "scene.png"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Names = ["circle.png", "square.png", "sub/scene.png"];

    private (IReadOnlyList<ImageFeatures> Features, int Computed) Run(IReadOnlyList<string> names)
    {
        int before = _model.ImagesComputed;
        var features = FeatureExtraction.ForImages(names, _images, _run, _model);
        return (features, _model.ImagesComputed - before);
    }

    [Fact]
    public void A_second_call_computes_nothing_and_returns_the_fresh_features()
    {
        var reports = new List<(int, int)>();
        int before = _model.ImagesComputed;
        var first = FeatureExtraction.ForImages(Names, _images, _run, _model, new SyncProgress(reports));
        Assert.Equal(3, _model.ImagesComputed - before);
        Assert.Equal((3, 3), reports[^1]);
        Assert.True(File.Exists(Path.Combine(_run, FeatureCache.FileName)));

        var (second, computed) = Run(Names);
        Assert.Equal(0, computed);
        for (int i = 0; i < Names.Length; i++)
        {
            using var bitmap = ImageFiles.Decode(Path.Combine(_images, Names[i]));
            var fresh = _model.Compute(bitmap);
            Assert.Equal(fresh.Pooled, second[i].Pooled);
            Assert.Equal(fresh.Grid, second[i].Grid);
            Assert.Equal(first[i].Pooled, second[i].Pooled);
        }
        // Order and repeats follow the request.
        var (reordered, again) = Run(["sub/scene.png", "circle.png", "sub/scene.png"]);
        Assert.Equal(0, again);
        Assert.Equal(second[2].Pooled, reordered[0].Pooled);
        Assert.Equal(second[0].Pooled, reordered[1].Pooled);
        Assert.Equal(second[2].Pooled, reordered[2].Pooled);
    }

    [Fact]
    public void A_changed_image_is_recomputed()
    {
        var (first, _) = Run(Names);
        using (var green = TestImages.Circle(SKColors.Green)) TestImages.SavePng(green, Path.Combine(_images, "circle.png"));
        File.SetLastWriteTimeUtc(Path.Combine(_images, "circle.png"), DateTime.UtcNow.AddMinutes(1));
        var (second, computed) = Run(Names);
        Assert.Equal(1, computed);
        Assert.NotEqual(first[0].Pooled, second[0].Pooled);
        Assert.Equal(first[1].Pooled, second[1].Pooled);
        Assert.Equal(0, Run(Names).Computed);
    }

    [Fact]
    public void A_damaged_cache_file_is_ignored_recomputed_and_rewritten()
    {
        var (first, _) = Run(Names);
        string file = Path.Combine(_run, FeatureCache.FileName);
        byte[] bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 3)]);
        Assert.NotNull(FeatureCache.Load(_run, ResNet18Grid.Last).IgnoredReason);
        var (second, computed) = Run(Names);
        Assert.Equal(3, computed);
        for (int i = 0; i < Names.Length; i++) Assert.Equal(first[i].Grid, second[i].Grid);
        Assert.Null(FeatureCache.Load(_run, ResNet18Grid.Last).IgnoredReason);
        Assert.Equal(0, Run(Names).Computed);

        File.WriteAllText(file, "garbage");
        Assert.Equal(3, Run(Names).Computed);
    }

    [Fact]
    public void Features_of_the_other_grid_are_not_used_but_recomputed_with_their_own_shape()
    {
        Run(Names);
        var other = FeatureCache.Load(_run, ResNet18Grid.Stage3);
        Assert.Equal(0, other.Count);
        Assert.Contains("another model", other.IgnoredReason);
        // Computing the 14x14 features into the same directory replaces the cache; then the 7x7 ones are recomputed.
        int before = _stage3.ImagesComputed;
        var fine = FeatureExtraction.ForImages(Names, _images, _run, _stage3);
        Assert.Equal(Names.Length, _stage3.ImagesComputed - before);
        Assert.All(fine, f => Assert.Equal((256, 196 * 256), (f.Pooled.Length, f.Grid.Length)));
        Assert.Equal(Names.Length, FeatureCache.Load(_run, ResNet18Grid.Stage3).Count);
        before = _stage3.ImagesComputed;
        var again = FeatureExtraction.ForImages(Names, _images, _run, _stage3);
        Assert.Equal(0, _stage3.ImagesComputed - before);
        Assert.Equal(fine[2].Grid, again[2].Grid);
        var (coarse, computed) = Run(Names);
        Assert.Equal(Names.Length, computed);
        Assert.All(coarse, f => Assert.Equal((512, 49 * 512), (f.Pooled.Length, f.Grid.Length)));
        // Features of the wrong shape for the cache's grid are refused, naming the grid.
        var cache = FeatureCache.Load(_run, ResNet18Grid.Last);
        var error = Assert.Throws<ArgumentException>(() => cache.Set(ImageFileKey.Of(_images, "circle.png"), fine[0]));
        Assert.Contains("7x7", error.Message);
    }

    [Fact]
    public void Unreadable_images_are_refused_for_training_after_the_others_are_cached()
    {
        File.WriteAllText(Path.Combine(_images, "broken.png"), "not a png");
        string captions = Path.Combine(_dir, "captions.tsv");
        File.WriteAllText(captions, "circle.png\ta red circle\nbroken.png\tnothing\nbroken.png\tstill nothing\nsquare.png\ta blue square\n");
        var set = CaptionImages.Match(CaptionsFile.Read(captions), _images, captions);
        var e = Assert.Throws<InvalidDataException>(() => FeatureExtraction.ForCaptionImages(set, _run, _model));
        Assert.Contains("1 image is not readable", e.Message);
        Assert.Contains($"'broken.png' ({captions}:2)", e.Message);
        Assert.Equal(2, FeatureCache.Load(_run, ResNet18Grid.Last).Count);
    }

    [Fact]
    public void Computing_a_folder_skips_unreadable_and_non_image_files_with_reasons()
    {
        File.WriteAllText(Path.Combine(_images, "broken.jpg"), "not a jpeg");
        File.WriteAllText(Path.Combine(_images, "readme.txt"), "notes");
        var skipped = new List<(string Name, string Reason)>();
        var features = FeatureExtraction.ComputeFolder(_images, _model, skipped);
        Assert.Equal(["circle.png", "square.png"], features.Select(f => f.Name));
        Assert.Equal(["readme.txt", "broken.jpg"], skipped.Select(s => s.Name));
        Assert.Contains("not an image file name", skipped[0].Reason);
        Assert.Contains("not a readable image", skipped[1].Reason);
        Assert.False(File.Exists(Path.Combine(_images, FeatureCache.FileName)));
    }

    /// <summary>IProgress that records synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(List<(int, int)> reports) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => reports.Add(value);
    }
}
