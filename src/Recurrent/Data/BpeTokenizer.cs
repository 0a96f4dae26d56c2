// BpeTokenizer: tiktoken byte-pair encoding (cl100k_base or o200k_base, through Microsoft.ML.Tokenizers)
// with a compact vocabulary: only the original ids that occur in the training text get an id (1..V-1, in
// original id order), everything else maps to <unk> (0), so the model's softmax has V rows, not 100k-200k.
// The JSON form stores the base encoding name and the original id of each compact id.
using System.Text;
using System.Text.Json;

namespace Recurrent.Data;

/// <summary>
/// tiktoken BPE restricted to the ids seen in training. Compact id 0 is <c>&lt;unk&gt;</c>; compact id i ≥ 1 is
/// original id <see cref="OriginalIds"/>[i - 1].
/// </summary>
public sealed class BpeTokenizer : Tokenizer
{
    /// <summary>The text of id 0.</summary>
    public const string UnknownToken = "<unk>";
    private static readonly byte[] UnknownBytes = Encoding.UTF8.GetBytes(UnknownToken);

    private readonly TiktokenData _data;
    private readonly int[] _originalIds;          // compact id - 1 → original id, ascending
    private readonly int[] _compact;              // original id → compact id (0 = unknown)
    private readonly ReadOnlyMemory<byte>[] _bytes; // compact id → bytes

