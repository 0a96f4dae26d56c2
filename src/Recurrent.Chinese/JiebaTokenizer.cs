// JiebaTokenizer: the "jieba" tokenizer kind — a word-level vocabulary over JiebaSplitter's pieces (Chinese words
// cut by jieba, other text by the word rules), most frequent first, <unk> as id 0, exactly as the word tokenizer
// (PieceVocabulary is shared). Decoding concatenates pieces, so Chinese comes back with no inserted spaces. The
// JSON form holds the vocabulary and the user words with their frequencies; the user words are added to the
// process's segmenter the first time the tokenizer encodes, so a model segments as it did in training.
using System.Text.Json;
using Recurrent.Chinese;
using Recurrent.Data;

[assembly: TokenizerProvider(typeof(JiebaTokenizerProvider))]

namespace Recurrent.Chinese;

/// <summary>
/// Chinese word-level tokenizer: id 0 is <c>&lt;unk&gt;</c>, ids 1.. are pieces ordered by training frequency. Runs
/// of Chinese characters (U+4E00–U+9FD5) are cut by jieba.NET in precise mode with its HMM for words outside the
/// dictionary; everything else is split as <see cref="WordTokenizer"/> splits it. Build one with
/// <see cref="TokenizerFactory"/> and <see cref="TokenizerKinds.Jieba"/> (with <see cref="TokenizerOptions.MaxVocabulary"/>
/// and <see cref="TokenizerOptions.UserDictionary"/>); models that hold one load it through
/// <see cref="Tokenizer.FromJson"/> as long as this package is part of the application.
/// </summary>
/// <remarks>
/// jieba keeps one dictionary per process: user words of every jieba tokenizer used in a process are added to it,
/// so two tokenizers with different user words in one process both cut with all of them.
/// </remarks>
public sealed class JiebaTokenizer : Tokenizer
{
    /// <summary>The text of id 0.</summary>
    public const string UnknownToken = PieceVocabulary.UnknownToken;

    private readonly PieceVocabulary _vocabulary;
    private readonly JiebaUserWord[] _userWords;
    private volatile bool _userWordsAdded;

    /// <summary>
    /// A tokenizer over <paramref name="words"/> in id order (id 1 = words[0]), each a piece jieba or the word rules
    /// can produce (Chinese characters only, or one word-rule piece without them) and appearing once; with
    /// <paramref name="userWords"/> added to the segmenter before it first cuts.
    /// </summary>
    public JiebaTokenizer(IEnumerable<string> words, IEnumerable<JiebaUserWord>? userWords = null)
    {
        var pieces = new List<(int, int)>(2);
        _vocabulary = new PieceVocabulary(words, word =>
        {
            bool han = word.Any(JiebaSplitter.IsHan);
            if (han && word.All(JiebaSplitter.IsHan)) return;
            pieces.Clear();
            if (!han) JiebaSplitter.Split(word, final: true, pieces); // the word rules alone; jieba is not loaded
            if (han || pieces.Count != 1)
                throw new ArgumentException($"\"{word}\" is not a single piece of the jieba tokenizer's splitting rules.", nameof(words));
        }, nameof(words));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        _userWords = (userWords ?? []).ToArray();
        foreach (var userWord in _userWords)
        {
            ArgumentNullException.ThrowIfNull(userWord, nameof(userWords));
            userWord.Validate();
            if (!seen.Add(userWord.Word)) throw new ArgumentException($"The user word \"{userWord.Word}\" appears twice.", nameof(userWords));
        }
    }

    /// <inheritdoc/>
    public override string Kind => TokenizerKinds.Jieba;

    /// <inheritdoc/>
    public override int VocabularySize => _vocabulary.Count;

    /// <inheritdoc/>
    public override int? UnknownId => 0;

    /// <summary>The vocabulary in id order, starting with <c>&lt;unk&gt;</c>.</summary>
    public IReadOnlyList<string> Words => _vocabulary.Words;

