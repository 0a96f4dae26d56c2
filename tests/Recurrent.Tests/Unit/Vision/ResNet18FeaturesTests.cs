// ResNet18FeaturesTests: the pretrained ResNet18 through ONNX Runtime. The pooled vector is the mean of the grid's 49
// regions (so the grid output is the tensor the network pools, region-major as documented); features are
// deterministic, a batch gives what single images give, different pictures give different features, any picture
// size works, and a missing model file is a FileNotFoundException that says where the file comes from. The 14x14
// grid (ResNet18Grid.Stage3) has its shape, its mean as the pooled vector, and keeps where a small shape is.
using Microsoft.ML.OnnxRuntime;
using Recurrent.Vision;
using SkiaSharp;

namespace Recurrent.Tests.Vision;

public sealed class ResNet18FeaturesTests : IClassFixture<ResNet18FeaturesTests.Model>
{
    /// <summary>One loaded model for the class (loading takes about a second).</summary>
    public sealed class Model : IDisposable
    {
        public ResNet18Features Features { get; } = new();
        public ResNet18Features Stage3 { get; } = new(grid: ResNet18Grid.Stage3);
        public void Dispose() { Features.Dispose(); Stage3.Dispose(); }
    }

    private readonly ResNet18Features _model, _stage3;
    private static readonly int Channels = ResNet18Grid.Last.Channels, Regions = ResNet18Grid.Last.Regions;
    public ResNet18FeaturesTests(Model model) => (_model, _stage3) = (model.Features, model.Stage3);

