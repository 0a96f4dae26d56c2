// TextFeatures on a short text worked out by hand (quotes, brackets, line positions, word starts, an all-caps line,
// an apostrophe inside a word), and per token: the features of each token's first character, an empty token taking
// the next character's, none at the end.
using Recurrent.Inspection;

namespace Recurrent.Tests.Inspection;

public sealed class TextFeaturesTests
{
    //                          0123456 7 89012 3 4567 89012345
    private const string Text = "Hi \"yo\"\n(a b)\nAB:\n'x' it's";

    private static float[] Ones(params int[] at)
    {
        var v = new float[Text.Length];
        foreach (int i in at) v[i] = 1;
        return v;
    }

    private static float[] Feature(string name) => TextFeatures.Compute(Text)[TextFeatures.IndexOf(name)];

    [Fact]
    public void EachFeatureMatchesTheHandWorkedValues()
    {
        Assert.Equal(26, Text.Length);
        Assert.Equal(Ones(4, 5, 6), Feature("in double quotes"));       // the closing quote counts as inside
        Assert.Equal(Ones(19, 20), Feature("in single quotes"));        // 'x' only; the ' of it's is an apostrophe
        Assert.Equal(Ones(9, 10, 11, 12), Feature("in brackets"));
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7 }, Feature("line position"));
        Assert.Equal(Ones(0, 8, 14, 18), Feature("line start"));
        Assert.Equal(Ones(0, 4, 9, 11, 14, 19, 22), Feature("word start"));
        Assert.Equal(Ones(14, 15, 16, 17), Feature("caps line"));        // "AB:\n", its newline included
        Assert.Equal(Ones(0, 14, 15), Feature("uppercase"));
        Assert.Equal(Ones(1, 5, 9, 14, 22), Feature("vowel"));
        Assert.Equal(Ones(2, 7, 10, 13, 17, 21), Feature("whitespace"));
        Assert.Equal(Ones(3, 6, 8, 12, 16, 18, 20, 24), Feature("punctuation"));
    }

    [Fact]
    public void EveryFeatureHasOneValuePerCharacter()
    {
        float[][] f = TextFeatures.Compute(Text);
        Assert.Equal(TextFeatures.All.Count, f.Length);
        Assert.All(f, row => Assert.Equal(Text.Length, row.Length));
        Assert.Equal(-1, TextFeatures.IndexOf("no such feature"));
        Assert.All(TextFeatures.Compute(""), row => Assert.Empty(row));
    }

    [Fact]
    public void TokensTakeTheFeaturesOfTheirFirstCharacter()
    {
        float[][] f = TextFeatures.ForTokens(["Hi", " ", "\"yo\"", "\n", "AB"]);
        Assert.Equal(new float[] { 0, 2, 3, 7, 0 }, f[TextFeatures.IndexOf("line position")]);
        Assert.Equal(new float[] { 0, 0, 0, 0, 0 }, f[TextFeatures.IndexOf("in double quotes")]); // the token starts at the opening quote
        Assert.Equal(new float[] { 0, 1, 0, 1, 0 }, f[TextFeatures.IndexOf("whitespace")]);
        Assert.Equal(new float[] { 0, 0, 0, 0, 1 }, f[TextFeatures.IndexOf("caps line")]);

        float[][] g = TextFeatures.ForTokens(["a", "", "B", ""]);
        Assert.Equal(new float[] { 0, 1, 1, 0 }, g[TextFeatures.IndexOf("uppercase")]); // empty: the next character's, or 0 at the end
    }
}
