// Vocabulary: the one table between names and ids — a classifier's labels, a tagger's tags and words, an
// encoder–decoder's characters. Reserved entries (an unknown token, padding, start and end markers) come first and
// keep their ids; the others follow in the order given (FromData sorts them ordinally, so ids do not depend on the
// order of the file). A vocabulary with an unknown entry maps every name it has not seen to it; one without refuses
// to guess (TryGetId says no). Entries are unique and non-empty.
namespace Recurrent.Data;

/// <summary>Names ↔ ids, with optional reserved entries first.</summary>
public sealed class Vocabulary
{
    /// <summary>The usual unknown entry.</summary>
    public const string UnknownToken = "<unk>";

    private readonly string[] _names;
    private readonly Dictionary<string, int> _ids;

    /// <summary>
    /// A vocabulary of <paramref name="reserved"/> (ids 0..R−1) then <paramref name="entries"/>;
    /// <paramref name="unknown"/>, when given, must be one of the reserved entries and stands for every unseen name.
    /// </summary>
    public Vocabulary(IEnumerable<string> entries, IReadOnlyList<string>? reserved = null, string? unknown = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        reserved ??= [];
        _names = [.. reserved, .. entries];
        _ids = new Dictionary<string, int>(_names.Length, StringComparer.Ordinal);
        for (int i = 0; i < _names.Length; i++)
        {
            if (string.IsNullOrEmpty(_names[i])) throw new ArgumentException("A vocabulary entry is empty.", nameof(entries));
            if (!_ids.TryAdd(_names[i], i)) throw new ArgumentException($"The entry '{_names[i]}' appears twice.", nameof(entries));
        }
        Reserved = reserved.Count;
        if (unknown is not null)
            UnknownId = _ids.TryGetValue(unknown, out int u) && u < Reserved ? u
                : throw new ArgumentException($"The unknown entry '{unknown}' must be one of the reserved entries.", nameof(unknown));
        if (_names.Length == 0) throw new ArgumentException("A vocabulary needs at least one entry.", nameof(entries));
    }

    /// <summary>The distinct names of <paramref name="seen"/>, ordinally sorted, after <paramref name="reserved"/>.</summary>
    public static Vocabulary FromData(IEnumerable<string> seen, IReadOnlyList<string>? reserved = null, string? unknown = null)
    {
        ArgumentNullException.ThrowIfNull(seen);
        var skip = new HashSet<string>(reserved ?? [], StringComparer.Ordinal);
        return new Vocabulary(seen.Where(s => !skip.Contains(s)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), reserved, unknown);
    }

    /// <summary>Labels (no reserved entries, no unknown) from the labels seen in training data.</summary>
    public static Vocabulary OfLabels(IEnumerable<string> seen) => FromData(seen);

    /// <summary>Words with "&lt;unk&gt;" at id 0 for every word not seen, from the tokens seen in training data.</summary>
    public static Vocabulary OfWords(IEnumerable<string> seen) => FromData(seen, [UnknownToken], UnknownToken);

    /// <summary>Words stored in a model file (without the unknown entry), with "&lt;unk&gt;" put back at id 0.</summary>
    public static Vocabulary WithUnknown(IEnumerable<string> words) => new(words, [UnknownToken], UnknownToken);

    /// <summary>Entries, reserved ones included.</summary>
    public int Count => _names.Length;

    /// <summary>How many reserved entries come first.</summary>
    public int Reserved { get; }

    /// <summary>The id every unseen name maps to, or null when unseen names are refused.</summary>
    public int? UnknownId { get; }

    /// <summary>All names by id, reserved ones included.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The names after the reserved ones (what a model file stores).</summary>
    public IEnumerable<string> Entries => _names.Skip(Reserved);

    /// <summary>The name of <paramref name="id"/>.</summary>
    public string this[int id] => _names[id];

    /// <summary>The id of <paramref name="name"/>, if it is in the vocabulary.</summary>
    public bool TryGetId(string name, out int id) => _ids.TryGetValue(name, out id);

    /// <summary>The id of <paramref name="name"/>, or the unknown id; KeyNotFoundException when there is none.</summary>
    public int Id(string name) =>
        _ids.TryGetValue(name, out int id) ? id
        : UnknownId ?? throw new KeyNotFoundException($"'{name}' is not in the vocabulary.");
}
