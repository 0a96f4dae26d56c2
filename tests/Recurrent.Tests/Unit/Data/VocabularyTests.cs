// Vocabulary: the one names ↔ ids table — labels (no unknown: unseen names are refused), words (unseen names map to
// "<unk>" at id 0), reserved entries first, ordinal order from data, and the errors for duplicates and empties.
using Recurrent.Data;

namespace Recurrent.Tests.Data;

public sealed class VocabularyTests
{
    [Fact]
    public void LabelsAreSortedAndUnseenOnesRefused()
    {
        var labels = Vocabulary.OfLabels(["pos", "neg", "pos", "neutral"]);
        Assert.Equal(["neg", "neutral", "pos"], labels.Names);
        Assert.Equal(3, labels.Count);
        Assert.Equal(0, labels.Reserved);
        Assert.Null(labels.UnknownId);
        Assert.True(labels.TryGetId("pos", out int pos));
        Assert.Equal(2, pos);
        Assert.Equal("neutral", labels[1]);
        Assert.False(labels.TryGetId("other", out _));
        Assert.Throws<KeyNotFoundException>(() => labels.Id("other"));
    }

    [Fact]
    public void WordsMapUnseenNamesToTheUnknownEntry_AndRoundTripThroughTheirEntries()
    {
        var words = Vocabulary.OfWords(["the", "cat", Vocabulary.UnknownToken, "the"]);
        Assert.Equal([Vocabulary.UnknownToken, "cat", "the"], words.Names);
        Assert.Equal(0, words.UnknownId);
        Assert.Equal(0, words.Id("dog"));
        Assert.Equal(2, words.Id("the"));
        var back = Vocabulary.WithUnknown(words.Entries);
        Assert.Equal(words.Names, back.Names);
    }

    [Fact]
    public void DuplicatesEmptiesAndAForeignUnknownAreRefused()
    {
        Assert.Contains("appears twice", Assert.Throws<ArgumentException>(() => new Vocabulary(["a", "b", "a"])).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new Vocabulary(["a", ""])).Message);
        Assert.Throws<ArgumentException>(() => new Vocabulary(["a"], ["<pad>"], unknown: "a"));
        Assert.Throws<ArgumentException>(() => new Vocabulary([]));
    }
}
