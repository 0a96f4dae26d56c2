// The caption word vocabulary: tokenising (lower case, runs of letters/digits, apostrophes inside words kept, the
// rest dropped), ids (the three seq2seq specials, then <unk>, then words by frequency then ordinal, rare words
// below MinCount left out), Decode, and the JSON round trip.
using Recurrent.Captioning;
using Recurrent.Seq2Seq;

namespace Recurrent.Tests.Captioning;

public sealed class CaptionVocabularyTests
{
    [Theory]
    [InlineData("A Red circle.", new[] { "a", "red", "circle" })]
    [InlineData("Don't stop -- it's 2 o'clock!", new[] { "don't", "stop", "it's", "2", "o'clock" })]
    [InlineData("'quoted' words'' and rock'n'roll", new[] { "quoted", "words", "and", "rock'n'roll" })]
    [InlineData("  ÉCOLE,école\tx2y  ", new[] { "école", "école", "x2y" })]
    [InlineData("... !!", new string[0])]
    public void TokenizeKeepsWordsAndDropsTheRest(string text, string[] expected) =>
        Assert.Equal(expected, CaptionVocabulary.Tokenize(text));

    [Fact]
    public void IdsAreSpecialsThenWordsByFrequencyThenOrdinal()
    {
        var v = CaptionVocabulary.Build(["a red circle", "A blue circle", "a square", "zebra"], minCount: 1);
        Assert.Equal(Seq2SeqVocabulary.Pad, CaptionVocabulary.Pad);
        Assert.Equal(Seq2SeqVocabulary.Start, CaptionVocabulary.Start);
        Assert.Equal(Seq2SeqVocabulary.End, CaptionVocabulary.End);
        // a×3, circle×2, then blue, red, square, zebra once each in ordinal order
        Assert.Equal(["a", "circle", "blue", "red", "square", "zebra"], v.Words);
        Assert.Equal(4, v.IdOf("a"));
        Assert.Equal(10, v.Size);
        Assert.Equal([4, 6, 5, CaptionVocabulary.Unknown], v.Encode("A blue circle, purple"));
        Assert.Equal("a blue circle <unk>", v.Decode([CaptionVocabulary.Start, 4, 6, 5, CaptionVocabulary.Unknown, CaptionVocabulary.End, CaptionVocabulary.Pad]));

        var common = CaptionVocabulary.Build(["a red circle", "A blue circle", "a square", "zebra"], minCount: 2);
        Assert.Equal(["a", "circle"], common.Words);
        Assert.Equal(CaptionVocabulary.Unknown, common.IdOf("red"));
    }

    [Fact]
    public void JsonRoundTripKeepsEveryId()
    {
        var v = CaptionVocabulary.Build(["two blue squares left of a green triangle", "it's a dog's life"], minCount: 1);
        var back = CaptionVocabulary.FromJson(v.ToJson());
        Assert.Equal(v.Words, back.Words);
        Assert.Equal(v.MinCount, back.MinCount);
        Assert.Equal(v.ToJson(), back.ToJson());
        Assert.Throws<InvalidDataException>(() => CaptionVocabulary.FromJson("{\"words\":[\"a\"]}"));
        Assert.Throws<ArgumentException>(() => CaptionVocabulary.Build(["a"], minCount: 0));
    }
}
