// FormatOneFixtureTests: the model files of format_version 1, as `rnn train` wrote them (tools/fixtures/
// make_format1.py, committed under Fixtures/format1/), still load with the library's loaders, hold the sizes,
// labels, tags and vocabularies they were trained with, and compute what the CLI printed for a fixed input at the
// time (expected.json). Whatever the file format becomes, these files must keep loading.
using Recurrent.Data;
using System.Globalization;
using System.Text.Json;
using Recurrent.Classification;
using Recurrent.Forecasting;
using Recurrent.LanguageModels;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Seq2Seq;
using Recurrent.Serialization;
using Recurrent.Tagging;

namespace Recurrent.Tests.Serialization;

public sealed class FormatOneFixtureTests
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "format1");

    private static JsonElement Expected(string kind)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "expected.json")));
        Assert.Equal(1, doc.RootElement.GetProperty("format_version").GetInt32());
        return doc.RootElement.GetProperty(kind).Clone();
    }

    private static string FileOf(JsonElement e, string property = "file") => Path.Combine(Directory, e.GetProperty(property).GetString()!);
    private static string[] Strings(JsonElement e, string property) => e.GetProperty(property).EnumerateArray().Select(x => x.GetString()!).ToArray();
    private static double[] Doubles(JsonElement e, string property) => e.GetProperty(property).EnumerateArray().Select(x => x.GetDouble()).ToArray();
    private static int Int(JsonElement e, string property) => e.GetProperty(property).GetInt32();
    private static CellKind Cell(JsonElement e) => Enum.Parse<CellKind>(e.GetProperty("cell").GetString()!);

    [Theory]
    [InlineData("lm_best.safetensors")]
    [InlineData("lm_last.safetensors")]
    [InlineData("classify_text.safetensors")]
    [InlineData("classify_numbers.safetensors")]
    [InlineData("tag.safetensors")]
    [InlineData("forecast.safetensors")]
    [InlineData("seq2seq.safetensors")]
    public void EveryFixture_IsFormatVersionOne_AndSmall(string name)
    {
        string path = Path.Combine(Directory, name);
        Assert.InRange(new FileInfo(path).Length, 1, 50 * 1024);
        var (_, metadata) = ModelFile.ReadWithMetadata(path);   // verifies format and checksum
        Assert.Equal("1", metadata["format_version"]);
    }

    [Fact]
    public void LanguageModel_Loads_AndGeneratesTheRecordedArgmaxText()
    {
        var e = Expected("lm");
        var file = LanguageModelFile.Load(FileOf(e, "best"));
        ModelConfig c = file.Model.Config;
        Assert.Equal((Cell(e), Int(e, "hidden"), Int(e, "layers"), Int(e, "embedding")), (c.Cell, c.HiddenSize, c.Layers, c.EmbeddingSize));
        Assert.Equal((InputKind.Embedding, HeadKind.PerStep), (c.Input, c.Head));
        string vocabulary = e.GetProperty("vocabulary").GetString()!;
        Assert.Equal(vocabulary.Length, file.Tokenizer.VocabularySize);
        Assert.Equal(vocabulary, string.Concat(Enumerable.Range(0, file.Tokenizer.VocabularySize).Select(file.Tokenizer.TokenText)));

        var text = new StringWriter();
        new TextGenerator(file.Model, file.Tokenizer).Generate(e.GetProperty("prime").GetString(), Int(e, "length"),
            TextGenerator.Options(0, argMax: true), seed: 0, text);
        Assert.Equal(e.GetProperty("argmax_text").GetString(), text.ToString());
    }

    // A format-1 checkpoint's weights, tokenizer and optimizer moments still load; its training state (the old
    // language-model-only layout) cannot be resumed by the one fit loop, and the refusal says how to go on.
    [Fact]
    public void LanguageModelCheckpoint_LoadsAsAModel_AndItsOldTrainingStateIsRefusedWithTheWayOn()
    {
        var e = Expected("lm");
        var file = LanguageModelFile.Load(FileOf(e, "last"));
        Assert.Equal(Int(e, "steps"), file.Content.OptimizerSteps);
        Assert.Equal(Int(e, "hidden"), file.Model.Config.HiddenSize);
        // Adam's two moments, each one value per parameter.
        Assert.Equal(["exp_avg", "exp_avg_sq"], file.Content.OptimizerState.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(file.Content.OptimizerState, t => Assert.Equal(file.Model.Parameters.Count, t.Data.Length));
        var refused = Assert.Throws<InvalidDataException>(() => LanguageModelFile.LoadCheckpoint(FileOf(e, "last")));
        Assert.Contains("--init-from", refused.Message);
        Assert.Contains(Path.GetFileName(FileOf(e, "last")), refused.Message);
    }

    [Theory]
    [InlineData("classify_text")]
    [InlineData("classify_numbers")]
    public void Classifier_Loads_AndPredictsTheRecordedLabelsAndProbabilities(string kind)
    {
        var e = Expected(kind);
        var classifier = SequenceClassifier.Load(FileOf(e));
        ModelConfig c = classifier.Model.Config;
        Assert.Equal((Cell(e), Int(e, "hidden"), e.GetProperty("bidirectional").GetBoolean()), (c.Cell, c.HiddenSize, c.Bidirectional));
        Assert.Equal(Strings(e, "labels"), classifier.Labels.Names);
        bool text = kind == "classify_text";
        Assert.Equal(text ? ClassificationFormat.Tsv : ClassificationFormat.Csv, classifier.Format);
        if (text)
        {
            Assert.Equal(e.GetProperty("tokens").GetString(), classifier.Encoder!.Kind);
            Assert.Equal(Int(e, "embedding"), c.EmbeddingSize);
            Assert.True(classifier.Encoder.VocabularySize > 6, "the char vocabulary of the training texts (a..e, z, space) plus unknown");
        }
        else Assert.Null(classifier.Encoder);

        string[] inputs = Strings(e, "inputs");
        var records = inputs.Select((line, i) => text
            ? new ClassificationRecord(null, line, [], i + 1)
            : new ClassificationRecord(null, "", line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray(), i + 1)).ToList();
        var predictions = classifier.Predict(records, batchSize: 3);
        Assert.Equal(Strings(e, "predicted"), predictions.Select(p => p.Label));
        double[] probabilities = Doubles(e, "probabilities");   // printed with 4 decimals
        for (int i = 0; i < probabilities.Length; i++) Assert.Equal(probabilities[i], predictions[i].Probability, 6e-5);
    }

    [Fact]
    public void Tagger_Loads_AndTagsTheRecordedSentences()
    {
        var e = Expected("tag");
        var tagger = SequenceTagger.Load(FileOf(e));
        ModelConfig c = tagger.Model.Config;
        Assert.Equal((Cell(e), Int(e, "hidden"), Int(e, "embedding"), true), (c.Cell, c.HiddenSize, c.EmbeddingSize, c.Bidirectional));
        Assert.Equal(Strings(e, "tags"), tagger.Tags.Names);
        Assert.Equal(Strings(e, "words"), tagger.Words.Entries);
        Assert.Equal(0, tagger.Words.Id("unseen"));

        var sentences = e.GetProperty("sentences").EnumerateArray()
            .Select((s, i) => new TaggedSentence(s.EnumerateArray().Select(t => t.GetString()!).ToArray(), null, i + 1)).ToList();
        var expected = e.GetProperty("predicted").EnumerateArray().Select(s => s.EnumerateArray().Select(t => t.GetString()!).ToArray()).ToList();
        Assert.Equal(expected, tagger.Predict(sentences, batchSize: 2));
    }

    [Fact]
    public void Forecaster_Loads_WithItsStandardisation_AndContinuesTheRecordedHistory()
    {
        var e = Expected("forecast");
        var forecaster = ForecastFile.Load(FileOf(e));
        ModelConfig c = forecaster.Model.Config;
        Assert.Equal((Cell(e), Int(e, "hidden")), (c.Cell, c.HiddenSize));
        ForecastSpec spec = forecaster.Spec;
        Assert.Equal((Int(e, "window"), Int(e, "horizon")), (spec.Window, spec.Horizon));
        Assert.Equal(Strings(e, "targets"), spec.Targets.Select(t => t.Name!));
        Assert.Equal(spec.Targets.Select(t => t.Index), spec.Inputs.Select(t => t.Index));
        Assert.Equal(1, spec.Targets[0].Index);   // the column after the month
        double[] history = Doubles(e, "history");
        // The standardisation was fitted on the training part of a series around 100..135.
        Assert.InRange(spec.Targets[0].Mean, 100, 135);
        Assert.InRange(spec.Targets[0].Std, 1, 30);

        double[] predicted = forecaster.Continue(history, history.Length, Int(e, "steps"));
        double[] expected = Doubles(e, "predicted");
        Assert.Equal(expected.Length, predicted.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], predicted[i], Math.Abs(expected[i]) * 1e-6);
    }

    [Fact]
    public void Seq2Seq_Loads_WithItsVocabulary_AndDecodesTheRecordedOutputs()
    {
        var e = Expected("seq2seq");
        var loaded = Seq2SeqFile.Load(FileOf(e));
        Seq2SeqConfig c = loaded.Model.Config;
        Assert.Equal((Cell(e), Int(e, "hidden"), Int(e, "embedding")), (c.Cell, c.HiddenSize, c.EmbeddingSize));
        Assert.Equal(e.GetProperty("characters").GetString()!.Select(ch => (int)ch), loaded.Vocabulary.CodePoints);
        Assert.Equal(Seq2SeqVocabulary.Specials + 4, c.Vocabulary);
        Assert.InRange(c.SourceLength, 4, 8);   // the longest training source (4) with room

        string[] sources = Strings(e, "sources");
        Assert.Equal(Strings(e, "predicted"), Seq2SeqPredictor.Predict(loaded.Model, loaded.Vocabulary, sources));
    }
}
