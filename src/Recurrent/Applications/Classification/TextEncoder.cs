// TextEncoder: turns a classification text into token ids with a char or word vocabulary learnt from the
// training texts (the tokenizers of Data/). Id 0 is "unknown" in both: the word tokenizer's <unk>, and for
// characters a reserved id before the char tokenizer's ids (which are shifted by one), so a text with
// characters never seen in training is still classified instead of refused.
using System.Text;
using Recurrent.Data;

namespace Recurrent.Classification;

/// <summary>Char- or word-level encoding of texts with an unknown id 0.</summary>
public sealed class TextEncoder
{
    private readonly CharTokenizer? _chars;
    private readonly WordTokenizer? _words;

    private TextEncoder(CharTokenizer? chars, WordTokenizer? words)
    {
        _chars = chars;
        _words = words;
    }

    /// <summary>
    /// Learns a vocabulary of kind "char" or "word" from <paramref name="texts"/>, each text tokenized alone (the
    /// last word of one text and the first of the next are two words, never one).
    /// </summary>
    public static TextEncoder Build(string kind, IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return kind switch
        {
            TokenizerKinds.Char => new TextEncoder((CharTokenizer)TokenizerFactory.BuildFromTexts(TokenizerKinds.Char, texts), null),
            TokenizerKinds.Word => new TextEncoder(null, (WordTokenizer)TokenizerFactory.BuildFromTexts(TokenizerKinds.Word, texts)),
            _ => throw new ArgumentException($"Classification texts are split into 'char' or 'word' tokens, not '{kind}'.", nameof(kind)),
        };
    }

    /// <summary>Restores an encoder from the tokenizer JSON saved with the model.</summary>
    public static TextEncoder FromJson(string tokenizerJson)
    {
        Tokenizer t = Tokenizer.FromJson(tokenizerJson);
        return t switch
        {
            CharTokenizer c => new TextEncoder(c, null),
            WordTokenizer w => new TextEncoder(null, w),
            _ => throw new InvalidDataException($"A classification model uses a char or word tokenizer, not '{t.Kind}'."),
        };
    }

    /// <summary>"char" or "word".</summary>
    public string Kind => _chars is not null ? TokenizerKinds.Char : TokenizerKinds.Word;

    /// <summary>Token ids 0..VocabularySize-1; 0 is unknown.</summary>
    public int VocabularySize => _chars is not null ? _chars.VocabularySize + 1 : _words!.VocabularySize;

    /// <summary>The text of every model id in id order: "&lt;unk&gt;" for 0, then the characters or words.</summary>
    public IReadOnlyList<string> Vocabulary => _chars is not null
        ? [WordTokenizer.UnknownToken, .. Enumerable.Range(0, _chars.VocabularySize).Select(_chars.TokenText)]
        : _words!.Words;

    /// <summary>What a tokenizer id (of <see cref="ToJson"/>'s tokenizer) adds to become a model id: 1 for characters (0 is unknown), 0 for words.</summary>
    public int TokenizerIdOffset => _chars is not null ? 1 : 0;

    /// <summary>The tokenizer's JSON, for the model file.</summary>
    public string ToJson() => _chars is not null ? _chars.ToJson() : _words!.ToJson();

    /// <summary>The ids of <paramref name="text"/>; unknown characters or words give 0.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_words is not null) return _words.Encode(text);
        var ids = new List<int>(text.Length);
        foreach (Rune r in text.EnumerateRunes())
            ids.Add(_chars!.TryGetId(r.Value, out int id) ? id + 1 : 0);
        return [.. ids];
    }
}
