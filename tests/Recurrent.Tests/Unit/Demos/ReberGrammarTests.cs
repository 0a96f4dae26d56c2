// The embedded Reber grammar task: the generator only makes grammatical strings (checked by a regular
// expression written here from the grammar's graph), the legal-successor sets agree with what the generator
// actually produces, and an LSTM learns to predict every next symbol legally on held-out strings.
using System.Text.RegularExpressions;
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Demos;

namespace Recurrent.Tests.Demos;

public sealed class ReberGrammarTests
{
    // Reber strings: B, then either T S* X or P T* V P into the X/S node, loops (X T* V P)*, then S or X T* V V;
    // or straight P T* V V; then E.
    private const string Reber = "B(?:(?:TS*X|PT*VP)(?:XT*VP)*(?:S|XT*VV)|PT*VV)E";
    private static readonly Regex Embedded = new($"^B(?:T{Reber}T|P{Reber}P)E$", RegexOptions.Compiled);

    [Fact]
    public void GeneratorMakesOnlyGrammaticalStringsOfBothBranches()
    {
        var rng = new Rng(3);
        int t = 0, p = 0;
        for (int i = 0; i < 3000; i++)
        {
            string s = ReberGrammar.Generate(rng);
            Assert.Matches(Embedded, s);
            if (s[1] == 'T') t++; else p++;
        }
        Assert.InRange(t, 1300, 1700);
        Assert.InRange(p, 1300, 1700);
    }

    [Fact]
    public void TheAcceptorRejectsBrokenStrings()
    {
        // The test's regular expression must be able to fail: wrong second-to-last symbol, broken inner strings.
        Assert.Matches(Embedded, "BTBTXSETE");
        Assert.DoesNotMatch(Embedded, "BTBTXSEPE");
        Assert.DoesNotMatch(Embedded, "BTBTXXETE");
        Assert.DoesNotMatch(Embedded, "BPBPVPEPE");
        Assert.Throws<ArgumentException>(() => ReberGrammar.LegalNext("BTBTXSEPE"));
        Assert.Throws<ArgumentException>(() => ReberGrammar.LegalNext("BTBTXXETE"));
    }

    [Fact]
    public void LegalSuccessorsAreExactlyTheSymbolsTheGrammarProducesAfterEachPrefix()
    {
        var rng = new Rng(11);
        var seen = new Dictionary<string, (int Count, int Mask)>();
        var strings = Enumerable.Range(0, 4000).Select(_ => ReberGrammar.Generate(rng)).ToArray();
        foreach (string s in strings)
            for (int t = 0; t < s.Length - 1; t++)
            {
                string prefix = s[..(t + 1)];
                seen.TryGetValue(prefix, out var e);
                seen[prefix] = (e.Count + 1, e.Mask | 1 << ReberGrammar.Alphabet.IndexOf(s[t + 1]));
            }
        int checkedPrefixes = 0;
        foreach (string s in strings)
        {
            int[] legal = ReberGrammar.LegalNext(s);
            Assert.Equal(s.Length - 1, legal.Length);
            for (int t = 0; t < legal.Length; t++)
            {
                var (count, mask) = seen[s[..(t + 1)]];
                Assert.True((mask & ~legal[t]) == 0, $"'{s[..(t + 1)]}' was followed by a symbol outside the legal set");
                if (count >= 30) { Assert.Equal(mask, legal[t]); checkedPrefixes++; }
            }
        }
        Assert.True(checkedPrefixes > 10_000, $"only {checkedPrefixes} well-sampled prefixes");
        // the long-range position: after the inner string only the second symbol may follow
        Assert.Equal(1 << ReberGrammar.Id('P'), ReberGrammar.LegalNext("BPBTXSEPE")[6]);
    }

    [Fact]
    public void LstmPredictsEveryNextSymbolLegallyOnHeldOutStrings()
    {
        var result = ReberGrammar.Run(new ReberGrammarOptions { Cell = CellKind.Lstm, Seed = 5 });
        Assert.True(result.Passed, $"string accuracy {result.Metric}");
        Assert.Equal(1.0, result.LongRangeAccuracy);
        Assert.Equal(1.0, result.PositionAccuracy);
    }

    [Fact]
    public void AnUntrainedModelFailsTheCriterion()
    {
        var result = ReberGrammar.Run(new ReberGrammarOptions { MaxSteps = 1, EvaluateEvery = 1, LearningRate = 1e-6 });
        Assert.False(result.Passed);
        Assert.True(result.PositionAccuracy < 0.5, $"position accuracy {result.PositionAccuracy}");
    }
}
