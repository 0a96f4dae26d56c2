// CharTokenizer: char-rnn's vocabulary — one token per distinct Unicode scalar value of the training text,
// ids in code point order so the same text always gives the same ids. A surrogate pair is one character.
// Encoding text with a character outside the vocabulary is an error that names the characters.
using System.Text;
using System.Text.Json;

namespace Recurrent.Data;

/// <summary>One token per Unicode scalar value; the vocabulary is sorted by code point.</summary>
public sealed class CharTokenizer : Tokenizer
{
    private const int MaxUnknownListed = 1000;
    private readonly int[] _codePoints;          // id → scalar value, ascending
    private readonly string[] _texts;            // id → the character as a string
    private readonly int[] _bmp;                 // UTF-16 code unit → id + 1 (0 = unknown), for the BMP
    private readonly Dictionary<int, int> _supplementary = new(); // scalar ≥ 0x10000 → id

    /// <summary>A tokenizer over the given Unicode scalar values (duplicates removed, sorted by code point).</summary>
    public CharTokenizer(IEnumerable<int> codePoints)
    {
        ArgumentNullException.ThrowIfNull(codePoints);
        var sorted = new SortedSet<int>();
        foreach (int cp in codePoints)
        {
            if (!Rune.IsValid(cp))
                throw new ArgumentException($"{CharDisplay.Describe(cp)} is not a Unicode scalar value.", nameof(codePoints));
            sorted.Add(cp);
        }
        if (sorted.Count == 0) throw new ArgumentException("A char vocabulary needs at least one character.", nameof(codePoints));
        _codePoints = [.. sorted];
        _texts = new string[_codePoints.Length];
        _bmp = new int[0x10000];
        for (int id = 0; id < _codePoints.Length; id++)
        {
            int cp = _codePoints[id];
            _texts[id] = char.ConvertFromUtf32(cp);
            if (cp < 0x10000) _bmp[cp] = id + 1;
            else _supplementary[cp] = id;
        }
    }

    /// <inheritdoc/>
    public override string Kind => TokenizerKinds.Char;

    /// <inheritdoc/>
    public override int VocabularySize => _codePoints.Length;

    /// <summary>The vocabulary: id i is the scalar value CodePoints[i].</summary>
    public IReadOnlyList<int> CodePoints => _codePoints;

    /// <summary>The id of a scalar value, or false when it is not in the vocabulary.</summary>
    public bool TryGetId(int codePoint, out int id)
    {
        if ((uint)codePoint < 0x10000)
        {
            id = _bmp[codePoint] - 1;
            return id >= 0;
        }
        return _supplementary.TryGetValue(codePoint, out id);
    }

    /// <inheritdoc/>
    public override string Decode(ReadOnlySpan<int> ids)
    {
        var sb = new StringBuilder(ids.Length);
        foreach (int id in ids)
        {
            CheckId(id);
            sb.Append(_texts[id]);
        }
        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string TokenText(int id)
    {
        CheckId(id);
        return _texts[id];
    }

    /// <inheritdoc/>
    public override StreamDecoder CreateStreamDecoder() => new TextStreamDecoder(this, id => _texts[id]);

    internal override int EncodePrefix(ReadOnlySpan<char> text, bool final, List<int> output, long position)
    {
        int end = text.Length;
        if (!final && end > 0 && char.IsHighSurrogate(text[end - 1])) end--; // its low half may come next
        int start = output.Count;
        List<UnknownCharacter>? unknown = null;
        HashSet<int>? unknownSeen = null;
        long occurrences = 0;
        long index = position;
        for (int i = 0; i < end; i++, index++)
        {
            int cp = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < end && char.IsLowSurrogate(text[i + 1]))
            {
                cp = char.ConvertToUtf32(text[i], text[i + 1]);
                i++;
            }
            if (!TryGetId(cp, out int id)) // a lone surrogate is never in the vocabulary
            {
                occurrences++;
                unknownSeen ??= [];
                unknown ??= [];
                if (unknownSeen.Count < MaxUnknownListed && unknownSeen.Add(cp)) unknown.Add(new UnknownCharacter(cp, index));
                continue;
            }
            output.Add(id);
        }
        if (unknown is not null)
        {
            output.RemoveRange(start, output.Count - start);
            throw new UnknownTokenException(unknown, occurrences, VocabularySize, "text");
        }
        return end;
    }

    private protected override void WriteJson(Utf8JsonWriter writer) => Json.WriteInts(writer, "codePoints", _codePoints);

    internal static CharTokenizer ReadJson(JsonElement root)
    {
        int[] codePoints = Json.IntArray(root, "codePoints");
        for (int i = 1; i < codePoints.Length; i++)
            if (codePoints[i] <= codePoints[i - 1])
                throw Invalid("\"codePoints\" is not strictly ascending");
        return new CharTokenizer(codePoints);
    }
}
