// Captioning on the fit loop with synthetic features (no images, no CNN): eight classes of random pooled vectors,
// each with its own caption, are learned well enough to caption held-out images of the same classes (val BLEU-4 >
// 0.9); with attention, the caption names WHICH region of a 3×3 grid holds the object — information the pooled
// vector (the mean over regions, as a CNN's global pooling) does not have — and the attending model learns it and
// looks at that region. The model file round trip gives identical captions and attention maps; a run stopped and
// resumed from its checkpoint ends bit-identical to one that was never stopped; bad inputs are named.
using Recurrent.Captioning;
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Serialization;
using Recurrent.Training;
using Recurrent.Training.Callbacks;
using Recurrent.Tests.Data;
using Recurrent.Tests.Support;
using Xunit.Abstractions;

namespace Recurrent.Tests.Captioning;

public sealed class CaptionRunTests(ITestOutputHelper log)
{
    private static readonly string[] ClassCaptions =
    [
        "a red circle on a white table",
        "two blue squares left of a green triangle",
        "a small yellow star above the blue line",
        "three green dots in a row",
        "a large black square in the middle",
        "one red triangle below two circles",
        "a blue circle next to a red square",
        "many small dots around a yellow star",
    ];

    // Eight classes of pooled vectors (F) = class prototype + uniform noise; no grid.
    internal static List<CaptionedImage> PooledClasses(int perClass, ulong seed, int features = 12)
    {
        var rng = new Rng(seed);
        var prototypes = Enumerable.Range(0, ClassCaptions.Length)
            .Select(_ => Enumerable.Range(0, features).Select(_ => (float)rng.Uniform(0, 3)).ToArray()).ToArray();
        var images = new List<CaptionedImage>();
        for (int i = 0; i < perClass * ClassCaptions.Length; i++)
        {
            int k = i % ClassCaptions.Length;
            float[] pooled = prototypes[k].Select(v => v + (float)rng.Uniform(-0.3, 0.3)).ToArray();
            images.Add(new CaptionedImage($"img{i:D3}.png", pooled, null, [ClassCaptions[k]]));
        }
        return images;
    }

    private static readonly string[] Corners = ["top left", "top right", "bottom left", "bottom right"];
    private static readonly int[] CornerRegions = [0, 2, 6, 8];
    private const int Regions = 9;

    // A 3×3 grid (R = 9, region-major): every region has its location code (a fixed vector per region, as a CNN's
    // map carries where it looks) plus noise; one corner region also holds a shape's signal. The pooled vector is
    // the mean over regions: it tells the shape but not the corner. Caption: "a red circle in the top left corner".
    internal static List<CaptionedImage> GridScenes(int count, ulong seed, int features = 8)
    {
        var rng = new Rng(seed);
        float[][] Vectors(int n, double range) => Enumerable.Range(0, n)
            .Select(_ => Enumerable.Range(0, features).Select(_ => (float)rng.Uniform(-range, range)).ToArray()).ToArray();
        float[][] location = Vectors(Regions, 1.0), shapes = Vectors(2, 2.0);
        string[] shapeWords = ["red circle", "blue square"];
        var images = new List<CaptionedImage>();
        for (int i = 0; i < count; i++)
        {
            int shape = i % 2, corner = (i / 2) % 4;
            var grid = new float[Regions * features];
            for (int j = 0; j < Regions; j++)
                for (int c = 0; c < features; c++)
                    grid[j * features + c] = location[j][c] + (j == CornerRegions[corner] ? shapes[shape][c] : 0) + (float)rng.Uniform(-0.2, 0.2);
            var pooled = new float[features];
            for (int j = 0; j < Regions; j++)
                for (int c = 0; c < features; c++) pooled[c] += grid[j * features + c] / Regions;
            images.Add(new CaptionedImage($"scene{i:D3}.png", pooled, grid, [$"a {shapeWords[shape]} in the {Corners[corner]} corner"]));
        }
        return images;
    }

    private static CaptionOptions Options(AttentionKind attention, FitOptions fit, double learningRate = 0.01) => new()
    {
        EmbeddingSize = 16, HiddenSize = 32, Attention = attention, MaxLength = 10, BatchSize = 16,
        Optimization = new OptimizationOptions { LearningRate = learningRate, ClipNorm = 5 },
        Fit = fit, ValidationFraction = 0.25, Seed = 3,
    };

    private static CaptionDataSpec Data => new() { Features = "synthetic" };