    /// <summary>
    /// A tokenizer over base encoding <paramref name="encoding"/> (see <see cref="Encodings"/>) keeping the given
    /// original ids (duplicates removed, sorted).
    /// </summary>
    public BpeTokenizer(string encoding, IEnumerable<int> originalIds)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentNullException.ThrowIfNull(originalIds);
        _data = TiktokenData.Get(encoding);
        var sorted = new SortedSet<int>();
        foreach (int id in originalIds)
        {
            if ((uint)id >= (uint)_data.IdLimit || _data.TokenBytes[id] is null)
                throw new ArgumentException($"{id} is not a token id of {encoding}.", nameof(originalIds));
            sorted.Add(id);
        }
        _originalIds = [.. sorted];
        _compact = new int[_data.IdLimit];
        _bytes = new ReadOnlyMemory<byte>[_originalIds.Length + 1];
        _bytes[0] = UnknownBytes;
        for (int i = 0; i < _originalIds.Length; i++)
        {
            _compact[_originalIds[i]] = i + 1;
            _bytes[i + 1] = _data.TokenBytes[_originalIds[i]];
        }
    }

    /// <summary>The supported base encodings: cl100k_base (GPT-4) and o200k_base (GPT-4o).</summary>
    public static IReadOnlyCollection<string> Encodings => TiktokenData.Names;

    /// <inheritdoc/>
    public override string Kind => TokenizerKinds.Bpe;

    /// <inheritdoc/>
    public override int VocabularySize => _originalIds.Length + 1;

    /// <inheritdoc/>
    public override int? UnknownId => 0;

    /// <summary>The base tiktoken encoding name.</summary>
    public string BaseEncoding => _data.Name;

    /// <summary>Original (tiktoken) id of each compact id 1..V-1, ascending.</summary>
    public IReadOnlyList<int> OriginalIds => _originalIds;

    /// <summary>The compact id of an original tiktoken id (0 when it was not kept).</summary>
    public int ToCompact(int originalId) => (uint)originalId < (uint)_compact.Length ? _compact[originalId] : 0;

    /// <summary>The original tiktoken id of compact id ≥ 1.</summary>
    public int ToOriginal(int compactId)
    {
        if (compactId <= 0 || compactId >= VocabularySize)
            throw new ArgumentOutOfRangeException(nameof(compactId), compactId, $"Compact id must be in [1, {VocabularySize}); 0 is <unk>.");
        return _originalIds[compactId - 1];
    }

    /// <summary>The UTF-8 bytes of a token (<c>&lt;unk&gt;</c> for id 0).</summary>
    public ReadOnlyMemory<byte> TokenBytes(int id)
    {
        CheckId(id);
        return _bytes[id];
    }

    /// <inheritdoc/>
    public override string Decode(ReadOnlySpan<int> ids)
    {
        var bytes = new List<byte>(ids.Length * 4);
        foreach (int id in ids)
        {
            CheckId(id);
            bytes.AddRange(_bytes[id].Span);
        }
        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
    }

    /// <summary>The token's text when its bytes are complete UTF-8; otherwise its bytes as <c>&lt;0x20 0xE2 0x80&gt;</c>.</summary>
    public override string TokenText(int id)
    {
        CheckId(id);
        ReadOnlySpan<byte> bytes = _bytes[id].Span;
        if (System.Text.Unicode.Utf8.IsValid(bytes)) return Encoding.UTF8.GetString(bytes);
        return "<" + string.Join(" ", bytes.ToArray().Select(b => $"0x{b:X2}")) + ">";
    }

    /// <inheritdoc/>
    public override StreamDecoder CreateStreamDecoder() => new Utf8StreamDecoder(this, id => _bytes[id]);

    internal override int EncodePrefix(ReadOnlySpan<char> text, bool final, List<int> output, long position)
    {
        int length = BpeSegmenter.SafeLength(text, final);
        if (length == 0) return 0;
        foreach (int original in _data.Tokenizer.EncodeToIds(text[..length]))
            output.Add(ToCompact(original));
        return length;
    }

    private protected override void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteString("encoding", _data.Name);
        Json.WriteInts(writer, "originalIds", _originalIds);
    }

    internal static BpeTokenizer ReadJson(JsonElement root)
    {
        string encoding = Json.String(root, "encoding");
        int[] ids = Json.IntArray(root, "originalIds");
        for (int i = 1; i < ids.Length; i++)
            if (ids[i] <= ids[i - 1]) throw Invalid("\"originalIds\" is not strictly ascending");
        return new BpeTokenizer(encoding, ids);
    }

    /// <summary>Collects the original ids of a streamed text (for building a vocabulary).</summary>
    internal sealed class Counter(string encoding)
    {
        private readonly TiktokenData _data = TiktokenData.Get(encoding);
        private readonly PendingText _pending = new();
        private bool[]? _seen;

        public void Add(ReadOnlySpan<char> text)
        {
            _pending.Append(text);
            Count(final: false);
        }

        public void EndText() => Count(final: true);

        public BpeTokenizer Build()
        {
            EndText();
            var ids = new List<int>();
            if (_seen is not null)
                for (int id = 0; id < _seen.Length; id++)
                    if (_seen[id]) ids.Add(id);
            return new BpeTokenizer(_data.Name, ids);
        }

        private void Count(bool final)
        {
            ReadOnlySpan<char> text = _pending.Span;
            int length = BpeSegmenter.SafeLength(text, final);
            if (length == 0) return;
            _seen ??= new bool[_data.IdLimit];
            foreach (int id in _data.Tokenizer.EncodeToIds(text[..length])) _seen[id] = true;
            _pending.Consume(length);
        }
    }
}

/// <summary>
/// Where a streamed text can be cut without changing its BPE ids. tiktoken's pre-tokenizer (the cl100k and
/// o200k regular expressions) never lets a piece run from a newline into a following non-whitespace
/// character, nor from a letter into " " followed by a letter, so cuts there give the same ids as encoding
/// the whole text. A run of <see cref="HardLimit"/> chars without such a place is cut at the limit.
/// </summary>
internal static class BpeSegmenter
{
    public const int HardLimit = 1 << 18;

    /// <summary>Length of the prefix of <paramref name="text"/> that can be encoded now (all of it when final).</summary>
    public static int SafeLength(ReadOnlySpan<char> text, bool final)
    {
        if (final) return text.Length;
        for (int i = text.Length - 1; i >= 1; i--)
            if (text[i - 1] == '\n' && !char.IsWhiteSpace(text[i])) return i;
        for (int i = text.Length - 2; i >= 1; i--)
            if (text[i] == ' ' && char.IsLetter(text[i - 1]) && char.IsLetter(text[i + 1])) return i;
        if (text.Length < HardLimit) return 0;
        return char.IsHighSurrogate(text[HardLimit - 1]) ? HardLimit - 1 : HardLimit;
    }
}
