// Seq2SeqVocabulary: the character vocabulary of an encoder–decoder, shared by sources and targets, with three
// special tokens first: 0 pad (fills short sources), 1 start (the decoder's first input), 2 end (the decoder's
// last output). Characters are Unicode scalar values, ordered by code point after the specials.
using System.Text;
using System.Text.Json;
using Recurrent.Data;

namespace Recurrent.Seq2Seq;

/// <summary>Character vocabulary with pad, start and end tokens for sequence-to-sequence models.</summary>
public sealed class Seq2SeqVocabulary
{
    /// <summary>Id of the padding token.</summary>
    public const int Pad = 0;
    /// <summary>Id of the start token, the decoder's first input.</summary>
    public const int Start = 1;
    /// <summary>Id of the end token, the decoder's last target.</summary>
    public const int End = 2;
    /// <summary>Number of special tokens before the characters.</summary>
    public const int Specials = 3;

    private readonly int[] _codePoints;
    private readonly Vocabulary _symbols; // the specials, then each character as a string

    /// <summary>A vocabulary of the given characters (Unicode scalar values; duplicates removed, sorted).</summary>
    public Seq2SeqVocabulary(IEnumerable<int> codePoints)
    {
        ArgumentNullException.ThrowIfNull(codePoints);
        _codePoints = codePoints.Distinct().Order().ToArray();
        foreach (int cp in _codePoints)
            if (!Rune.IsValid(cp)) throw new ArgumentException($"{cp} is not a Unicode scalar value.", nameof(codePoints));
        _symbols = new Vocabulary(_codePoints.Select(cp => char.ConvertFromUtf32(cp)), ["<pad>", "<s>", "</s>"]);
    }

    /// <summary>The vocabulary of every character in <paramref name="texts"/>.</summary>
    public static Seq2SeqVocabulary FromTexts(IEnumerable<string> texts) =>
        new(texts.SelectMany(t => t.EnumerateRunes()).Select(r => r.Value));

    /// <summary>Specials plus characters.</summary>
    public int Size => Specials + _codePoints.Length;

    /// <summary>The characters, by id − <see cref="Specials"/>.</summary>
    public IReadOnlyList<int> CodePoints => _codePoints;

    /// <summary>The table of ids: the three specials, then each character as a string.</summary>
    public Vocabulary Symbols => _symbols;

    /// <summary>Ids of the characters of <paramref name="text"/>; throws ArgumentException naming the first unknown character.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length);
        int offset = 0;
        foreach (Rune r in text.EnumerateRunes())
        {
            if (!_symbols.TryGetId(r.ToString(), out int id) || id < Specials)
                throw new ArgumentException($"the character '{r}' (U+{r.Value:X4}) at offset {offset} is not in the model's vocabulary.", nameof(text));
            ids.Add(id);
            offset += r.Utf16SequenceLength;
        }
        return ids.ToArray();
    }

    /// <summary>The text of character ids; special tokens are skipped.</summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var sb = new StringBuilder(ids.Length);
        foreach (int id in ids)
            if (id >= Specials && id < Size) sb.Append(new Rune(_codePoints[id - Specials]).ToString());
        return sb.ToString();
    }

    /// <summary>JSON form stored in model files: {"specials":["&lt;pad&gt;","&lt;s&gt;","&lt;/s&gt;"],"code_points":[...]}.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["specials"] = new[] { "<pad>", "<s>", "</s>" },
        ["code_points"] = _codePoints,
    });

    /// <summary>Reads <see cref="ToJson"/>'s form; throws InvalidDataException when it is not one.</summary>
    public static Seq2SeqVocabulary FromJson(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var cps = doc.RootElement.GetProperty("code_points").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            return new Seq2SeqVocabulary(cps);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"The seq2seq vocabulary cannot be read: {e.Message}");
        }
    }
}
