// WordTokenizer: a word-level vocabulary over WordSplitter's pieces (words, single punctuation characters,
// whitespace runs, single CJK characters), most frequent first, with <unk> as id 0. Decode(Encode(text)) is
// text whenever every piece of it is in the vocabulary; an unknown piece decodes as "<unk>".
using System.Text;
using System.Text.Json;

namespace Recurrent.Data;

/// <summary>
/// Word-level tokenizer: id 0 is <c>&lt;unk&gt;</c>, ids 1.. are pieces (see the splitting rules in the
/// documentation of <see cref="TokenizerFactory"/>) ordered by training frequency, most frequent first,
/// ties in ordinal order.
/// </summary>
public sealed class WordTokenizer : Tokenizer
{
    /// <summary>The text of id 0.</summary>
    public const string UnknownToken = "<unk>";

    private readonly string[] _words;   // id → piece; _words[0] = "<unk>"
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>
    /// A tokenizer over <paramref name="words"/> in id order (id 1 = words[0]); each must be a single piece
    /// of the splitting rules (so it can ever be produced) and appear once.
    /// </summary>
    public WordTokenizer(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var list = new List<string> { UnknownToken };
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var pieces = new List<(int, int)>(2);
        foreach (string word in words)
        {
            if (string.IsNullOrEmpty(word)) throw new ArgumentException("A word in the vocabulary is empty.", nameof(words));
            if (!IsValidUtf16(word))
                throw new ArgumentException($"A word in the vocabulary has an unpaired surrogate ({string.Join(" ", word.Select(c => $"U+{(int)c:X4}"))}).", nameof(words));
            pieces.Clear();
            WordSplitter.Split(word, final: true, pieces);
            if (pieces.Count != 1)
                throw new ArgumentException($"\"{word}\" is not a single piece of the word tokenizer's splitting rules.", nameof(words));
            if (!ids.TryAdd(word, list.Count))
                throw new ArgumentException($"\"{word}\" appears twice in the vocabulary.", nameof(words));
            list.Add(word);
        }
        _words = [.. list];
        _lookup = ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <inheritdoc/>
    public override string Kind => TokenizerKinds.Word;

    /// <inheritdoc/>
    public override int VocabularySize => _words.Length;

    /// <inheritdoc/>
    public override int? UnknownId => 0;

    /// <summary>The vocabulary in id order, starting with <c>&lt;unk&gt;</c>.</summary>
    public IReadOnlyList<string> Words => _words;

    /// <inheritdoc/>
    public override string Decode(ReadOnlySpan<int> ids)
    {
        var sb = new StringBuilder();
        foreach (int id in ids)
        {
            CheckId(id);
            sb.Append(_words[id]);
        }
        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string TokenText(int id)
    {
        CheckId(id);
        return _words[id];
    }

    /// <inheritdoc/>
    public override StreamDecoder CreateStreamDecoder() => new TextStreamDecoder(this, id => _words[id]);

    internal override int EncodePrefix(ReadOnlySpan<char> text, bool final, List<int> output, long position)
    {
        var pieces = new List<(int Start, int Length)>();
        int consumed = WordSplitter.Split(text, final, pieces);
        foreach (var (start, length) in pieces)
            output.Add(_lookup.TryGetValue(text.Slice(start, length), out int id) ? id : 0);
        return consumed;
    }

    private protected override void WriteJson(Utf8JsonWriter writer)
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

    internal static WordTokenizer ReadJson(JsonElement root) => new(Json.StringArray(root, "words"));

    /// <summary>Counts the pieces of a streamed text (for building a vocabulary).</summary>
    internal sealed class Counter
    {
        private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private readonly PendingText _pending = new();
        private readonly List<(int Start, int Length)> _pieces = [];
        private readonly int _maxDistinct;

        public Counter(int maxDistinct = int.MaxValue)
        {
            _maxDistinct = maxDistinct;
            _lookup = _counts.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public void Add(ReadOnlySpan<char> text)
        {
            _pending.Append(text);
            Count(final: false);
        }

        public void EndText() => Count(final: true);

        public WordTokenizer Build(int? maxVocabulary)
        {
            EndText();
            var ordered = _counts.ToList();
            ordered.Sort((a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
            int keep = maxVocabulary is int max ? Math.Min(max, ordered.Count) : ordered.Count;
            return new WordTokenizer(ordered.Take(keep).Select(p => p.Key));
        }

        private void Count(bool final)
        {
            ReadOnlySpan<char> text = _pending.Span;
            _pieces.Clear();
            int consumed = WordSplitter.Split(text, final, _pieces);
            foreach (var (start, length) in _pieces)
            {
                ReadOnlySpan<char> piece = text.Slice(start, length);
                if (_lookup.TryGetValue(piece, out long n)) _lookup[piece] = n + 1;
                else if (_counts.Count >= _maxDistinct)
                    throw new CorpusException(
                        $"The corpus has more than {_maxDistinct:N0} distinct words, too many for the word tokenizer (counting them all " +
                        "would take memory that grows with the corpus, and most would be too rare to learn). " +
                        "Use --tokenizer bpe (subwords; any text) instead, or --tokenizer byte or char.");
                else _counts.Add(piece.ToString(), 1);
            }
            _pending.Consume(consumed);
        }
    }
}
