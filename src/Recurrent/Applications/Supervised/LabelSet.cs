// LabelSet: the names of the classes of a task (sequence labels or tags), id = position. Built from the
// training data in order of first appearance (sorted, for a stable id order that does not depend on the
// file order), stored as a JSON array in the model's task metadata.
namespace Recurrent.Supervised;

/// <summary>Class names and their ids.</summary>
public sealed class LabelSet
{
    private readonly string[] _names;
    private readonly Dictionary<string, int> _ids;

    /// <summary>Labels in id order; each must be non-empty and distinct.</summary>
    public LabelSet(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        _names = [.. names];
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _names.Length; i++)
        {
            if (string.IsNullOrEmpty(_names[i])) throw new ArgumentException("A label is empty.", nameof(names));
            if (!_ids.TryAdd(_names[i], i)) throw new ArgumentException($"The label '{_names[i]}' appears twice.", nameof(names));
        }
        if (_names.Length == 0) throw new ArgumentException("A label set needs at least one label.", nameof(names));
    }

    /// <summary>The distinct labels of <paramref name="seen"/>, sorted ordinally.</summary>
    public static LabelSet FromData(IEnumerable<string> seen) =>
        new(seen.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary>Number of classes.</summary>
    public int Count => _names.Length;

    /// <summary>Labels in id order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The label of class <paramref name="id"/>.</summary>
    public string this[int id] => _names[id];

    /// <summary>The id of <paramref name="label"/>, or false when the set does not have it.</summary>
    public bool TryGetId(string label, out int id) => _ids.TryGetValue(label, out id);
}
