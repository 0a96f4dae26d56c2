// UnknownTokenException: text given to the char tokenizer (a prime, an evaluation file) holds characters its
// vocabulary lacks. The message lists each distinct offending character — printable ones quoted, all with
// their code point (U+1F600) — and the position where it first occurs.
using System.Globalization;
using System.Text;

namespace Recurrent.Data;

/// <summary>A character outside a vocabulary and the position (in characters) where it first occurs.</summary>
/// <param name="CodePoint">The Unicode scalar value (or a lone surrogate's code unit).</param>
/// <param name="Position">Index in Unicode scalar values from the start of the text.</param>
public readonly record struct UnknownCharacter(int CodePoint, long Position)
{
    /// <summary>The character for a message: <c>'é' (U+00E9)</c>, or only <c>U+200B</c> when it would not show.</summary>
    public override string ToString() => CharDisplay.Describe(CodePoint);
}

/// <summary>
/// Text holds characters that are not in the tokenizer's vocabulary. <see cref="Characters"/> lists each
/// distinct one with its first position; the message names them.
/// </summary>
public sealed class UnknownTokenException : ArgumentException
{
    private const int MaxListed = 12;

    /// <summary>Creates the exception for the given distinct characters (in order of first occurrence).</summary>
    public UnknownTokenException(IReadOnlyList<UnknownCharacter> characters, long occurrences, int vocabularySize, string? paramName = null)
        : base(BuildMessage(characters, occurrences, vocabularySize), paramName)
    {
        Characters = characters;
        Occurrences = occurrences;
    }

    /// <summary>Each distinct unknown character with the position of its first occurrence.</summary>
    public IReadOnlyList<UnknownCharacter> Characters { get; }

    /// <summary>How many characters of the text are unknown in total.</summary>
    public long Occurrences { get; }

    private static string BuildMessage(IReadOnlyList<UnknownCharacter> characters, long occurrences, int vocabularySize)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"The text has {characters.Count} distinct character{(characters.Count == 1 ? "" : "s")} ({occurrences} in all) outside the vocabulary of {vocabularySize}: ");
        for (int i = 0; i < Math.Min(characters.Count, MaxListed); i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(CultureInfo.InvariantCulture, $"{characters[i]} first at character {characters[i].Position}");
        }
        if (characters.Count > MaxListed) sb.Append(CultureInfo.InvariantCulture, $", and {characters.Count - MaxListed} more");
        sb.Append(". Remove or replace them, or use a model whose vocabulary has them (a byte, word or bpe tokenizer accepts any text).");
        return sb.ToString();
    }
}

/// <summary>Formats code points for messages.</summary>
internal static class CharDisplay
{
    /// <summary><c>'x' (U+0078)</c> for letters, digits, punctuation, symbols and the space; <c>U+XXXX</c> otherwise.</summary>
    public static string Describe(int codePoint)
    {
        string hex = $"U+{codePoint:X4}";
        if (!Rune.IsValid(codePoint)) return hex;
        var rune = new Rune(codePoint);
        bool printable = codePoint == ' ' || Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation
                or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
                or UnicodeCategory.OtherSymbol => true,
            _ => false,
        };
        return printable ? $"'{rune}' ({hex})" : hex;
    }
}
