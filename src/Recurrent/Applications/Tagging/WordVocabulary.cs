// WordVocabulary: the token vocabulary of the tagger — every distinct token of the training sentences, in
// sorted order after the unknown token "<unk>" (id 0), which stands for any token not seen in training.
// Tokens are taken as they are (no splitting or lower-casing: CoNLL files are already tokenised).
namespace Recurrent.Tagging;

/// <summary>Token ↔ id with id 0 = unknown.</summary>
public sealed class WordVocabulary
{
    /// <summary>The text of id 0.</summary>
    public const string Unknown = "<unk>";
    private readonly string[] _words;
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    /// <summary>A vocabulary over <paramref name="words"/> (id 1 = the first), after <see cref="Unknown"/>.</summary>
    public WordVocabulary(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        _words = [Unknown, .. words];
        for (int i = 0; i < _words.Length; i++)
            if (!_ids.TryAdd(_words[i], i)) throw new ArgumentException($"The token '{_words[i]}' appears twice in the vocabulary.", nameof(words));
    }

    /// <summary>The distinct tokens of <paramref name="tokens"/>, sorted ordinally.</summary>
    public static WordVocabulary FromTokens(IEnumerable<string> tokens) =>
        new(tokens.Where(t => t != Unknown).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary>Ids 0..Count-1.</summary>
    public int Count => _words.Length;

    /// <summary>The tokens after <see cref="Unknown"/>, in id order (for saving).</summary>
    public IEnumerable<string> Words => _words.Skip(1);

    /// <summary>The id of <paramref name="token"/>, 0 when unknown.</summary>
    public int Id(string token) => _ids.TryGetValue(token, out int id) ? id : 0;
}
