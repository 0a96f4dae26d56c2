// `rnn eval` through the real tool, checked against an independent computation in the test: the model run one
// token at a time from its file, log-softmax in double precision, mean cross-entropy over the same pieces;
// bits per character = total nats / ln 2 / characters predicted, perplexity = exp(loss). Also the errors.
using System.Text.Json;
using Recurrent.Training;
using Recurrent.LanguageModels;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;

namespace Recurrent.Tests.Cli;

public sealed class EvalCommandTests(TrainedCharModel trained) : IClassFixture<TrainedCharModel>
{
    [Theory]
    [InlineData(1, 7)]
    [InlineData(3, 5)]
    [InlineData(32, 64)]
    public void NumbersMatchAnIndependentComputation(int batch, int seqLength)
    {
        string text = LanguageModelTestSupport.Corpus(701, seed: 11);
        string file = Path.Combine(trained.Scratch, $"eval-{batch}-{seqLength}.txt");
        File.WriteAllText(file, text);
        var r = CliRunner.Run("eval", trained.Model, "--data", file, "--json", "--batch", $"{batch}", "--seq-length", $"{seqLength}");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var o = json.RootElement;

        var model = LanguageModelFile.Load(trained.Model);
        int[] ids = model.Tokenizer.Encode(text);
        var (nats, predictions) = ReferenceEvaluation.CrossEntropy(model.Model, ids, batch);
        double loss = nats / predictions;
        Assert.Equal(700, predictions);
        Assert.Equal(predictions, o.GetProperty("predictions").GetInt64());
        Assert.Equal(700, o.GetProperty("characters").GetInt64());
        Assert.Equal(loss, o.GetProperty("loss_nats_per_token").GetDouble(), 1e-5);
        Assert.Equal(loss / Math.Log(2), o.GetProperty("bits_per_character").GetDouble(), 1e-5);
        Assert.Equal(Math.Exp(loss), o.GetProperty("perplexity").GetDouble(), 1e-4);
        Assert.InRange(loss, 0.1, Math.Log(model.Tokenizer.VocabularySize)); // trained: better than uniform
    }

    [Fact]
    public void AWordModelsBitsPerCharacterUseCharactersNotTokens()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000));
        Assert.Equal(0, TinyTraining.Train(corpus, Path.Combine(dir.Path, "run"), "--tokenizer", "word", "--steps", "10").ExitCode);
        string text = LanguageModelTestSupport.Corpus(500, seed: 5);
        string file = dir.File("eval.txt", text);
        var r = CliRunner.Run("eval", Path.Combine(dir.Path, "run"), "--data", file, "--json", "--batch", "2", "--seq-length", "8");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var o = json.RootElement;

        var model = LanguageModelFile.Load(Path.Combine(dir.Path, "run", RunDirectory.BestFile));
        int[] ids = model.Tokenizer.Encode(text);
        var (nats, predictions) = ReferenceEvaluation.CrossEntropy(model.Model, ids, 2);
        long characters = text.EnumerateRunes().Count() - model.Tokenizer.Decode([ids[0]]).EnumerateRunes().Count();
        Assert.Equal(characters, o.GetProperty("characters").GetInt64());
        Assert.Equal(nats / predictions, o.GetProperty("loss_nats_per_token").GetDouble(), 1e-5);
        Assert.Equal(nats / Math.Log(2) / characters, o.GetProperty("bits_per_character").GetDouble(), 1e-5);
    }

    [Fact]
    public void PlainOutputNamesTheUnits()
    {
        var r = CliRunner.Run("eval", trained.Model, "--data", trained.Corpus);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("nats/token", r.Stdout);
        Assert.Contains("bits per character:", r.Stdout);
        Assert.Contains("perplexity:", r.Stdout);
    }

    [Fact]
    public void TextWithCharactersOutsideTheVocabularyNamesTheFileAndCharacter()
    {
        string file = Path.Combine(trained.Scratch, "foreign.txt");
        File.WriteAllText(file, "the cat sat on a mat, ça va?");
        var r = CliRunner.Run("eval", trained.Model, "--data", file);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(file, r.Stderr);
        Assert.Contains("'ç' (U+00E7)", r.Stderr);
    }

    [Fact]
    public void MissingDataAndMissingModelAreNamed()
    {
        string missing = Path.Combine(trained.Scratch, "missing.txt");
        var r = CliRunner.Run("eval", trained.Model, "--data", missing);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(missing, r.Stderr);
        var m = CliRunner.Run("eval", Path.Combine(trained.Scratch, "nothing-here"), "--data", trained.Corpus);
        Assert.Equal(2, m.ExitCode);
        Assert.Contains("nothing-here", m.Stderr);
    }
}