    /// <summary>The user words (from a user dictionary) this tokenizer adds to jieba's dictionary, with their frequencies.</summary>
    public IReadOnlyList<JiebaUserWord> UserWords => _userWords;

    /// <summary>
    /// The pieces of <paramref name="text"/> (jieba's words and the word rules' pieces, concatenating to the text),
    /// whether or not they are in the vocabulary: what <see cref="Tokenizer.Encode(string)"/> looks up.
    /// </summary>
    public IReadOnlyList<string> Segment(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        AddUserWords();
        return JiebaSplitter.Pieces(text);
    }

    /// <inheritdoc/>
    public override string Decode(ReadOnlySpan<int> ids)
    {
        foreach (int id in ids) CheckId(id);
        return _vocabulary.Decode(ids);
    }

    /// <inheritdoc/>
    public override string TokenText(int id)
    {
        CheckId(id);
        return _vocabulary[id];
    }

    /// <inheritdoc/>
    public override StreamDecoder CreateStreamDecoder() => new TextStreamDecoder(this, id => _vocabulary[id]);

    internal override int EncodePrefix(ReadOnlySpan<char> text, bool final, List<int> output, long position)
    {
        AddUserWords();
        var pieces = new List<(int Start, int Length)>();
        int consumed = JiebaSplitter.Split(text, final, pieces);
        _vocabulary.AppendIds(text, pieces, output);
        return consumed;
    }

    private protected override void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteString("segmenter", JiebaData.Version);
        _vocabulary.WriteJson(writer);
        writer.WriteStartArray("user_words");
        foreach (var userWord in _userWords)
        {
            writer.WriteStartObject();
            writer.WriteString("word", userWord.Word);
            writer.WriteNumber("frequency", userWord.Frequency);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    internal static JiebaTokenizer ReadJson(JsonElement root)
    {
        string[] words = Json.StringArray(root, "words");
        var userWords = new List<JiebaUserWord>();
        if (root.TryGetProperty("user_words", out JsonElement array))
        {
            if (array.ValueKind != JsonValueKind.Array) throw Invalid("\"user_words\" is not an array");
            int i = 0;
            foreach (JsonElement item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object) throw Invalid($"\"user_words\"[{i}] is not an object");
                userWords.Add(new JiebaUserWord(Json.String(item, "word"), Json.Int(item, "frequency")));
                i++;
            }
        }
        return new JiebaTokenizer(words, userWords);
    }

    /// <summary>Counts the pieces of a streamed text (after adding the user dictionary's words) and builds the tokenizer.</summary>
    internal static JiebaTokenizer Build(IEnumerable<CorpusChunk> chunks, TokenizerOptions options, bool eachChunkIsAText)
    {
        IReadOnlyList<JiebaUserWord> userWords = options.UserDictionary is string path ? JiebaUserDictionary.Read(path) : [];
        var counter = new PieceVocabulary.Counter(JiebaSplitter.Split, TokenizerKinds.Jieba, options.MaxDistinctWords);
        if (!TokenizerFactory.Feed(chunks, text => counter.Add(text), counter.EndText, eachChunkIsAText)) throw TokenizerFactory.EmptyText();
        return new JiebaTokenizer(counter.Vocabulary(options.MaxVocabulary), userWords);
    }

    private void AddUserWords()
    {
        if (_userWordsAdded) return;
        foreach (var userWord in _userWords) JiebaData.AddWord(userWord.Word, userWord.Frequency);
        _userWordsAdded = true;
    }
}

/// <summary>How the core library builds and reads jieba tokenizers (see TokenizerProviders in Recurrent).</summary>
internal sealed class JiebaTokenizerProvider : ITokenizerProvider
{
    public string Kind => TokenizerKinds.Jieba;

    public Tokenizer Build(IEnumerable<CorpusChunk> chunks, TokenizerOptions options, bool eachChunkIsAText) =>
        JiebaTokenizer.Build(chunks, options, eachChunkIsAText);

    public Tokenizer ReadJson(JsonElement root) => JiebaTokenizer.ReadJson(root);
}