    private static double MaxRelativeDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double scale = Math.Max(a.Max(Math.Abs), b.Max(Math.Abs));
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]) / scale);
        return worst;
    }

    [Fact]
    public void Pooled_is_the_mean_of_the_grid_regions()
    {
        using var image = TestImages.Scene();
        var features = _model.Compute(image);
        Assert.Equal(Channels, features.Pooled.Length);
        Assert.Equal(Regions * Channels, features.Grid.Length);
        var mean = new float[Channels];
        for (int r = 0; r < Regions; r++)
            for (int c = 0; c < Channels; c++) mean[c] += features.Grid[r * Channels + c] / Regions;
        Assert.True(MaxRelativeDifference(features.Pooled, mean) < 1e-4, $"pooled vs grid mean: {MaxRelativeDifference(features.Pooled, mean)}");
        // The grid varies over regions (a transposed read would still average right only by accident of constant rows).
        Assert.True(features.Pooled.Count(v => v > 0) > 50, "the pooled ReLU features should not be mostly zero");
        double regionSpread = Enumerable.Range(0, Channels)
            .Max(c => Enumerable.Range(0, Regions).Select(r => features.Grid[r * Channels + c]).Max()
                      - Enumerable.Range(0, Regions).Select(r => features.Grid[r * Channels + c]).Min());
        Assert.True(regionSpread > 0.1, $"regions should differ (largest spread {regionSpread})");
    }

    [Fact]
    public void The_default_grid_is_the_last_stage_7x7x512()
    {
        Assert.Same(ResNet18Grid.Last, _model.Grid);
        Assert.Equal((7, 49, 512), (ResNet18Grid.Last.Side, ResNet18Grid.Last.Regions, ResNet18Grid.Last.Channels));
        Assert.Equal((14, 196, 256), (ResNet18Grid.Stage3.Side, ResNet18Grid.Stage3.Regions, ResNet18Grid.Stage3.Channels));
        Assert.NotEqual(ResNet18Grid.Last.Description, ResNet18Grid.Stage3.Description);
        foreach (var grid in ResNet18Grid.All)
        {
            Assert.Same(grid, ResNet18Grid.FromDescription(grid.Description));
            Assert.Same(grid, ResNet18Grid.FromName(grid.Name));
            Assert.Same(grid, ResNet18Grid.FromName(grid.Name.ToUpperInvariant()));
        }
        Assert.Null(ResNet18Grid.FromDescription("resnet50, pooled 2048"));
        Assert.Null(ResNet18Grid.FromName("28x28"));
    }

    [Fact]
    public void The_14x14_grid_has_256_channels_and_its_mean_is_the_pooled_vector()
    {
        using var image = TestImages.Scene();
        var features = _stage3.Compute(image);
        var grid = ResNet18Grid.Stage3;
        Assert.Equal(grid.Channels, features.Pooled.Length);
        Assert.Equal(grid.Regions * grid.Channels, features.Grid.Length);
        var mean = new float[grid.Channels];
        for (int r = 0; r < grid.Regions; r++)
            for (int c = 0; c < grid.Channels; c++) mean[c] += features.Grid[r * grid.Channels + c] / grid.Regions;
        Assert.True(MaxRelativeDifference(features.Pooled, mean) < 1e-4, $"pooled vs grid mean: {MaxRelativeDifference(features.Pooled, mean)}");
        Assert.All(features.Grid, v => Assert.True(float.IsFinite(v) && v >= 0));   // a ReLU's output
        // It is not the 7x7 map at another resolution: the same picture's 7x7 pooled vector has 512 other numbers.
        Assert.NotEqual(_model.Compute(image).Pooled.Length, features.Pooled.Length);
    }

    [Theory]
    [InlineData(ResNet18GridName.Last)]
    [InlineData(ResNet18GridName.Stage3)]
    public void The_grid_keeps_where_a_small_shape_is(ResNet18GridName which)
    {
        // A 40-pixel red disc in the top-left corner, then in the bottom-right one: the region whose features change
        // most from the blank picture must lie in the disc's quadrant (region-major, r = row * side + col).
        var model = which == ResNet18GridName.Last ? _model : _stage3;
        var grid = model.Grid;
        using var blank = DiscAt(-1, -1);
        using var topLeft = DiscAt(40, 40);
        using var bottomRight = DiscAt(184, 184);
        var features = model.Compute([blank, topLeft, bottomRight]);
        (int Row, int Col) MostChanged(ImageFeatures f)
        {
            int best = 0;
            double bestChange = -1;
            for (int r = 0; r < grid.Regions; r++)
            {
                double change = 0;
                for (int c = 0; c < grid.Channels; c++)
                {
                    double d = f.Grid[r * grid.Channels + c] - features[0].Grid[r * grid.Channels + c];
                    change += d * d;
                }
                if (change > bestChange) (bestChange, best) = (change, r);
            }
            return (best / grid.Side, best % grid.Side);
        }
        var a = MostChanged(features[1]);
        var b = MostChanged(features[2]);
        int half = grid.Side / 2;
        Assert.True(a.Row < half && a.Col < half, $"{grid.Name}: top-left disc changed region {a} most");
        Assert.True(b.Row >= half && b.Col >= half, $"{grid.Name}: bottom-right disc changed region {b} most");
    }

    public enum ResNet18GridName { Last, Stage3 }

    private static SKBitmap DiscAt(float x, float y)
    {
        var bitmap = new SKBitmap(new SKImageInfo(224, 224, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        if (x >= 0)
        {
            using var paint = new SKPaint { Color = SKColors.Red, IsAntialias = true };
            canvas.DrawCircle(x, y, 20, paint);
        }
        return bitmap;
    }

    [Fact]
    public void Same_image_gives_identical_features_and_a_batch_matches_single_images()
    {
        using var scene = TestImages.Scene();
        using var circle = TestImages.Circle(SKColors.Red);
        using var square = TestImages.Square(SKColors.Blue, 300, 200);
        var first = _model.Compute(scene);
        var second = _model.Compute(scene);
        Assert.Equal(first.Pooled, second.Pooled);
        Assert.Equal(first.Grid, second.Grid);

        var batch = _model.Compute([scene, circle, square]);
        SKBitmap[] singles = [scene, circle, square];
        for (int i = 0; i < singles.Length; i++)
        {
            var single = _model.Compute(singles[i]);
            Assert.True(MaxRelativeDifference(single.Pooled, batch[i].Pooled) < 1e-5, $"image {i} pooled: {MaxRelativeDifference(single.Pooled, batch[i].Pooled)}");
            Assert.True(MaxRelativeDifference(single.Grid, batch[i].Grid) < 1e-5, $"image {i} grid: {MaxRelativeDifference(single.Grid, batch[i].Grid)}");
        }
    }

    [Fact]
    public void A_batch_longer_than_the_largest_run_is_split()
    {
        var images = Enumerable.Range(0, ResNet18Features.MaxBatch + 2).Select(i => i % 2 == 0 ? TestImages.Circle(SKColors.Red) : TestImages.Square(SKColors.Blue)).ToList();
        try
        {
            var features = _model.Compute(images);
            Assert.Equal(images.Count, features.Count);
            Assert.True(MaxRelativeDifference(features[0].Pooled, features[ResNet18Features.MaxBatch].Pooled) < 1e-5);
            Assert.True(MaxRelativeDifference(features[1].Pooled, features[ResNet18Features.MaxBatch + 1].Pooled) < 1e-5);
        }
        finally { foreach (var image in images) image.Dispose(); }
    }

    [Fact]
    public void Different_images_give_clearly_different_pooled_vectors()
    {
        using var circle = TestImages.Circle(SKColors.Red);
        using var square = TestImages.Square(SKColors.Blue);
        var a = _model.Compute(circle).Pooled;
        var b = _model.Compute(square).Pooled;
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        double cosine = dot / Math.Sqrt(na * nb);
        Assert.True(MaxRelativeDifference(a, b) > 0.1, $"largest relative difference {MaxRelativeDifference(a, b)}");
        Assert.True(cosine < 0.95, $"cosine similarity of a red circle and a blue square: {cosine}");
    }

    [Fact]
    public void A_non_square_image_of_another_size_works()
    {
        using var wide = TestImages.Scene(300, 200);
        using var large = TestImages.Scene(1000, 700);
        using var gray = new SKBitmap(new SKImageInfo(50, 80, SKColorType.Gray8, SKAlphaType.Opaque));
        gray.Erase(SKColors.Gray);
        foreach (var image in new[] { wide, large, gray })
        {
            var features = _model.Compute(image);
            Assert.Equal(Channels, features.Pooled.Length);
            Assert.All(features.Grid, v => Assert.True(float.IsFinite(v) && v >= 0));
        }
        // Drawn at another size, the same picture stays close to its 224x224 self.
        using var square = TestImages.Scene();
        using var bigger = TestImages.Scene(448, 448);
        var cosine = Cosine(_model.Compute(square).Pooled, _model.Compute(bigger).Pooled);
        Assert.True(cosine > 0.9, $"cosine of the scene at 224 and 448: {cosine}");
    }

    [Fact]
    public void Features_equal_the_package_graphs_run_as_ml_net_runs_them()
    {
        // ML.NET's DnnImageFeaturizer: RGB planes of 0..255 → ResNetPreprocess.onnx → ResNet18.onnx (batch 1).
        using var image = TestImages.Scene();
        var rgb = new float[3 * 224 * 224];
        for (int y = 0; y < 224; y++)
            for (int x = 0; x < 224; x++)
            {
                var color = image.GetPixel(x, y);
                rgb[y * 224 + x] = color.Red;
                rgb[224 * 224 + y * 224 + x] = color.Green;
                rgb[2 * 224 * 224 + y * 224 + x] = color.Blue;
            }
        string root = Path.GetDirectoryName(Path.GetDirectoryName(_model.ModelPath))!;
        using var preprocess = new InferenceSession(Path.Combine(root, "ResNetPrepOnnx", "ResNetPreprocess.onnx"));
        using var network = new InferenceSession(_model.ModelPath);
        using var input = OrtValue.CreateTensorValueFromMemory(rgb, [1, 3, 224, 224]);
        using var runOptions = new RunOptions();
        using var prepared = preprocess.Run(runOptions, ["OriginalInput"], [input], ["PreprocessedInput"]);
        using var pooled = network.Run(runOptions, ["Input247"], [prepared[0]], ["Pooling395_Output_0"]);
        float[] expected = pooled[0].GetTensorDataAsSpan<float>().ToArray();
        var actual = _model.Compute(image).Pooled;
        Assert.True(MaxRelativeDifference(expected, actual) < 1e-4, $"against the package's graphs: {MaxRelativeDifference(expected, actual)}");
    }

    [Fact]
    public void A_missing_model_file_says_where_it_looked_and_where_it_comes_from()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "ResNet18.onnx");
        var e = Assert.Throws<FileNotFoundException>(() => new ResNet18Features(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0", e.Message);
    }

    [Fact]
    public void The_default_model_is_copied_beside_the_application()
    {
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx"), _model.ModelPath);
        Assert.True(new FileInfo(_model.ModelPath).Length > 40_000_000);
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return dot / Math.Sqrt(na * nb);
    }
}
