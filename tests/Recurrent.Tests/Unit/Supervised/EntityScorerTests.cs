// EntityScorer's chunks and scores against cases worked out by hand with conlleval's rules.
using Recurrent.Tagging;

namespace Recurrent.Tests.Supervised;

public sealed class EntityScorerTests
{
    [Theory]
    [InlineData("B-PER I-PER O B-LOC", "0-1-PER 3-3-LOC")]
    [InlineData("I-PER I-PER O", "0-1-PER")]                 // IOB1: an I after O starts a chunk
    [InlineData("B-PER I-LOC", "0-0-PER 1-1-LOC")]           // a change of type ends and starts
    [InlineData("B-PER B-PER", "0-0-PER 1-1-PER")]
    [InlineData("I-PER B-PER I-PER", "0-0-PER 1-2-PER")]
    [InlineData("B-X E-X S-X O", "0-1-X 2-2-X")]              // IOBES
    [InlineData("O NOUN VERB", "")]                          // tags without a type form no chunks
    public void ChunksFollowConllevalRules(string tags, string expected)
    {
        var chunks = EntityScorer.Chunks(tags.Split(' '));
        var want = expected.Length == 0 ? [] : expected.Split(' ').Select(c =>
        {
            var p = c.Split('-');
            return (int.Parse(p[0]), int.Parse(p[1]), p[2]);
        }).ToHashSet();
        Assert.Equal(want.OrderBy(x => x), chunks.OrderBy(x => x));
    }

    // Sentence 1: true (0,1,PER) (3,3,LOC); predicted (0,0,PER) (3,3,LOC) → 1 correct.
    // Sentence 2: true (0,0,LOC); predicted (0,0,LOC) (2,2,PER) → 1 correct.
    // Overall: 3 true, 4 predicted, 2 correct → P = 1/2, R = 2/3, F1 = 2·(1/2)(2/3)/(1/2 + 2/3) = 4/7.
    // LOC: 2 true, 2 predicted, 2 correct → 1, 1, 1. PER: 1 true, 2 predicted, 0 correct → 0, 0, 0.
    [Fact]
    public void ScoresMatchHandComputedValues()
    {
        var s = new EntityScorer();
        s.Add(["B-PER", "I-PER", "O", "B-LOC"], ["B-PER", "O", "O", "B-LOC"]);
        s.Add(["B-LOC", "O", "O"], ["B-LOC", "O", "B-PER"]);
        Assert.Equal(3, s.GoldChunks());
        Assert.Equal(4, s.PredictedChunks());
        Assert.Equal(2, s.CorrectChunks());
        Assert.Equal(0.5, s.Precision(), 12);
        Assert.Equal(2.0 / 3.0, s.Recall(), 12);
        Assert.Equal(4.0 / 7.0, s.F1(), 12);
        Assert.Equal(1.0, s.F1("LOC"), 12);
        Assert.Equal(0.0, s.F1("PER"), 12);
        Assert.Equal(["LOC", "PER"], s.Types);
        Assert.Throws<ArgumentException>(() => s.Add(["O"], ["O", "O"]));
    }
}
