// WordTokenizer: a word-level vocabulary over WordSplitter's pieces (words, single punctuation characters,
// whitespace runs, single CJK characters), most frequent first, with <unk> as id 0. Decode(Encode(text)) is
// text whenever every piece of it is in the vocabulary; an unknown piece decodes as "<unk>". The vocabulary,
// its lookup and counting are PieceVocabulary's, shared with the jieba tokenizer of Recurrent.Chinese.
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
    public const string UnknownToken = PieceVocabulary.UnknownToken;

    private readonly PieceVocabulary _vocabulary;

    /// <summary>
    /// A tokenizer over <paramref name="words"/> in id order (id 1 = words[0]); each must be a single piece
    /// of the splitting rules (so it can ever be produced) and appear once.
    /// </summary>
    public WordTokenizer(IEnumerable<string> words)
    {
        var pieces = new List<(int, int)>(2);
        _vocabulary = new PieceVocabulary(words, word =>
        {
            pieces.Clear();
            WordSplitter.Split(word, final: true, pieces);
            if (pieces.Count != 1)
                throw new ArgumentException($"\"{word}\" is not a single piece of the word tokenizer's splitting rules.", nameof(words));
        }, nameof(words));
    }

    /// <inheritdoc/>
    public override string Kind => TokenizerKinds.Word;

    /// <inheritdoc/>
    public override int VocabularySize => _vocabulary.Count;

    /// <inheritdoc/>
    public override int? UnknownId => 0;

    /// <summary>The vocabulary in id order, starting with <c>&lt;unk&gt;</c>.</summary>
    public IReadOnlyList<string> Words => _vocabulary.Words;

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
        var pieces = new List<(int Start, int Length)>();
        int consumed = WordSplitter.Split(text, final, pieces);
        _vocabulary.AppendIds(text, pieces, output);
        return consumed;
    }

    private protected override void WriteJson(Utf8JsonWriter writer) => _vocabulary.WriteJson(writer);

    internal static WordTokenizer ReadJson(JsonElement root) => new(Json.StringArray(root, "words"));

    /// <summary>Counts the pieces of a streamed text and builds the tokenizer (most frequent first).</summary>
    internal static WordTokenizer Build(IEnumerable<CorpusChunk> chunks, TokenizerOptions options, bool eachChunkIsAText)
    {
        var counter = new PieceVocabulary.Counter(WordSplitter.Split, TokenizerKinds.Word, options.MaxDistinctWords);
        if (!TokenizerFactory.Feed(chunks, text => counter.Add(text), counter.EndText, eachChunkIsAText)) throw TokenizerFactory.EmptyText();
        return new WordTokenizer(counter.Vocabulary(options.MaxVocabulary));
    }
}
