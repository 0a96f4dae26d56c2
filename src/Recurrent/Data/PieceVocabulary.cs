// PieceVocabulary: what the word-level tokenizers (word, and jieba in Recurrent.Chinese) share once a splitter has
// cut the text into pieces: <unk> as id 0 and the pieces in id order, the lookup from a piece's text to its id
// (unknown pieces → 0), decoding by plain concatenation (no separator is ever inserted), the "words" array of
// the JSON form, and the streaming counter that builds the vocabulary — most frequent first, ties in ordinal
// order, at most MaxVocabulary kept, and a bound on the distinct pieces counted so memory stays bounded.
// Not a tokenizer: the splitting rules are the tokenizer's.
using System.Text;
using System.Text.Json;

namespace Recurrent.Data;

/// <summary>
/// Cuts <paramref name="text"/> into pieces, appends each (start, length) to <paramref name="pieces"/> and returns
/// the chars covered. Unless <paramref name="final"/>, the pieces that more text could still change are held back
/// (neither added nor counted), so a streamed text is cut exactly as the whole text.
/// </summary>
internal delegate int PieceSplitter(ReadOnlySpan<char> text, bool final, List<(int Start, int Length)> pieces);

/// <summary>A vocabulary of text pieces: id 0 is <c>&lt;unk&gt;</c>, ids 1.. the pieces.</summary>
internal sealed class PieceVocabulary
{
    /// <summary>The text of id 0.</summary>
    public const string UnknownToken = "<unk>";

    private readonly string[] _words;   // id → piece; _words[0] = "<unk>"
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>
    /// The pieces in id order (id 1 = words[0]); each must be non-empty, valid UTF-16, appear once and pass
    /// <paramref name="check"/> (which throws ArgumentException naming the word when it cannot be a piece).
    /// </summary>
    public PieceVocabulary(IEnumerable<string> words, Action<string>? check, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(words, parameterName);
        var list = new List<string> { UnknownToken };
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string word in words)
        {
            if (string.IsNullOrEmpty(word)) throw new ArgumentException("A word in the vocabulary is empty.", parameterName);
            if (!IsValidUtf16(word))
                throw new ArgumentException($"A word in the vocabulary has an unpaired surrogate ({string.Join(" ", word.Select(c => $"U+{(int)c:X4}"))}).", parameterName);
            check?.Invoke(word);
            if (!ids.TryAdd(word, list.Count))
                throw new ArgumentException($"\"{word}\" appears twice in the vocabulary.", parameterName);
            list.Add(word);
        }
        _words = [.. list];
        _lookup = ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Number of ids, <c>&lt;unk&gt;</c> included.</summary>
    public int Count => _words.Length;

    /// <summary>The vocabulary in id order, starting with <c>&lt;unk&gt;</c>.</summary>
    public IReadOnlyList<string> Words => _words;

    /// <summary>The text of a valid id.</summary>
    public string this[int id] => _words[id];

    /// <summary>Appends the id of each piece (0 for a piece outside the vocabulary).</summary>
    public void AppendIds(ReadOnlySpan<char> text, List<(int Start, int Length)> pieces, List<int> output)
    {
        foreach (var (start, length) in pieces)
            output.Add(_lookup.TryGetValue(text.Slice(start, length), out int id) ? id : 0);
    }

    /// <summary>The pieces of valid ids, concatenated.</summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var sb = new StringBuilder();
        foreach (int id in ids) sb.Append(_words[id]);
        return sb.ToString();
    }

    /// <summary>Writes <c>"words": [...]</c> (ids 1.., without <c>&lt;unk&gt;</c>).</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("words");
        for (int id = 1; id < _words.Length; id++) writer.WriteStringValue(_words[id]);
        writer.WriteEndArray();
    }

    private static bool IsValidUtf16(ReadOnlySpan<char> text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (!char.IsHighSurrogate(text[i]) || i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1])) return false;
            i++;
        }
        return true;
    }

    /// <summary>Counts the pieces of a streamed text (for building a vocabulary).</summary>
    internal sealed class Counter
    {
        private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private readonly PendingText _pending = new();
        private readonly List<(int Start, int Length)> _pieces = [];
        private readonly PieceSplitter _split;
        private readonly string _kind;
        private readonly int _maxDistinct;

        /// <summary>A counter of <paramref name="split"/>'s pieces for the tokenizer kind <paramref name="kind"/> (named in errors).</summary>
        public Counter(PieceSplitter split, string kind, int maxDistinct = int.MaxValue)
        {
            _split = split;
            _kind = kind;
            _maxDistinct = maxDistinct;
            _lookup = _counts.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public void Add(ReadOnlySpan<char> text)
        {
            _pending.Append(text);
            Count(final: false);
        }

        /// <summary>Counts whatever is held back: the end of one text (no piece spans two texts).</summary>
        public void EndText() => Count(final: true);

        /// <summary>The pieces to keep, most frequent first (ties in ordinal order), at most <paramref name="maxVocabulary"/>.</summary>
        public IEnumerable<string> Vocabulary(int? maxVocabulary)
        {
            EndText();
            var ordered = _counts.ToList();
            ordered.Sort((a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
            int keep = maxVocabulary is int max ? Math.Min(max, ordered.Count) : ordered.Count;
            return ordered.Take(keep).Select(p => p.Key);
        }

        private void Count(bool final)
        {
            ReadOnlySpan<char> text = _pending.Span;
            _pieces.Clear();
            int consumed = _split(text, final, _pieces);
            foreach (var (start, length) in _pieces)
            {
                ReadOnlySpan<char> piece = text.Slice(start, length);
                if (_lookup.TryGetValue(piece, out long n)) _lookup[piece] = n + 1;
                else if (_counts.Count >= _maxDistinct)
                    throw new CorpusException(
                        $"The corpus has more than {_maxDistinct:N0} distinct words, too many for the {_kind} tokenizer (counting them all " +
                        "would take memory that grows with the corpus, and most would be too rare to learn). " +
                        "Use --tokenizer bpe (subwords; any text) instead, or --tokenizer byte or char.");
                else _counts.Add(piece.ToString(), 1);
            }
            _pending.Consume(consumed);
        }
    }
}
