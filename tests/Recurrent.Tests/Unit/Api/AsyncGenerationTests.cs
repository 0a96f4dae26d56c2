// TextGenerator.GenerateAsync streams pieces whose concatenation is exactly the synchronous Generate text for
// the same seed (sampling and argmax, with and without a prime), and stops with OperationCanceledException
// when cancelled.
using Recurrent.Api;
using Recurrent.Data;
using Recurrent.LanguageModels;

namespace Recurrent.Tests.Api;

public sealed class AsyncGenerationTests
{
    private static TextGenerator Generator()
    {
        var tokenizer = new CharTokenizer("\n abcdefgh".Select(c => (int)c));
        var model = Model.Sequence().Embedding(tokenizer.VocabularySize, 8).Gru(16).Dense(tokenizer.VocabularySize)
            .InitWeights(Recurrent.Initialization.WeightInit.Uniform, 0.5).Build(seed: 4);
        return new TextGenerator(model, tokenizer);
    }

    [Theory]
    [InlineData("abc", 0.8, 5UL)]
    [InlineData(null, 1.0, 6UL)]
    [InlineData("h", 0.0, 7UL)]
    public async Task AsyncPiecesConcatenateToTheSynchronousText(string? prime, double temperature, ulong seed)
    {
        var generator = Generator();
        string expected = generator.Generate(prime, 200, TextGenerator.Options(temperature), seed);
        var pieces = new List<string>();
        await foreach (string piece in generator.GenerateAsync(prime, 200, temperature, seed)) pieces.Add(piece);
        Assert.Equal(expected, string.Concat(pieces));
        Assert.True(pieces.Count >= 200, "one piece per generated character");
        Assert.DoesNotContain("", pieces);
    }

    [Fact]
    public async Task CancellationEndsTheStream()
    {
        using var cts = new CancellationTokenSource();
        int count = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (string _ in Generator().GenerateAsync("a", 1000, 1.0, 1, cts.Token))
                if (++count == 10) cts.Cancel();
        });
        Assert.Equal(10, count);
    }
}
