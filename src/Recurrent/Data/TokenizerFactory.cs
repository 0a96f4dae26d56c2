// TokenizerFactory: builds a tokenizer's vocabulary from a corpus in one streaming pass over its chunks
// (distinct characters, word counts, or the set of BPE ids seen), and refuses a char vocabulary, or a number of
// distinct words, so large that another tokenizer is the better choice (memory stays bounded either way).
using System.Text;

namespace Recurrent.Data;

/// <summary>Settings for building a vocabulary.</summary>
public sealed record TokenizerOptions
{
    /// <summary>Word and jieba tokenizers: keep at most this many pieces (most frequent first; ties in ordinal order) besides <c>&lt;unk&gt;</c>. Null keeps all.</summary>
    public int? MaxVocabulary { get; init; }

    /// <summary>Char tokenizer: the most distinct characters accepted (default 10,000) before suggesting another tokenizer.</summary>
    public int MaxCharacters { get; init; } = 10_000;

    /// <summary>
    /// Word and jieba tokenizers: the most distinct pieces counted (default 1,000,000, about 150 MB of counts) before
    /// suggesting another tokenizer, so building the vocabulary of any corpus takes bounded memory.
    /// </summary>
    public int MaxDistinctWords { get; init; } = 1_000_000;

    /// <summary>BPE tokenizer: the base tiktoken encoding, "cl100k_base" (default) or "o200k_base".</summary>
    public string BpeEncoding { get; init; } = "cl100k_base";

    /// <summary>
    /// Jieba tokenizer: a jieba user dictionary (UTF-8, one <c>word [frequency] [tag]</c> per line) whose words are
    /// added to the segmenter before the corpus is segmented. The words and their frequencies are stored in the
    /// tokenizer, so a model segments the same way wherever it is loaded. Null: jieba's dictionary alone.
    /// </summary>
    public string? UserDictionary { get; init; }

    /// <summary>Throws ArgumentException naming the first impossible setting.</summary>
    public void Validate()
    {
        if (MaxVocabulary is <= 0) throw new ArgumentException($"MaxVocabulary must be positive, got {MaxVocabulary}.", nameof(MaxVocabulary));
        if (MaxCharacters <= 0) throw new ArgumentException($"MaxCharacters must be positive, got {MaxCharacters}.", nameof(MaxCharacters));
        if (MaxDistinctWords <= 0) throw new ArgumentException($"MaxDistinctWords must be positive, got {MaxDistinctWords}.", nameof(MaxDistinctWords));
        if (!BpeTokenizer.Encodings.Contains(BpeEncoding))
            throw new ArgumentException($"BpeEncoding must be one of {string.Join(", ", BpeTokenizer.Encodings)}, got '{BpeEncoding}'.", nameof(BpeEncoding));
    }
}

/// <summary>
/// Builds tokenizers from training text. Word pieces are: runs of letters, combining marks and numbers (an
/// apostrophe between two letters stays inside, so "don't" is one piece); each CJK ideograph and kana alone;
/// each whitespace run; every other character alone (marks stay with the character before them); runs longer
/// than 64 characters are cut. Concatenating the pieces gives the text back.
/// </summary>
public static class TokenizerFactory
{
    /// <summary>
    /// Builds a tokenizer of <paramref name="kind"/> (see <see cref="TokenizerKinds"/>) from text given in
    /// chunks (in one pass; a chunk may end anywhere, even inside a surrogate pair). Throws
    /// <see cref="CorpusException"/> when the text is empty or has more distinct characters than
    /// <see cref="TokenizerOptions.MaxCharacters"/> for the char tokenizer, and ArgumentException for an
    /// unknown kind or text with unpaired surrogates.
    /// </summary>
    public static Tokenizer Build(string kind, IEnumerable<string> textChunks, TokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(textChunks);
        return Build(kind, textChunks.Select(text => new CorpusChunk("", text)), options);
    }

    /// <summary>
    /// Builds a tokenizer of <paramref name="kind"/> from separate texts (sentences, documents, the examples of a
    /// classification file): each string is a text of its own, so no word or BPE piece spans two of them — unlike
    /// <see cref="Build(string, IEnumerable{string}, TokenizerOptions?)"/>, whose strings are chunks of one text.
    /// Throws as that method does; a text that ends or starts inside a surrogate pair is an unpaired surrogate.
    /// </summary>
    public static Tokenizer BuildFromTexts(string kind, IEnumerable<string> texts, TokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return Build(kind, texts.Select(text => new CorpusChunk("", text)), options, eachChunkIsAText: true);
    }

    /// <summary>
    /// Builds a tokenizer from the text of a corpus; each file is a text of its own (no word or BPE piece
    /// spans two files), as <see cref="LanguageDataset.Encode"/> encodes them.
    /// See <see cref="Build(string, IEnumerable{string}, TokenizerOptions?)"/>.
    /// </summary>
    public static Tokenizer Build(string kind, CorpusSource corpus, TokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        return Build(kind, corpus.Read(), options);
    }