    // Corpus BLEU of the captioner's greedy captions of the held-out images against their references.
    private static BleuScore HeldOutBleu(Captioner captioner, IReadOnlyList<CaptionedImage> validation, int beam = 1) =>
        Bleu.Corpus(validation.Select(i => (IReadOnlyList<IReadOnlyList<string>>)i.Captions.Select(c => (IReadOnlyList<string>)CaptionVocabulary.Tokenize(c)).ToList()).ToList(),
            validation.Select(i => (IReadOnlyList<string>)CaptionVocabulary.Tokenize(captioner.Caption(i.Pooled, i.Grid, beam).Text)).ToList());

    [Fact]
    public void LearnsToCaptionHeldOutImagesFromThePooledVector()
    {
        using var dir = new TempDirectory();
        var images = PooledClasses(20, 7);
        double lastBleu4 = double.NaN;
        var run = CaptionRun.Start(Options(AttentionKind.None, new FitOptions { Epochs = 12, Patience = 100 }), images, Data, Path.Combine(dir.Path, "run"),
            [new LambdaCallback { Evaluated = e =>
            {
                lastBleu4 = e.Evaluation["val_bleu4"]!.Value;
                log.WriteLine($"step {e.Step} {string.Join(" ", e.Evaluation.Metrics.Select(m => $"{m.Key} {m.Value:F4}"))}");
            } }]);
        Assert.Equal(120, run.TrainImages);
        Assert.Equal(40, run.ValidationImages);
        run.Run();
        var validation = CaptionData.Split(images, 0.25, 3).Validation;
        var bleu = HeldOutBleu(run.Captioner, validation);
        var beamed = HeldOutBleu(run.Captioner, validation, beam: 3);
        log.WriteLine($"greedy {bleu}; beam 3 {beamed}");
        Assert.True(bleu[4] > 0.9, bleu.ToString());
        Assert.True(beamed[4] > 0.9, beamed.ToString());
        Assert.Null(run.Captioner.Caption(validation[0].Pooled, null).Attention);

        // The last evaluation (at the last epoch's end) measured the final weights' BLEU the same way.
        Assert.Equal(bleu[4], lastBleu4, 1e-12);
    }

    [Fact]
    public void WithAttentionLearnsWhichRegionHoldsTheObjectAndLooksThere()
    {
        using var dir = new TempDirectory();
        var images = GridScenes(160, 9);
        var run = CaptionRun.Start(Options(AttentionKind.Bahdanau, new FitOptions { Epochs = 16, Patience = 100 }), images, Data, Path.Combine(dir.Path, "run"),
            [new LambdaCallback { Evaluated = e => log.WriteLine($"step {e.Step} {string.Join(" ", e.Evaluation.Metrics.Select(m => $"{m.Key} {m.Value:F4}"))}") }]);
        Assert.Equal(Regions, run.Model.Config.Regions);
        run.Run();
        var validation = CaptionData.Split(images, 0.25, 3).Validation;
        var bleu = HeldOutBleu(run.Captioner, validation);
        log.WriteLine($"greedy {bleu}");
        Assert.True(bleu[4] > 0.9, bleu.ToString());

        // Where it looked while naming the corner ("top"/"bottom"): the weights of that step peak at the object's region.
        int looked = 0;
        foreach (var image in validation)
        {
            var caption = run.Captioner.Caption(image.Pooled, image.Grid);
            Assert.NotNull(caption.Attention);
            int steps = caption.Attention!.Length / Regions;
            Assert.True(steps == caption.Ids.Length || steps == caption.Ids.Length + 1);
            for (int t = 0; t < steps; t++) Assert.Equal(1.0, caption.Attention.AsSpan(t * Regions, Regions).ToArray().Sum(), 1e-4);
            string[] words = caption.Text.Split(' ');
            int at = Array.FindIndex(words, w => w is "top" or "bottom");
            string truth = image.Captions[0];
            int corner = Array.FindIndex(Corners, c => truth.Contains(c, StringComparison.Ordinal));
            if (at < 0) continue;
            var row = caption.Attention.AsSpan(at * Regions, Regions).ToArray();
            if (Array.IndexOf(row, row.Max()) == CornerRegions[corner]) looked++;
        }
        log.WriteLine($"peak attention on the object's region when naming the corner: {looked}/{validation.Count}");
        Assert.True(looked >= validation.Count * 3 / 4, $"{looked}/{validation.Count}");

        // The grid matters: without attention the same budget cannot name the corner (the pooled vector does not tell it).
        var blind = CaptionRun.Start(Options(AttentionKind.None, new FitOptions { Epochs = 16, Patience = 100 }), images, Data, Path.Combine(dir.Path, "blind"));
        blind.Run();
        var blindBleu = HeldOutBleu(blind.Captioner, validation);
        log.WriteLine($"without attention {blindBleu}");
        Assert.True(blindBleu[4] < 0.8, blindBleu.ToString());
    }

