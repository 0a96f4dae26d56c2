// JiebaSplitter: the jieba tokenizer's pieces, lossless (they concatenate back to the text):
//   - a run of Chinese characters in jieba's range U+4E00–U+9FD5 is cut by jieba (precise mode, HMM for words
//     its dictionary lacks); a run longer than MaxRun characters — no punctuation, space or newline in 4,096
//     characters, which real text never has — is cut into blocks of MaxRun from its start first, so memory stays
//     bounded whatever the input;
//   - everything between such runs is split by the word tokenizer's rules (WordSplitter: words of letters and
//     digits, single punctuation, whitespace runs, single kana and other ideographs).
// A piece never spans a Chinese/other boundary, and a run's pieces depend only on the run, so a streamed text is
// cut exactly as the whole text when the open run at the end (or WordSplitter's last two pieces) is held back.
// That is what makes streaming exact at any chunk boundary, even one inside a word.
using Recurrent.Data;

namespace Recurrent.Chinese;

internal static class JiebaSplitter
{
    /// <summary>Longest block of Chinese characters given to jieba at once.</summary>
    public const int MaxRun = 4096;

    /// <summary>True for the characters jieba segments (its regular expression's range).</summary>
    public static bool IsHan(char c) => c is >= '\u4E00' and <= '\u9FD5';

    /// <summary>See <see cref="PieceSplitter"/>: the pieces of <paramref name="text"/>, holding back an open run unless final.</summary>
    public static int Split(ReadOnlySpan<char> text, bool final, List<(int Start, int Length)> pieces)
    {
        int pos = 0;
        while (pos < text.Length)
        {
            int end = pos;
            if (IsHan(text[pos]))
            {
                while (end < text.Length && end - pos < MaxRun && IsHan(text[end])) end++;
                if (!final && end == text.Length && end - pos < MaxRun) return pos; // the run may go on
                Cut(text[pos..end], pos, pieces);
            }
            else
            {
                while (end < text.Length && !IsHan(text[end])) end++;
                bool open = !final && end == text.Length;
                int first = pieces.Count;
                int consumed = WordSplitter.Split(text[pos..end], final: !open, pieces);
                for (int i = first; i < pieces.Count; i++) pieces[i] = (pieces[i].Start + pos, pieces[i].Length);
                if (open) return pos + consumed;
            }
            pos = end;
        }
        return text.Length;
    }

    /// <summary>The pieces of a string, as strings (for display and tests).</summary>
    public static List<string> Pieces(string text)
    {
        var pieces = new List<(int Start, int Length)>();
        Split(text, final: true, pieces);
        return pieces.ConvertAll(p => text.Substring(p.Start, p.Length));
    }

    private static void Cut(ReadOnlySpan<char> run, int offset, List<(int Start, int Length)> pieces)
    {
        int at = 0;
        foreach (string word in JiebaData.Cut(run.ToString()))
        {
            if (word.Length == 0) continue;
            if (at + word.Length > run.Length || !run.Slice(at, word.Length).SequenceEqual(word))
                throw new InvalidOperationException($"jieba cut \"{run}\" into pieces that do not add up to it (\"{word}\" at {at}).");
            pieces.Add((offset + at, word.Length));
            at += word.Length;
        }
        if (at != run.Length)
            throw new InvalidOperationException($"jieba cut \"{run}\" into pieces that do not add up to it ({at} of {run.Length} characters).");
    }
}
