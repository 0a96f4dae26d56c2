// The caption task through the real `rnn` commands on a small set of generated shape scenes (real ResNet18 features):
// `rnn train --task caption --images DIR --captions FILE` writes an ordinary run (metrics with val_bleu1..4, checkpoints,
// the feature cache); `rnn predict --images` captions a folder, skipping and naming what is not a picture (exit 2),
// and draws attention strips; `rnn eval` prints the BLEU that this test computes itself from predict's captions with
// the library's Bleu; `--resume` continues to the same weights as an uninterrupted run; `rnn report` shows the
// validation pictures with their captions; and the user's mistakes — a caption naming a missing picture, a file that
// is not a picture, a line without a tab — end in one message naming the file and line, exit code 2.
using System.Globalization;
using System.Text.RegularExpressions;
using Recurrent.Captioning;
using Recurrent.Serialization;
using Recurrent.Vision.Scenes;

namespace Recurrent.Tests.Cli;

public sealed class CaptionCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("caption-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // n scenes as scene-NN.png in DIR/images and their captions (all four wordings) in DIR/NAME.
    private (string Images, string Captions, IReadOnlyList<ShapeScene> Scenes) Scenes(int count, ulong seed, string name, string? images = null)
    {
        images ??= Path.Combine(_dir, "images");
        Directory.CreateDirectory(images);
        var scenes = ShapeScenes.Generate(count, seed);
        var lines = new List<string> { "image\tcaption" };
        for (int i = 0; i < scenes.Count; i++)
        {
            string file = $"s{seed}-{i:D2}.png";
            ShapeScenes.SavePng(scenes[i], Path.Combine(images, file));
            lines.AddRange(ShapeScenes.AllCaptions(scenes[i]).Select(c => $"{file}\t{c}"));
        }
        string captions = Path.Combine(_dir, name);
        File.WriteAllLines(captions, lines);
        return (images, captions, scenes);
    }

    private static string[] Train(string images, string captions, string run, params string[] more) =>
        ["train", "--task", "caption", "--images", images, "--captions", captions, "--hidden", "32", "--embedding", "16",
         "--attention", "luong", "--batch", "8", "--lr", "0.01", "--run-dir", run, "--quiet", .. more];

    [Fact]
    public void Train_predict_eval_resume_and_report_work_on_pictures()
    {
        var (images, captions, _) = Scenes(24, 1, "captions.tsv");
        string run = Path.Combine(_dir, "run");
        var r = CliRunner.Run(Train(images, captions, run, "--steps", "14", "--eval-every", "7", "--checkpoint-every", "5"));
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.True(File.Exists(Path.Combine(run, "image-features.safetensors")), "the features are cached in the run directory");
        string metrics = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));
        Assert.Contains("\"val_bleu4\"", metrics);
        Assert.Equal([49, 512], ModelFile.Read(Path.Combine(run, "last.safetensors")).Parameters.Single(t => t.Name == "position.weight").Shape);   // per region: the 7x7 default

        // Resume: 14 updates in one go equal 6, then --resume to 14 (the features come back from the cache).
        string split = Path.Combine(_dir, "split");
        Assert.Equal(0, CliRunner.Run(Train(images, captions, split, "--steps", "6", "--eval-every", "7", "--checkpoint-every", "5")).ExitCode);
        var resumed = CliRunner.Run("train", "--resume", split, "--steps", "14", "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        var a = ModelFile.Read(Path.Combine(run, "last.safetensors"));
        var b = ModelFile.Read(Path.Combine(split, "last.safetensors"));
        Assert.Equal(14, b.OptimizerSteps);
        foreach (var (x, y) in a.Parameters.Concat(a.OptimizerState).Zip(b.Parameters.Concat(b.OptimizerState)))
        {
            Assert.Equal(x.Name, y.Name);
            Assert.True(x.Data.Select(BitConverter.SingleToInt32Bits).SequenceEqual(y.Data.Select(BitConverter.SingleToInt32Bits)), $"{x.Name} differs");
        }

        // Predict a folder of new scenes with a file that is not a picture and one that cannot be decoded.
        var (newImages, newCaptions, _) = Scenes(6, 2, "test.tsv", Path.Combine(_dir, "new"));
        File.WriteAllText(Path.Combine(newImages, "notes.txt"), "not a picture");
        File.WriteAllBytes(Path.Combine(newImages, "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        string maps = Path.Combine(_dir, "maps");
        var p = CliRunner.Run("predict", run, "--images", newImages, "--attention-map", maps);
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("skipped 'notes.txt'", p.Stderr);
        Assert.Contains("skipped 'broken.png'", p.Stderr);
        Assert.Contains("2 of 8 files", p.Stderr);
        var predicted = p.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        Assert.Equal(6, predicted.Count);
        Assert.All(predicted, cells => Assert.Equal(2, cells.Length));
        Assert.Equal(6, Directory.GetFiles(maps, "*.attention.png").Length);

        // Eval over the same 6 pictures (their captions file; the broken files are not named in it) equals BLEU
        // computed here from predict's captions.
        File.Delete(Path.Combine(newImages, "broken.png"));
        var e = CliRunner.Run("eval", run, "--data", newCaptions, "--images", newImages, "--json");
        Assert.True(e.ExitCode == 0, e.Stdout + e.Stderr);
        var references = File.ReadAllLines(newCaptions).Skip(1).Select(l => l.Split('\t')).GroupBy(c => c[0])
            .ToDictionary(g => g.Key, g => (IReadOnlyList<IReadOnlyList<string>>)g.Select(c => (IReadOnlyList<string>)CaptionVocabulary.Tokenize(c[1])).ToList());
        var expected = Bleu.Corpus(predicted.Select(c => references[c[0]]).ToList(), predicted.Select(c => (IReadOnlyList<string>)CaptionVocabulary.Tokenize(c[1])).ToList());
        for (int n = 1; n <= 4; n++)
        {
            double printed = double.Parse(Regex.Match(e.Stdout, $"\"bleu{n}\":([0-9.eE+-]+)").Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.Equal(expected.Bleu(n), printed, 12);
        }

        var report = CliRunner.Run("report", run);
        Assert.True(report.ExitCode == 0, report.Stdout + report.Stderr);
        string html = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("Captions of validation images", html);
        Assert.Contains("data:image/png;base64,", html);
    }

    [Fact]
    public void The_14x14_grid_is_kept_in_the_model_and_used_by_predict_eval_report_and_resume()
    {
        var (images, captions, _) = Scenes(12, 3, "captions.tsv");
        string run = Path.Combine(_dir, "fine");
        var bad = CliRunner.Run(Train(images, captions, Path.Combine(_dir, "bad"), "--grid", "9x9", "--steps", "2"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--grid must be 7x7 or 14x14, got '9x9'", bad.Stderr);
        bad = CliRunner.Run(Train(images, captions, Path.Combine(_dir, "bad"), "--positions", "diagonal", "--steps", "2"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--positions must be region, rowcol or none, got 'diagonal'", bad.Stderr);
        bad = CliRunner.Run([.. Train(images, captions, Path.Combine(_dir, "bad"), "--positions", "rowcol", "--steps", "2").Select(a => a == "luong" ? "none" : a)]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--positions adds position vectors to the grid the decoder attends over; it needs --attention", bad.Stderr);

        var r = CliRunner.Run(Train(images, captions, run, "--grid", "14x14", "--steps", "4", "--eval-every", "4", "--checkpoint-every", "2"));
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        var model = CaptionFile.Load(Path.Combine(run, "last.safetensors"));
        Assert.Equal(Recurrent.Vision.ResNet18Grid.Stage3.Description, model.Features);
        Assert.Equal((196, 256), (model.Regions, model.FeatureSize));
        var file = ModelFile.Read(Path.Combine(run, "last.safetensors"));
        Assert.Equal([14, 256], file.Parameters.Single(t => t.Name == "position.row.weight").Shape);   // rows and columns: the 14x14 default

        // predict, eval and report compute the 14x14 features the model reads (the 7x7 ones would not fit it).
        string maps = Path.Combine(_dir, "fine-maps");
        var p = CliRunner.Run("predict", run, "--images", images, "--attention-map", maps);
        Assert.True(p.ExitCode == 0, p.Stdout + p.Stderr);
        Assert.Equal(12, p.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(12, Directory.GetFiles(maps, "*.attention.png").Length);
        var e = CliRunner.Run("eval", run, "--data", captions, "--images", images, "--json");
        Assert.True(e.ExitCode == 0, e.Stdout + e.Stderr);
        Assert.Contains("\"bleu4\"", e.Stdout);
        var report = CliRunner.Run("report", run);
        Assert.True(report.ExitCode == 0, report.Stdout + report.Stderr);
        Assert.Contains("data:image/png;base64,", File.ReadAllText(Path.Combine(run, "report.html")));

        // A resumed run keeps its grid: --grid is refused, and without it the run goes on from the 14x14 cache.
        var changed = CliRunner.Run("train", "--resume", run, "--grid", "7x7", "--steps", "6", "--quiet");
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("--grid cannot be used with --resume", changed.Stderr);
        var resumed = CliRunner.Run("train", "--resume", run, "--steps", "6", "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        Assert.Equal(6, ModelFile.Read(Path.Combine(run, "last.safetensors")).OptimizerSteps);
    }

    [Fact]
    public void A_caption_naming_a_missing_picture_is_reported_with_its_line()
    {
        var (images, captions, _) = Scenes(3, 3, "captions.tsv");
        File.AppendAllLines(captions, ["missing.png\ta red circle above a blue square"]);
        var r = CliRunner.Run(Train(images, captions, Path.Combine(_dir, "run"), "--steps", "1"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("captions.tsv:14", r.Stderr); // header + 3 scenes × 4 captions, then the line that names it
        Assert.Contains("missing.png", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "run")), "nothing is created before the files are checked");
    }

    [Fact]
    public void A_captioned_file_that_is_not_a_picture_is_refused_by_name_and_line()
    {
        var (images, captions, _) = Scenes(3, 4, "captions.tsv");
        File.WriteAllText(Path.Combine(images, "fake.png"), "text, not a PNG");
        File.AppendAllLines(captions, ["fake.png\ta red circle above a blue square"]);
        var r = CliRunner.Run(Train(images, captions, Path.Combine(_dir, "run"), "--steps", "1"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("fake.png", r.Stderr);
        Assert.Contains("captions.tsv:14", r.Stderr);
    }

    [Fact]
    public void A_caption_without_a_word_is_refused_with_its_line_before_any_work()
    {
        var (images, captions, _) = Scenes(2, 6, "captions.tsv");
        File.AppendAllLines(captions, ["s6-00.png\t... !"]);
        var r = CliRunner.Run(Train(images, captions, Path.Combine(_dir, "run"), "--steps", "1"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("captions.tsv:10: the caption '... !' has no word", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "run")));
    }

    [Fact]
    public void A_line_without_a_tab_is_refused_with_its_line()
    {
        var (images, captions, _) = Scenes(2, 5, "captions.tsv");
        File.AppendAllLines(captions, ["no tab on this line"]);
        var r = CliRunner.Run(Train(images, captions, Path.Combine(_dir, "run"), "--steps", "1"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(":10", r.Stderr);
        Assert.DoesNotContain("Exception", r.Stderr);
    }
}