    [Fact]
    public void TheModelFileRoundTripGivesIdenticalCaptionsAndAttention()
    {
        using var dir = new TempDirectory();
        var images = GridScenes(48, 4);
        var run = CaptionRun.Start(Options(AttentionKind.Luong, new FitOptions { Steps = 12, EvalEvery = 6 }), images, Data, Path.Combine(dir.Path, "run"));
        run.Run();
        string path = Path.Combine(dir.Path, "model.safetensors");
        CaptionFile.Save(path, run.Captioner);
        var loaded = CaptionFile.Load(path);
        var fromCheckpoint = CaptionFile.Load(run.RunDirectory.Last);
        Assert.Equal("synthetic", loaded.Features);
        Assert.Equal(run.Vocabulary.ToJson(), loaded.Vocabulary.ToJson());
        Assert.Equal(run.Captioner.Standardisation.Grid!.Mean, loaded.Standardisation.Grid!.Mean);
        Assert.Equal("caption", Recurrent.Applications.TaskDescription.KindOf(path));
        foreach (var image in images.Take(10))
            foreach (int beam in new[] { 1, 3 })
            {
                var a = run.Captioner.Caption(image.Pooled, image.Grid, beam);
                var b = loaded.Caption(image.Pooled, image.Grid, beam);
                var c = fromCheckpoint.Caption(image.Pooled, image.Grid, beam);
                Assert.Equal(a.Text, b.Text);
                Assert.Equal(a.Ids, b.Ids);
                Assert.Equal(a.LogProbability, b.LogProbability);
                Assert.Equal(a.Attention, b.Attention);
                Assert.Equal(a.Text, c.Text);
            }
        // A caption model is not a seq2seq model, and says so.
        var e = Assert.Throws<InvalidDataException>(() => Recurrent.Seq2Seq.Seq2SeqFile.Load(path));
        Assert.Contains("'caption' model", e.Message);
    }

    [Theory]
    [InlineData(7, AttentionKind.None)]
    [InlineData(10, AttentionKind.Luong)]
    [InlineData(5, AttentionKind.Bahdanau)]
    public void StopAndResumeGivesBitIdenticalLossesWeightsAndMoments(int stopAt, AttentionKind attention)
    {
        const int Total = 16;
        using var dir = new TempDirectory();
        var images = attention == AttentionKind.None ? PooledClasses(8, 5) : GridScenes(64, 5);
        CaptionOptions Spec(long steps) => Options(attention, new FitOptions { Steps = steps, EvalEvery = 4, LogEvery = 3 }) with
        {
            Optimization = new OptimizationOptions { LearningRate = 0.01, Schedule = LearningRateScheduleKind.StepDecay, LrDecay = 0.8, LrDecayAfter = 1 },
        };

        string fullDir = Path.Combine(dir.Path, "full");
        var full = CaptionRun.Start(Spec(Total), images, Data, fullDir);
        var fullSteps = ResumeAssert.Record(full.Loop);
        Assert.Equal(Total, full.Run().Step);

        string splitDir = Path.Combine(dir.Path, "split");
        var first = CaptionRun.Start(Spec(stopAt), images, Data, splitDir);
        var firstSteps = ResumeAssert.Record(first.Loop);
        first.Run();
        int reloads = 0;
        var second = CaptionRun.Resume(splitDir, spec =>
        {
            reloads++;
            Assert.Equal("synthetic", spec.Data.Features);
            return images;
        }, Spec(Total).Fit);
        Assert.Equal(1, reloads);
        Assert.Equal(stopAt, second.Loop.Step);
        var secondSteps = ResumeAssert.Record(second.Loop);
        Assert.Equal(Total, second.Run().Step);

        ResumeAssert.SameSteps(fullSteps, firstSteps.Concat(secondSteps).ToList(), Total, gradientNorms: false);
        var a = ModelFile.Read(Path.Combine(fullDir, RunDirectory.LastFile));
        var b = ModelFile.Read(Path.Combine(splitDir, RunDirectory.LastFile));
        ResumeAssert.SameTensors(a.Parameters, b.Parameters);
        ResumeAssert.SameTensors(a.OptimizerState, b.OptimizerState);
        Assert.Equal(Total, b.OptimizerSteps);
        long[] logged = MetricsLog.Read(Path.Combine(splitDir, RunDirectory.MetricsFile)).Select(r => r.Step).ToArray();
        Assert.True(logged.Distinct().Count() == logged.Length, "a step was logged twice");
    }

