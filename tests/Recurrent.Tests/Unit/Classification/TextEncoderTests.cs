// TextEncoder and TokenizerFactory.BuildFromTexts: each classification text is tokenized alone, so the last
// word of one line never joins the first word of the next (the vocabulary of "red apple" / "blue sky" once
// held "applered", "skyblue" and "appleblue").
using Recurrent.Classification;
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Supervised;
using Recurrent.Tests.Data;

namespace Recurrent.Tests.Classification;

public sealed class TextEncoderTests
{
    [Fact]
    public void WordVocabularyHoldsTheWordsOfEachTextAlone()
    {
        var encoder = TextEncoder.Build(TokenizerKinds.Word, ["red apple", "blue sky"]);
        var words = ((WordTokenizer)Tokenizer.FromJson(encoder.ToJson())).Words;
        // The word tokenizer keeps whitespace runs as pieces (concatenating the pieces gives the text back).
        Assert.Equal(
            new[] { WordTokenizer.UnknownToken, "red", "apple", "blue", "sky", " " }.Order(StringComparer.Ordinal),
            words.Order(StringComparer.Ordinal));
        Assert.Equal(words.Count, encoder.VocabularySize);
    }

    [Fact]
    public void EncodingATrainingTextGivesNoUnknownWords()
    {
        var encoder = TextEncoder.Build(TokenizerKinds.Word, ["red apple", "blue sky"]);
        var words = ((WordTokenizer)Tokenizer.FromJson(encoder.ToJson())).Words;
        Assert.Equal(["sky", " ", "red"], encoder.Encode("sky red").Select(id => words[id]));
        Assert.Equal(["apple"], encoder.Encode("apple").Select(id => words[id]));
    }

    [Fact]
    public void BuildFromTextsRefusesATextThatEndsInsideASurrogatePair()
    {
        string emoji = "😀";
        var e = Assert.Throws<ArgumentException>(() => TokenizerFactory.BuildFromTexts(TokenizerKinds.Char, ["a" + emoji[0], emoji[1] + "b"]));
        Assert.Contains("unpaired surrogate", e.Message);
        // As chunks of one text the same strings are fine.
        Assert.Equal(3, TokenizerFactory.Build(TokenizerKinds.Char, ["a" + emoji[0], emoji[1] + "b"]).VocabularySize);
    }

    [Fact]
    public void ClassifierTrainedOnAWordFileLearnsOnlyItsWords()
    {
        using var dir = new TempDirectory();
        string f = dir.File("fruit.tsv", "fruit\tred apple\nsky\tblue sky\nfruit\tgreen apple\nsky\tgrey sky\n");
        var records = ClassificationData.Read(f, ClassificationFormat.Tsv, requireLabels: true);
        var settings = new ClassifierSettings { Tokens = TokenizerKinds.Word, Cell = CellKind.Gru, HiddenSize = 4, EmbeddingSize = 4 };
        var (classifier, _) = SequenceClassifier.Train(records, [], ClassificationFormat.Tsv, settings,
            new SupervisedOptions { BatchSize = 2, Seed = 1, Fit = new() { Epochs = 1 } });
        var words = ((WordTokenizer)Tokenizer.FromJson(classifier.Encoder!.ToJson())).Words;
        Assert.Equal(
            new[] { WordTokenizer.UnknownToken, " ", "apple", "blue", "green", "grey", "red", "sky" }.Order(StringComparer.Ordinal),
            words.Order(StringComparer.Ordinal));
    }
}
