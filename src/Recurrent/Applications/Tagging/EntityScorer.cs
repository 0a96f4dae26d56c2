// EntityScorer: chunk-level precision, recall and F1 of a tagging, as conlleval computes them. Tags are
// "PREFIX-TYPE" (B-PER, I-LOC, and E-/S- for IOBES) or "O"; a chunk is a maximal span that conlleval's
// start-of-chunk / end-of-chunk rules delimit (an I- after O or after another type starts a chunk, so IOB1
// and BIO/IOB2 both work). A predicted chunk is correct when a true chunk has exactly its start, end and type.
// Tags without a hyphen (other than O) form no chunks.
namespace Recurrent.Tagging;

/// <summary>Counts of true, predicted and correct chunks per type, and their P/R/F1.</summary>
public sealed class EntityScorer
{
    private readonly SortedDictionary<string, (long Gold, long Predicted, long Correct)> _byType = new(StringComparer.Ordinal);

    /// <summary>Adds one sentence's true and predicted tags (same length).</summary>
    public void Add(IReadOnlyList<string> gold, IReadOnlyList<string> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count)
            throw new ArgumentException($"{gold.Count} true tags but {predicted.Count} predicted.", nameof(predicted));
        var goldChunks = Chunks(gold);
        var predChunks = Chunks(predicted);
        foreach (var c in goldChunks) Bump(c.Type, gold: 1);
        foreach (var c in predChunks) Bump(c.Type, predicted: 1);
        foreach (var c in predChunks) if (goldChunks.Contains(c)) Bump(c.Type, correct: 1);
    }

    private void Bump(string type, long gold = 0, long predicted = 0, long correct = 0)
    {
        var v = _byType.GetValueOrDefault(type);
        _byType[type] = (v.Gold + gold, v.Predicted + predicted, v.Correct + correct);
    }

    /// <summary>Chunk types seen in the truth or the predictions, sorted.</summary>
    public IEnumerable<string> Types => _byType.Keys;

    /// <summary>True chunks (all types, or one type).</summary>
    public long GoldChunks(string? type = null) => Sum(type, v => v.Gold);
    /// <summary>Predicted chunks.</summary>
    public long PredictedChunks(string? type = null) => Sum(type, v => v.Predicted);
    /// <summary>Predicted chunks that match a true chunk exactly.</summary>
    public long CorrectChunks(string? type = null) => Sum(type, v => v.Correct);

    /// <summary>Correct / predicted (0 when nothing was predicted).</summary>
    public double Precision(string? type = null) { long p = PredictedChunks(type); return p == 0 ? 0 : (double)CorrectChunks(type) / p; }
    /// <summary>Correct / true (0 when there are no true chunks).</summary>
    public double Recall(string? type = null) { long g = GoldChunks(type); return g == 0 ? 0 : (double)CorrectChunks(type) / g; }
    /// <summary>2PR/(P+R) (0 when both are 0).</summary>
    public double F1(string? type = null) { double p = Precision(type), r = Recall(type); return p + r == 0 ? 0 : 2 * p * r / (p + r); }

    private long Sum(string? type, Func<(long Gold, long Predicted, long Correct), long> pick) =>
        type is null ? _byType.Values.Sum(pick) : _byType.TryGetValue(type, out var v) ? pick(v) : 0;

    /// <summary>The chunks of a tag sequence as (start, end inclusive, type), by conlleval's rules.</summary>
    public static HashSet<(int Start, int End, string Type)> Chunks(IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var chunks = new HashSet<(int, int, string)>();
        string prevTag = "O", prevType = "";
        int start = -1;
        for (int i = 0; i <= tags.Count; i++)
        {
            var (tag, type) = i < tags.Count ? Split(tags[i]) : ("O", "");
            if (start >= 0 && EndOfChunk(prevTag, tag, prevType, type))
            {
                chunks.Add((start, i - 1, prevType));
                start = -1;
            }
            if (i < tags.Count && StartOfChunk(prevTag, tag, prevType, type)) start = i;
            prevTag = tag;
            prevType = type;
        }
        return chunks;
    }

    // "B-PER" → ("B", "PER"); "O" → ("O", ""); a tag without a hyphen is outside every chunk.
    private static (string Tag, string Type) Split(string t)
    {
        int dash = t.IndexOf('-');
        return dash <= 0 ? ("O", "") : (t[..dash], t[(dash + 1)..]);
    }

    // conlleval's endOfChunk: whether the chunk open at the previous token ends before this one.
    private static bool EndOfChunk(string prevTag, string tag, string prevType, string type) =>
        prevTag is "E" or "S"
        || (prevTag == "B" && tag is "B" or "S" or "O")
        || (prevTag == "I" && tag is "B" or "S" or "O")
        || (prevTag != "O" && prevType != type);

    // conlleval's startOfChunk: whether a chunk starts at this token.
    private static bool StartOfChunk(string prevTag, string tag, string prevType, string type) =>
        tag is "B" or "S"
        || (prevTag is "E" or "S" or "O" && tag is "E" or "I")
        || (tag != "O" && prevType != type);
}
