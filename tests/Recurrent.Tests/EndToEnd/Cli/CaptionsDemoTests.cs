// `rnn demo captions` through the real tool, small (40 scenes, one epoch; the full run takes minutes): it writes the
// pictures, both captions files and an ordinary run directory where it says; every printed example's ✓/✗ agrees with
// this test's own reading of the held-out scene it names (regenerated from the seed); the printed exact-attribute
// accuracy and BLEU-4 decide PASS/FAIL and the exit code against the printed bars.
using System.Globalization;
using System.Text.RegularExpressions;
using Recurrent.Vision.Scenes;

namespace Recurrent.Tests.Cli;

public sealed class CaptionsDemoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("captions-demo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_small_run_writes_its_files_and_prints_a_consistent_verdict()
    {
        string output = Path.Combine(_dir, "demo");
        var r = CliRunner.Run("demo", "captions", "--scenes", "40", "--test", "8", "--epochs", "1", "--hidden", "32", "--seed", "5", "--out", output);
        Assert.True(r.ExitCode is 0 or 1, r.Stdout + r.Stderr);
        Assert.Equal(48, Directory.GetFiles(Path.Combine(output, "images"), "*.png").Length);
        Assert.Equal(1 + 40 * 4, File.ReadAllLines(Path.Combine(output, "captions.tsv")).Length);
        Assert.Equal(1 + 8 * 4, File.ReadAllLines(Path.Combine(output, "test-captions.tsv")).Length);
        Assert.True(File.Exists(Path.Combine(output, "run", "metrics.jsonl")));
        Assert.Equal(6, Directory.GetFiles(Path.Combine(output, "attention"), "*.attention.png").Length);

        var scenes = ShapeScenes.Generate(48, 5);
        var examples = Regex.Matches(r.Stdout, @"^  scene-(\d+)\.png: (.*?) (✓|✗)", RegexOptions.Multiline);
        Assert.Equal(8, examples.Count);
        foreach (Match m in examples)
        {
            var scene = scenes[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) - 1];
            Assert.Equal(SceneAttributes.Score(scene, m.Groups[2].Value).Exact ? "✓" : "✗", m.Groups[3].Value);
        }

        var row = Regex.Match(r.Stdout, @"captioner \(greedy\)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)%\s+([\d.]+)%\s+([\d.]+)%\s+([\d.]+)%\s+([\d.]+)%");
        Assert.True(row.Success, r.Stdout);
        Assert.Matches(@"nearest training picture's caption\s+[\d.]+\s+[\d.]+", r.Stdout);
        double bleu4 = double.Parse(row.Groups[2].Value, CultureInfo.InvariantCulture);
        double exact = double.Parse(row.Groups[7].Value, CultureInfo.InvariantCulture) / 100;
        bool pass = exact >= Recurrent.Cli.Commands.CaptionsDemoCommand.ExactTarget && bleu4 >= Recurrent.Cli.Commands.CaptionsDemoCommand.Bleu4Target;
        Assert.Contains(pass ? "PASS:" : "FAIL:", r.Stdout);
        Assert.Equal(pass ? 0 : 1, r.ExitCode);
    }
}
