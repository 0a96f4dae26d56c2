// WordSplitter: the word tokenizer's segmentation rules, Unicode-aware and lossless (the pieces concatenate
// back to the text):
//   - a word is a run of letters, combining marks and numbers; an apostrophe (' or U+2019) between two
//     letters stays inside it ("don't" is one word);
//   - each CJK ideograph and each kana is a piece of its own (those scripts do not separate words);
//   - a run of whitespace is one piece; every other character (punctuation, symbol, emoji, control) is a
//     piece of its own;
//   - combining marks after a piece stay with it (é written as e + U+0301, emoji variation selectors);
//   - runs are cut every 64 characters so a pathological input (a base64 blob) cannot grow one piece forever.
// A piece boundary depends only on the text from the piece's start and at most two characters after its
// end, so a streamed text is split exactly as the whole text when the last two pieces are held back.
using System.Globalization;
using System.Text;

namespace Recurrent.Data;

internal static class WordSplitter
{
    /// <summary>Longest run (in characters) of letters, whitespace or trailing marks in one piece.</summary>
    public const int MaxRun = 64;

    /// <summary>
    /// Appends the (start, length) of each piece of <paramref name="text"/> to <paramref name="pieces"/> and
    /// returns the chars covered. Unless <paramref name="final"/>, the last two pieces are held back (not
    /// added, not counted) because more text could change them.
    /// </summary>
    public static int Split(ReadOnlySpan<char> text, bool final, List<(int Start, int Length)> pieces)
    {
        int first = pieces.Count;
        int pos = 0;
        while (pos < text.Length)
        {
            int start = pos;
            Rune r = Next(text, ref pos);
            if (Rune.IsWhiteSpace(r))
            {
                int count = 1;
                while (count < MaxRun && pos < text.Length && Rune.IsWhiteSpace(Peek(text, pos, out int w))) { pos += w; count++; }
            }
            else if (IsWordRune(r) && !IsSingle(r))
            {
                int count = 1;
                Rune previous = r;
                while (count < MaxRun && pos < text.Length)
                {
                    Rune n = Peek(text, pos, out int w);
                    if (IsWordRune(n) && !IsSingle(n))
                    {
                        pos += w; count++; previous = n;
                        continue;
                    }
                    if (IsApostrophe(n) && Rune.IsLetter(previous) && count + 1 < MaxRun && pos + w < text.Length)
                    {
                        Rune after = Peek(text, pos + w, out int w2);
                        if (Rune.IsLetter(after) && !IsSingle(after))
                        {
                            pos += w + w2; count += 2; previous = after;
                            continue;
                        }
                    }
                    break;
                }
            }
            else
            {
                // A single ideograph, kana, punctuation, symbol or control, with any combining marks after it.
                int count = 0;
                while (count < MaxRun && pos < text.Length && IsMark(Peek(text, pos, out int w))) { pos += w; count++; }
            }
            pieces.Add((start, pos - start));
        }
        if (final) return text.Length;
        int keep = Math.Min(2, pieces.Count - first);
        int consumed = keep == 0 ? text.Length : pieces[pieces.Count - keep].Start;
        pieces.RemoveRange(pieces.Count - keep, keep);
        return consumed;
    }

    /// <summary>True for each CJK ideograph and kana, which are pieces of their own.</summary>
    public static bool IsSingle(Rune r)
    {
        int v = r.Value;
        return v is >= 0x3040 and <= 0x30FF      // Hiragana, Katakana
            or >= 0x3005 and <= 0x3007           // 々 〆 〇
            or >= 0x31F0 and <= 0x31FF           // Katakana phonetic extensions
            or >= 0x3400 and <= 0x4DBF           // CJK Extension A
            or >= 0x4E00 and <= 0x9FFF           // CJK Unified Ideographs
            or >= 0xF900 and <= 0xFAFF           // CJK Compatibility Ideographs
            or >= 0xFF66 and <= 0xFF9F           // Halfwidth Katakana
            or >= 0x20000 and <= 0x3FFFF;        // Supplementary and Tertiary Ideographic Planes
    }

    private static bool IsWordRune(Rune r) => Rune.IsLetterOrDigit(r) || IsMark(r) || Rune.IsNumber(r);

    private static bool IsMark(Rune r) => Rune.GetUnicodeCategory(r) is UnicodeCategory.NonSpacingMark
        or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    private static bool IsApostrophe(Rune r) => r.Value is '\'' or '\u2019';

    /// <summary>The rune at pos (a lone surrogate reads as U+FFFD, one char wide) and advances pos.</summary>
    private static Rune Next(ReadOnlySpan<char> text, ref int pos)
    {
        Rune r = Peek(text, pos, out int width);
        pos += width;
        return r;
    }

    private static Rune Peek(ReadOnlySpan<char> text, int pos, out int width)
    {
        if (Rune.DecodeFromUtf16(text[pos..], out Rune r, out width) != System.Buffers.OperationStatus.Done)
        {
            width = 1;
            return Rune.ReplacementChar;
        }
        return r;
    }
}
