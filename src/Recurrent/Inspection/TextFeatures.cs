// TextFeatures: simple facts about each position of a text that a character model's units are known to track
// (Karpathy 2015, "The Unreasonable Effectiveness of Recurrent Neural Networks"; Karpathy, Johnson & Fei-Fei 2015):
// being inside quotes or brackets, the position in the line, the start of a line or word, and what kind of character
// is read. Each feature is one number per character (0/1, or a count for the line position); ForTokens gives them per
// token for word and BPE models (the features of the token's first character). They are what UnitCorrelation
// compares the units with; they describe the text, not the model.
namespace Recurrent.Inspection;

/// <summary>Per-position features of a text for correlating with hidden units.</summary>
public static class TextFeatures
{
    /// <summary>The features, in the order <see cref="Compute"/> returns them: (name, what it measures).</summary>
    public static IReadOnlyList<(string Name, string Description)> All { get; } =
    [
        ("in double quotes", "an odd number of \" before this character (the opening quote is outside, the closing one inside)"),
        ("in single quotes", "inside a '...' pair: opened by ' not after a letter or digit and before one, closed by ' after one and not before one (apostrophes in words are ignored)"),
        ("in brackets", "inside (), [] or {}: more opening than closing brackets before this character"),
        ("line position", "characters since the last newline (0 for the first character of a line)"),
        ("line start", "the first character of a line"),
        ("word start", "a letter or digit after a character that is not one, nor an apostrophe inside a word (the s of it's)"),
        ("caps line", "in a line with at least two letters, all upper case (speaker names in plays; the line's newline included)"),
        ("uppercase", "an upper-case letter"),
        ("vowel", "one of a e i o u, either case"),
        ("whitespace", "space, tab or newline"),
        ("punctuation", "a punctuation mark or symbol"),
    ];

    /// <summary>The index of the feature named <paramref name="name"/> in <see cref="All"/>, or -1.</summary>
    public static int IndexOf(string name)
    {
        for (int i = 0; i < All.Count; i++) if (All[i].Name == name) return i;
        return -1;
    }

    /// <summary>Every feature for every character of <paramref name="text"/>: [feature][position], position = char index.</summary>
    public static float[][] Compute(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int n = text.Length;
        var f = new float[All.Count][];
        for (int k = 0; k < f.Length; k++) f[k] = new float[n];
        bool doubleOpen = false, singleOpen = false;
        int depth = 0, column = 0;
        for (int i = 0; i < n; i++)
        {
            char c = text[i];
            char prev = i > 0 ? text[i - 1] : '\n', next = i + 1 < n ? text[i + 1] : '\n';
            // States before this character.
            f[0][i] = doubleOpen ? 1 : 0;
            f[1][i] = singleOpen ? 1 : 0;
            f[2][i] = depth > 0 ? 1 : 0;
            f[3][i] = column;
            f[4][i] = prev == '\n' ? 1 : 0;
            bool inWordApostrophe = prev == '\'' && i >= 2 && char.IsLetterOrDigit(text[i - 2]); // the s of it's
            f[5][i] = char.IsLetterOrDigit(c) && !char.IsLetterOrDigit(prev) && !inWordApostrophe ? 1 : 0;
            f[7][i] = char.IsUpper(c) ? 1 : 0;
            f[8][i] = "aeiouAEIOU".Contains(c) ? 1 : 0;
            f[9][i] = char.IsWhiteSpace(c) ? 1 : 0;
            f[10][i] = char.IsPunctuation(c) || char.IsSymbol(c) ? 1 : 0;
            // This character updates them for the next one.
            if (c == '"') doubleOpen = !doubleOpen;
            if (c == '\'')
            {
                bool after = char.IsLetterOrDigit(prev), before = char.IsLetterOrDigit(next);
                if (!singleOpen && !after && before) singleOpen = true;
                else if (singleOpen && after && !before) singleOpen = false;
            }
            if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}' && depth > 0) depth--;
            column = c == '\n' ? 0 : column + 1;
        }
        MarkCapsLines(text, f[6]);
        return f;
    }

    // caps line (n): 1 for every character of a line (its newline included) with at least two letters, all upper case.
    private static void MarkCapsLines(string text, float[] caps)
    {
        int start = 0;
        while (start < text.Length)
        {
            int end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1; // [start, end) includes the newline
            int letters = 0;
            bool allUpper = true;
            for (int i = start; i < end; i++)
                if (char.IsLetter(text[i])) { letters++; allUpper &= char.IsUpper(text[i]); }
            if (letters >= 2 && allUpper) caps.AsSpan(start, end - start).Fill(1);
            start = end;
        }
    }

    /// <summary>
    /// The features per token, given each token's text as decoded (their concatenation is the text): [feature][token],
    /// each the value at the token's first character in the concatenation (a token with no text of its own takes the
    /// value at the next character, or 0 at the end).
    /// </summary>
    public static float[][] ForTokens(IReadOnlyList<string> pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        string text = string.Concat(pieces);
        float[][] chars = Compute(text);
        var f = new float[All.Count][];
        for (int k = 0; k < f.Length; k++) f[k] = new float[pieces.Count];
        int offset = 0;
        for (int t = 0; t < pieces.Count; t++)
        {
            if (offset < text.Length)
                for (int k = 0; k < f.Length; k++) f[k][t] = chars[k][offset];
            offset += pieces[t].Length;
        }
        return f;
    }
}