    [Fact]
    public void LongCaptionsAreCutToMaxLengthAndCounted()
    {
        using var dir = new TempDirectory();
        var images = PooledClasses(2, 6); // 16 captions of 5 to 8 words
        var run = CaptionRun.Start(Options(AttentionKind.None, new FitOptions { Steps = 1 }) with { MaxLength = 6 }, images, Data, Path.Combine(dir.Path, "run"));
        int longer = images.Count(i => CaptionVocabulary.Tokenize(i.Captions[0]).Count > 6);
        Assert.True(longer > 0 && longer < images.Count);
        Assert.Equal(longer, run.TruncatedCaptions);
        Assert.Equal(images.Count, run.TrainCount + run.ValidationCount);
        run.Run();
        Assert.True(run.Captioner.Caption(images[0].Pooled, null).Ids.Length <= 6);
    }

    [Fact]
    public void BadInputsAreNamed()
    {
        using var dir = new TempDirectory();
        var images = PooledClasses(2, 1);
        string Run(string name) => Path.Combine(dir.Path, name);
        var fit = new FitOptions { Steps = 1 };

        var wrongSize = images.Select((i, k) => k == 5 ? i with { Pooled = new float[7] } : i).ToList();
        var e = Assert.Throws<ArgumentException>(() => CaptionRun.Start(Options(AttentionKind.None, fit), wrongSize, Data, Run("a")));
        Assert.Contains("image 6 ('img005.png') has a pooled vector of 7 values; expected 12", e.Message);

        var noCaptions = images.Select((i, k) => k == 3 ? i with { Captions = [] } : i).ToList();
        e = Assert.Throws<ArgumentException>(() => CaptionRun.Start(Options(AttentionKind.None, fit), noCaptions, Data, Run("b")));
        Assert.Contains("image 4 ('img003.png') has no caption", e.Message);

        var emptyCaption = images.Select((i, k) => k == 2 ? i with { Captions = ["..."] } : i).ToList();
        e = Assert.Throws<ArgumentException>(() => CaptionRun.Start(Options(AttentionKind.None, fit), emptyCaption, Data, Run("c")));
        Assert.Contains("caption 1 (\"...\") has no word", e.Message);

        Assert.Throws<ArgumentException>(() => CaptionRun.Start(Options(AttentionKind.None, fit), [], Data, Run("d")));
        e = Assert.Throws<ArgumentException>(() => CaptionRun.Start(Options(AttentionKind.Luong, fit), images, Data, Run("e")));
        Assert.Contains("grid of 0 values", e.Message);

        var scenes = GridScenes(16, 2);
        var badGrid = scenes.Select((i, k) => k == 9 ? i with { Grid = new float[5 * 8] } : i).ToList();
        e = Assert.Throws<ArgumentException>(() => CaptionRun.Start(Options(AttentionKind.Luong, fit), badGrid, Data, Run("f")));
        Assert.Contains("image 10 ('scene009.png') has a grid of 40 values; attention needs (R,F) = 9*8", e.Message);

        var nonFinite = scenes.Select((i, k) => k == 4 ? i with { Grid = i.Grid!.Select((v, j) => j == 17 ? float.NaN : v).ToArray() } : i).ToList();
        e = Assert.Throws<ArgumentException>(() => CaptionRun.Start(Options(AttentionKind.Luong, fit), nonFinite, Data, Run("h")));
        Assert.Contains("image 5 ('scene004.png') has a non-finite grid feature (NaN)", e.Message);

        var run = CaptionRun.Start(Options(AttentionKind.Luong, fit), scenes, Data, Run("g"));
        e = Assert.Throws<ArgumentException>(() => run.Captioner.Caption(new float[3], scenes[0].Grid));
        Assert.Contains("pooled has 3 values; the model reads 8", e.Message);
        e = Assert.Throws<ArgumentException>(() => run.Captioner.Caption(scenes[0].Pooled, null));
        Assert.Contains("grid has 0 values", e.Message);
        Assert.Throws<ArgumentException>(() => run.Captioner.Caption(scenes[0].Pooled, scenes[0].Grid, beam: 0));
    }
}