    /// <summary>
    /// Builds from chunks; a change of <see cref="CorpusChunk.Path"/> ends one text and starts the next, and so
    /// does every chunk when <paramref name="eachChunkIsAText"/>.
    /// </summary>
    internal static Tokenizer Build(string kind, IEnumerable<CorpusChunk> chunks, TokenizerOptions? options, bool eachChunkIsAText = false)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(chunks);
        options ??= new TokenizerOptions();
        options.Validate();
        if (options.UserDictionary is not null && kind != TokenizerKinds.Jieba)
            throw new ArgumentException($"UserDictionary is for the jieba tokenizer, not '{kind}'.", nameof(options));
        switch (kind)
        {
            case TokenizerKinds.Char:
                return BuildChar(chunks.Select(c => c.Text), options.MaxCharacters, eachChunkIsAText);
            case TokenizerKinds.Byte:
                foreach (var _ in chunks) { } // nothing to learn; reading still checks the corpus decodes
                return ByteTokenizer.Instance;
            case TokenizerKinds.Word:
                return WordTokenizer.Build(chunks, options, eachChunkIsAText);
            case TokenizerKinds.Bpe:
            {
                var counter = new BpeTokenizer.Counter(options.BpeEncoding);
                if (!Feed(chunks, text => counter.Add(text), counter.EndText, eachChunkIsAText)) throw EmptyText();
                return counter.Build();
            }
            case TokenizerKinds.Jieba:
                return TokenizerProviders.Get(kind).Build(chunks, options, eachChunkIsAText);
            default:
                throw new ArgumentException($"Unknown tokenizer kind '{kind}'; use one of {string.Join(", ", TokenizerKinds.All)}.", nameof(kind));
        }
    }

    /// <summary>
    /// Passes each chunk to add, calling endText between files (between all chunks when
    /// <paramref name="eachChunkIsAText"/>) and at the end; false when there was no text.
    /// </summary>
    internal static bool Feed(IEnumerable<CorpusChunk> chunks, Action<string> add, Action endText, bool eachChunkIsAText)
    {
        bool any = false;
        string? path = null;
        foreach (var chunk in chunks)
        {
            if (path is not null && (eachChunkIsAText || !string.Equals(path, chunk.Path, StringComparison.Ordinal))) endText();
            path = chunk.Path;
            any |= chunk.Text.Length > 0;
            add(chunk.Text);
        }
        endText();
        return any;
    }

    private static CharTokenizer BuildChar(IEnumerable<string> chunks, int maxCharacters, bool eachChunkIsAText)
    {
        var seen = new ulong[0x110000 / 64];
        int distinct = 0;
        char pendingHigh = '\0';
        foreach (string chunk in chunks)
        {
            if (eachChunkIsAText && pendingHigh != '\0') throw Unpaired(pendingHigh); // a text may not end inside a pair
            for (int i = 0; i < chunk.Length; i++)
            {
                char c = chunk[i];
                int cp;
                if (pendingHigh != '\0')
                {
                    if (!char.IsLowSurrogate(c)) throw Unpaired(pendingHigh);
                    cp = char.ConvertToUtf32(pendingHigh, c);
                    pendingHigh = '\0';
                }
                else if (char.IsHighSurrogate(c))
                {
                    if (i + 1 == chunk.Length) { pendingHigh = c; continue; }
                    if (!char.IsLowSurrogate(chunk[i + 1])) throw Unpaired(c);
                    cp = char.ConvertToUtf32(c, chunk[++i]);
                }
                else if (char.IsLowSurrogate(c)) throw Unpaired(c);
                else cp = c;
                ref ulong word = ref seen[cp >> 6];
                ulong bit = 1UL << (cp & 63);
                if ((word & bit) != 0) continue;
                word |= bit;
                if (++distinct > maxCharacters)
                    throw new CorpusException(
                        $"The corpus has more than {maxCharacters:N0} distinct characters, too many for the char tokenizer " +
                        "(a softmax that wide is slow and most of those characters are too rare to learn). " +
                        "Use --tokenizer word, --tokenizer bpe or --tokenizer byte instead.");
            }
        }
        if (pendingHigh != '\0') throw Unpaired(pendingHigh);
        if (distinct == 0) throw EmptyText();
        var codePoints = new List<int>(distinct);
        for (int w = 0; w < seen.Length; w++)
            for (ulong bits = seen[w]; bits != 0; bits &= bits - 1)
                codePoints.Add(w * 64 + System.Numerics.BitOperations.TrailingZeroCount(bits));
        return new CharTokenizer(codePoints);
    }

    private static ArgumentException Unpaired(char c) =>
        new($"The text has an unpaired surrogate {CharDisplay.Describe(c)}; it is not valid Unicode text.", "textChunks");

    internal static CorpusException EmptyText() => new("The corpus has no text to build a vocabulary from.");
}
