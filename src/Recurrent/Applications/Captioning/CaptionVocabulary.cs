// CaptionVocabulary: the word vocabulary of a captioner. Captions are tokenised one way everywhere (training,
// references for BLEU, prediction): lower-cased (invariant culture), words are the maximal runs of letters and
// digits, an apostrophe between two letters/digits stays inside its word ("don't", "o'clock"), everything else
// (punctuation, spaces, other apostrophes) separates words and is dropped. Ids: 0 pad, 1 start, 2 end — the same
// specials as Seq2SeqVocabulary, so Decoding and ConditionedGenerator work unchanged — 3 <unk> (a word seen fewer
// than MinCount times in the training captions, or never), then the kept words by frequency, most frequent first,
// ties in ordinal order.
using System.Text;
using System.Text.Json;
using Recurrent.Seq2Seq;

namespace Recurrent.Captioning;

/// <summary>Word vocabulary of image captions with pad, start, end and unknown tokens.</summary>
public sealed class CaptionVocabulary
{
    /// <summary>Id of the padding token.</summary>
    public const int Pad = Seq2SeqVocabulary.Pad;
    /// <summary>Id of the start token.</summary>
    public const int Start = Seq2SeqVocabulary.Start;
    /// <summary>Id of the end token.</summary>
    public const int End = Seq2SeqVocabulary.End;
    /// <summary>Id of the unknown-word token.</summary>
    public const int Unknown = 3;
    /// <summary>Number of special tokens before the words.</summary>
    public const int Specials = 4;
    /// <summary>How the unknown word is written.</summary>
    public const string UnknownWord = "<unk>";

    private static readonly string[] SpecialNames = ["<pad>", "<s>", "</s>", UnknownWord];
    private readonly string[] _words;
    private readonly Dictionary<string, int> _ids;

    /// <summary>A vocabulary of <paramref name="words"/> in id order (ids from <see cref="Specials"/>); they must be distinct tokens.</summary>
    public CaptionVocabulary(IEnumerable<string> words, int minCount = 1)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (minCount < 1) throw new ArgumentException($"minCount must be at least 1, got {minCount}.", nameof(minCount));
        _words = words.ToArray();
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _words.Length; i++)
        {
            string w = _words[i] ?? throw new ArgumentException($"word {i} is null.", nameof(words));
            if (Tokenize(w) is not [var only] || only != w)
                throw new ArgumentException($"'{w}' (word {i}) is not one token as Tokenize writes it.", nameof(words));
            if (!_ids.TryAdd(w, Specials + i)) throw new ArgumentException($"'{w}' appears twice (word {i}).", nameof(words));
        }
        MinCount = minCount;
    }

    /// <summary>
    /// The vocabulary of <paramref name="captions"/> (the training captions): every word that occurs at least
    /// <paramref name="minCount"/> times, most frequent first, ties in ordinal order.
    /// </summary>
    public static CaptionVocabulary Build(IEnumerable<string> captions, int minCount = 1)
    {
        ArgumentNullException.ThrowIfNull(captions);
        if (minCount < 1) throw new ArgumentException($"minCount must be at least 1, got {minCount}.", nameof(minCount));
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string caption in captions)
            foreach (string w in Tokenize(caption)) counts[w] = counts.GetValueOrDefault(w) + 1;
        var kept = counts.Where(kv => kv.Value >= minCount)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key);
        return new CaptionVocabulary(kept, minCount);
    }

    /// <summary>The words of <paramref name="text"/>, lower-cased (see the file header).</summary>
    public static List<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var word = new StringBuilder();
        Rune[] runes = text.ToLowerInvariant().EnumerateRunes().ToArray();
        for (int i = 0; i < runes.Length; i++)
        {
            Rune r = runes[i];
            if (Rune.IsLetterOrDigit(r)) word.Append(r.ToString());
            else if (IsApostrophe(r) && word.Length > 0 && i + 1 < runes.Length && Rune.IsLetterOrDigit(runes[i + 1])) word.Append(r.ToString());
            else Flush();
        }
        Flush();
        return words;

        void Flush()
        {
            if (word.Length > 0) words.Add(word.ToString());
            word.Clear();
        }
    }

    private static bool IsApostrophe(Rune r) => r.Value is '\'' or '\u2019';

    /// <summary>Specials plus words.</summary>
    public int Size => Specials + _words.Length;
    /// <summary>The minimum training count a word needed to be kept.</summary>
    public int MinCount { get; }
    /// <summary>The words, by id − <see cref="Specials"/>.</summary>
    public IReadOnlyList<string> Words => _words;

    /// <summary>The id of <paramref name="word"/> (a token as Tokenize writes it), or <see cref="Unknown"/>.</summary>
    public int IdOf(string word) => _ids.TryGetValue(word, out int id) ? id : Unknown;

    /// <summary>The ids of the words of <paramref name="caption"/>; unknown words are <see cref="Unknown"/>.</summary>
    public int[] Encode(string caption) => Tokenize(caption).Select(IdOf).ToArray();

    /// <summary>The word of <paramref name="id"/> ("&lt;pad&gt;", "&lt;s&gt;", "&lt;/s&gt;", "&lt;unk&gt;" for the specials).</summary>
    public string Word(int id)
    {
        if ((uint)id >= (uint)Size) throw new ArgumentException($"id {id} is outside [0, {Size}).", nameof(id));
        return id < Specials ? SpecialNames[id] : _words[id - Specials];
    }

    /// <summary>The words of <paramref name="ids"/> joined by single spaces; pad, start and end are skipped, unknown is "&lt;unk&gt;".</summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var sb = new StringBuilder();
        foreach (int id in ids)
        {
            if (id is Pad or Start or End) continue;
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(Word(id));
        }
        return sb.ToString();
    }

    /// <summary>JSON form stored in model files: {"specials":[...],"min_count":n,"words":[...]}.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["specials"] = SpecialNames,
        ["min_count"] = MinCount,
        ["words"] = _words,
    });

    /// <summary>Reads <see cref="ToJson"/>'s form; throws InvalidDataException when it is not one.</summary>
    public static CaptionVocabulary FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var specials = root.GetProperty("specials").EnumerateArray().Select(e => e.GetString()).ToArray();
            if (!specials.SequenceEqual(SpecialNames))
                throw new InvalidDataException($"The caption vocabulary's specials are [{string.Join(", ", specials)}]; this build reads [{string.Join(", ", SpecialNames)}].");
            var words = root.GetProperty("words").EnumerateArray().Select(e => e.GetString()!).ToArray();
            return new CaptionVocabulary(words, root.GetProperty("min_count").GetInt32());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"The caption vocabulary cannot be read: {e.Message}");
        }
    }
}
