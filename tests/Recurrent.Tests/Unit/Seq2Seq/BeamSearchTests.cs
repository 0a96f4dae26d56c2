// Beam search against greedy decoding and against exhaustive search, on random double-precision
// encoder–decoders (parameters U(±0.5) so the output distributions are uneven): width 1 is exactly greedy;
// the result never scores below greedy on the model's own log-probability; the reported score is the
// model's teacher-forced log-probability of the returned sequence; and a beam wide enough never to prune
// finds the best sequence of all. Each runs without attention and with each attention kind (the decoder then
// carries its feed h̃ and beam search attends over the source's memory replicated per beam row).
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Seq2Seq;
using Recurrent.Tests.Gradients;
using Xunit.Abstractions;

namespace Recurrent.Tests.Seq2Seq;

public sealed class BeamSearchTests(ITestOutputHelper log)
{
    private const int Start = Seq2SeqVocabulary.Start, End = Seq2SeqVocabulary.End;

    private static (Seq2SeqModel<double> Model, double[] H, double[] C) RandomCase(int seed, CellKind cell, int vocabulary = 9, int maxLength = 6,
        AttentionKind attention = AttentionKind.None)
    {
        var config = new Seq2SeqConfig
        {
            Vocabulary = vocabulary, EmbeddingSize = 4, Cell = cell, HiddenSize = 6, Layers = seed % 2 + 1, SourceLength = 5, MaxTargetLength = maxLength,
            Attention = attention,
        };
        var model = new Seq2SeqModel<double>(config, (ulong)seed);
        var rng = new Rng(1000 + (ulong)seed);
        GradientSetup.RandomizeAll(model.Parameters, rng);
        // The end token a little less likely than the rest so decodings are not all empty.
        model.Parameters.Value(model.Parameters["decoder.head.bias"])[End] -= 1.0;
        model.Encode(GradientSetup.Tokens(rng, 5, vocabulary), 5, 1);
        return (model, model.EncodedH.ToArray(), model.EncodedC.ToArray());
    }

    private static CellKind CellOf(int seed) => (seed % 3) switch { 0 => CellKind.Lstm, 1 => CellKind.Gru, _ => CellKind.RnnTanh };

    [Theory]
    [InlineData(AttentionKind.None)]
    [InlineData(AttentionKind.Luong)]
    [InlineData(AttentionKind.Bahdanau)]
    [InlineData(AttentionKind.LuongDot)]
    public void WidthOneIsExactlyGreedyDecoding(AttentionKind attention)
    {
        for (int seed = 0; seed < 12; seed++)
        {
            var (model, h, c) = RandomCase(seed, CellOf(seed), attention: attention);
            var greedy = Decoding.Greedy<double>(model.Decoder, h, c, 1, Start, End, model.Config.MaxTargetLength)[0];
            var beam = Decoding.BeamSearch<double>(model.Decoder, h, c, 1, Start, End, model.Config.MaxTargetLength, greedyFloor: false);
            Assert.Equal(greedy.Tokens, beam.Tokens);
            Assert.Equal(greedy.Finished, beam.Finished);
            Assert.Equal(greedy.LogProbability, beam.LogProbability);
        }
    }

    [Theory]
    [InlineData(AttentionKind.None)]
    [InlineData(AttentionKind.Luong)]
    [InlineData(AttentionKind.Bahdanau)]
    [InlineData(AttentionKind.LuongDot)]
    public void BeamNeverScoresBelowGreedyAndReportsTheModelsOwnLogProbability(AttentionKind attention)
    {
        int better = 0, cases = 0, pureBelow = 0;
        for (int seed = 0; seed < 15; seed++)
            foreach (int width in new[] { 2, 3, 5 })
            {
                var (model, h, c) = RandomCase(seed, CellOf(seed), attention: attention);
                int max = model.Config.MaxTargetLength;
                var greedy = Decoding.Greedy<double>(model.Decoder, h, c, 1, Start, End, max)[0];
                var beam = Decoding.BeamSearch<double>(model.Decoder, h, c, width, Start, End, max);
                var pure = Decoding.BeamSearch<double>(model.Decoder, h, c, width, Start, End, max, greedyFloor: false);
                double rescored = Decoding.LogProbability<double>(model.Decoder, h, c, Start, End, beam.Tokens, beam.Finished);
                double greedyRescored = Decoding.LogProbability<double>(model.Decoder, h, c, Start, End, greedy.Tokens, greedy.Finished);
                Assert.Equal(rescored, beam.LogProbability, 1e-9);
                Assert.Equal(greedyRescored, greedy.LogProbability, 1e-9);
                Assert.True(beam.LogProbability >= greedy.LogProbability,
                    $"seed {seed}, width {width}: beam {beam.LogProbability} < greedy {greedy.LogProbability}");
                Assert.True(beam.Tokens.Length <= max);
                cases++;
                if (beam.LogProbability > greedy.LogProbability + 1e-12) better++;
                if (pure.LogProbability < greedy.LogProbability - 1e-12) pureBelow++;
            }
        log.WriteLine($"{cases} cases: beam strictly better than greedy in {better}; beam without the greedy floor below greedy in {pureBelow}");
        Assert.True(better > 0, "beam search never found anything better than greedy decoding: it is not searching");
    }

