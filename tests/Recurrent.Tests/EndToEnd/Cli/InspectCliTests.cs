// `rnn inspect` through the real tool, on the small char model the sampling tests train: it prints the correlation
// table and writes a self-contained page (status script, embedded data, no external resources) in the run directory
// by default; --layer/--quantity/--unit choose the unit shown first; --max-chars cuts the text and says so; and the
// errors a user can cause (missing or empty text, a directory that is no run, a model that is not a language model,
// a layer, quantity or unit that does not exist, characters the model does not know) give one line and exit code 2.
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tests.Data;

namespace Recurrent.Tests.Cli;

public sealed class InspectCliTests(TrainedCharModel trained) : IClassFixture<TrainedCharModel>
{
    // Writes a text file in this test class's own folder of the shared scratch directory.
    private string TextFile(string name, string text)
    {
        string path = Path.Combine(Directory.CreateDirectory(Path.Combine(trained.Scratch, "inspect")).FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void WritesThePageAndPrintsTheTable()
    {
        string text = TextFile("a.txt", trained.Text[..600]);
        var r = CliRunner.Run("inspect", trained.RunDirectory, "--text", text);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string page = Path.Combine(trained.RunDirectory, "inspect.html");
        Assert.Contains($"page: {page}", r.Stdout);
        Assert.Contains("layer  quantity   unit  feature", r.Stdout);
        Assert.Matches(@"\n\s+\d+\s+[hcifgo]\s+\d+\s+(line position|word start|whitespace|vowel|line start|uppercase|punctuation)\s+[+-]\d\.\d{3}", r.Stdout);
        string html = File.ReadAllText(page);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("data-inspect=\"pending\"", html);
        Assert.Contains("setAttribute('data-inspect'", html);
        Assert.Contains("id=\"inspect-data\"", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain(" src=", html);
        // 600 tokens, and every unit of the small model fits: no note about left-out units.
        Assert.Matches("\"tokens\":\\[(\\d+,){599}\\d+\\]", html);
        Assert.DoesNotContain("The page holds", html);
        Assert.False(File.Exists(page + ".tmp"));
    }

    [Fact]
    public void TheChosenUnitIsShownFirst()
    {
        string text = TextFile("b.txt", trained.Text[..300]);
        string out1 = Path.Combine(trained.Scratch, "inspect", "chosen.html");
        var r = CliRunner.Run("inspect", trained.Model, "--text", text, "--out", out1, "--layer", "0", "--quantity", "c", "--unit", "3");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("shown first: layer 0 c unit 3", r.Stdout);
        Assert.Contains($"page: {out1}", r.Stdout);
        var q = CliRunner.Run("inspect", trained.Model, "--text", text, "--out", out1, "--quantity", "f");
        Assert.True(q.ExitCode == 0, q.Stderr);
        Assert.Matches(@"shown first: layer \d f unit \d+", q.Stdout);
    }

    [Fact]
    public void MaxCharsCutsTheTextAndSaysSo()
    {
        string text = TextFile("c.txt", trained.Text[..900]);
        string page = Path.Combine(trained.Scratch, "inspect", "cut.html");
        var r = CliRunner.Run("inspect", trained.Model, "--text", text, "--out", page, "--max-chars", "250");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("the text has 900 characters; using the first 250 (--max-chars 250)", r.Stdout);
        Assert.Contains("(250 positions, Pearson r)", r.Stdout);
        Assert.Contains("using the first 250", File.ReadAllText(page));
    }

    [Fact]
    public void ALongTextKeepsThePageSmallAndSaysWhichUnitsItHolds()
    {
        // 40,000 positions × 96 units (1 layer × 16 units × h, c, i, f, g, o) = 5.1 MB of values as base64, over the 4.5 MB
        // the page may take with its text and predictions: it holds fewer units, every h among them, and says how many.
        string text = TextFile("long.txt", Recurrent.Tests.LanguageModels.LanguageModelTestSupport.Corpus(40_000, seed: 9));
        string page = Path.Combine(trained.Scratch, "inspect", "long.html");
        var r = CliRunner.Run("inspect", trained.Model, "--text", text, "--out", page, "--max-chars", "40000");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string html = File.ReadAllText(page);
        var note = System.Text.RegularExpressions.Regex.Match(html, "The page holds (\\d+) of the 96 units, to stay under 4.5 MB");
        Assert.True(note.Success, "no note about the units left out");
        int held = int.Parse(note.Groups[1].Value);
        Assert.InRange(held, 17, 95);
        Assert.Equal(held, System.Text.RegularExpressions.Regex.Matches(html, "\\{\"l\":\\d+,\"q\":").Count);
        Assert.Equal(16, System.Text.RegularExpressions.Regex.Matches(html, "\"q\":\"h\"").Count);
        Assert.InRange(new FileInfo(page).Length, 4_000_000, 4_500_000);
    }

    [Fact]
    public void UserErrorsGiveOneLineAndExitCode2()
    {
        string text = TextFile("d.txt", trained.Text[..200]);
        string page = Path.Combine(trained.Scratch, "inspect", "err.html");
        string missing = Path.Combine(trained.Scratch, "inspect", "missing.txt");
        string empty = TextFile("empty.txt", "");
        string unknown = TextFile("unknown.txt", "the cat § sat");
        string notRun = Directory.CreateDirectory(Path.Combine(trained.Scratch, "inspect", "not-a-run")).FullName;
        string classifier = Path.Combine(trained.Scratch, "inspect", "classifier.safetensors");
        ModelFile.Save(classifier, new SequenceModel<float>(new ModelConfig
        {
            Input = InputKind.Embedding, InputSize = 5, EmbeddingSize = 3, HiddenSize = 4, OutputSize = 2, Head = HeadKind.LastStep,
        }, seed: 1));

        (string[] Args, string Expected)[] cases =
        [
            (["inspect", trained.Model, "--text", missing, "--out", page], $"the text file '{missing}' does not exist"),
            (["inspect", trained.Model, "--text", empty, "--out", page], $"the text file '{empty}' is empty"),
            (["inspect", trained.Model, "--text", unknown, "--out", page], $"the text '{unknown}' has characters the model"),
            (["inspect", notRun, "--text", text], $"the directory '{notRun}' has no best.safetensors or last.safetensors"),
            (["inspect", classifier, "--text", text, "--out", page], "is not a language model"),
            (["inspect", trained.Model, "--text", text, "--out", page, "--layer", "5"], "--layer 5 does not exist: the model has layers 0..0"),
            (["inspect", trained.Model, "--text", text, "--out", page, "--quantity", "z"], "--quantity 'z' is not traced for a Lstm cell; use one of h, c, i, f, g, o"),
            (["inspect", trained.Model, "--text", text, "--out", page, "--unit", "100000"], "--unit 100000 does not exist"),
            (["inspect", trained.Model, "--text", text, "--out", page, "--max-chars", "0"], "--max-chars must be positive, got 0"),
            (["inspect", trained.Model, "--text", text, "--out", Path.Combine(notRun, "no", "p.html")], "the folder of --out"),
        ];
        foreach (var (args, expected) in cases)
        {
            var r = CliRunner.Run(args);
            Assert.True(r.ExitCode == 2, $"{string.Join(' ', args)}: exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
            Assert.Contains(expected, r.Stderr);
            Assert.Single(r.Stderr.Trim().Split('\n'));
        }
        Assert.False(File.Exists(page));
    }
}