    [Theory]
    [InlineData(AttentionKind.None)]
    [InlineData(AttentionKind.Luong)]
    public void PaddingAndStartAreNeverEmittedEvenWhenMostLikely(AttentionKind attention)
    {
        for (int seed = 0; seed < 6; seed++)
        {
            var (model, h, c) = RandomCase(seed, CellOf(seed), attention: attention);
            Span<double> bias = model.Parameters.Value(model.Parameters["decoder.head.bias"]);
            bias[Seq2SeqVocabulary.Pad] += 20;   // the most likely tokens at every step by far
            bias[Start] += 19;
            var greedy = Decoding.Greedy<double>(model.Decoder, h, c, 1, Start, End, model.Config.MaxTargetLength)[0];
            var beam = Decoding.BeamSearch<double>(model.Decoder, h, c, 3, Start, End, model.Config.MaxTargetLength);
            foreach (var tokens in new[] { greedy.Tokens, beam.Tokens })
            {
                Assert.NotEmpty(tokens);   // something else was chosen, not nothing
                Assert.DoesNotContain(Seq2SeqVocabulary.Pad, tokens);
                Assert.DoesNotContain(Start, tokens);
            }
            // Their probability is left out, not renormalised: the score is the model's log-probability of the output.
            Assert.Equal(Decoding.LogProbability<double>(model.Decoder, h, c, Start, End, greedy.Tokens, greedy.Finished), greedy.LogProbability, 1e-9);
        }
    }

    [Theory]
    [InlineData(AttentionKind.None)]
    [InlineData(AttentionKind.Luong)]
    [InlineData(AttentionKind.Bahdanau)]
    [InlineData(AttentionKind.LuongDot)]
    public void AWideEnoughBeamFindsTheBestSequenceOfAll(AttentionKind attention)
    {
        const int V = 7, MaxLength = 3; // ids 0..6; pad 0 and start 1 are never emitted, end = 2: 4 other tokens, 4^3 = 64 prefixes at most
        for (int seed = 0; seed < 6; seed++)
        {
            var (model, h, c) = RandomCase(seed, CellOf(seed), V, MaxLength, attention);
            double bestScore = double.NegativeInfinity;
            int[] bestTokens = [];
            foreach (var (tokens, finished) in AllSequences(V, MaxLength))
            {
                double s = Decoding.LogProbability<double>(model.Decoder, h, c, Start, End, tokens, finished);
                if (s > bestScore) (bestScore, bestTokens) = (s, tokens);
            }
            var beam = Decoding.BeamSearch<double>(model.Decoder, h, c, 64, Start, End, MaxLength, greedyFloor: false);
            Assert.Equal(bestScore, beam.LogProbability, 1e-9);
            Assert.Equal(bestTokens, beam.Tokens);
        }
    }

    // Every output the decoder can produce: tokens other than pad, start and end, of length 0..max, followed by the
    // end token, and the unfinished ones of length max.
    private static IEnumerable<(int[] Tokens, bool Finished)> AllSequences(int vocabulary, int max)
    {
        var nonEnd = Enumerable.Range(0, vocabulary).Where(t => t != End && t != Start && t != Seq2SeqVocabulary.Pad).ToArray();
        IEnumerable<int[]> level = [[]];
        for (int len = 0; len <= max; len++)
        {
            foreach (var s in level)
            {
                yield return (s, true);
                if (len == max) yield return (s, false);
            }
            level = level.SelectMany(s => nonEnd.Select(t => s.Append(t).ToArray())).ToList();
        }
    }

    [Theory]
    [InlineData(AttentionKind.None)]
    [InlineData(AttentionKind.Luong)]
    [InlineData(AttentionKind.Bahdanau)]
    [InlineData(AttentionKind.LuongDot)]
    public void BatchedGreedyDecodesEachRowAsAlone(AttentionKind attention)
    {
        var config = new Seq2SeqConfig
        {
            Vocabulary = 8, EmbeddingSize = 4, Cell = CellKind.Lstm, HiddenSize = 6, Layers = 2, SourceLength = 4, MaxTargetLength = 5, Attention = attention,
        };
        var model = new Seq2SeqModel<double>(config, 5);
        var rng = new Rng(55);
        GradientSetup.RandomizeAll(model.Parameters, rng);
        const int B = 4;
        int[] source = GradientSetup.Tokens(rng, 4 * B, 8);
        model.Encode(source, 4, B);
        var batched = Decoding.Greedy<double>(model.Decoder, model.EncodedH, model.EncodedC, B, Start, End, 5);
        for (int b = 0; b < B; b++)
        {
            int[] one = Enumerable.Range(0, 4).Select(t => source[t * B + b]).ToArray();
            model.Encode(one, 4, 1);
            var alone = Decoding.Greedy<double>(model.Decoder, model.EncodedH, model.EncodedC, 1, Start, End, 5)[0];
            Assert.Equal(alone.Tokens, batched[b].Tokens);
            Assert.Equal(alone.LogProbability, batched[b].LogProbability, 1e-12);
        }
    }
}
