// JiebaUserDictionary: reads a jieba user dictionary (jieba's format: one `word [frequency] [tag]` per line, UTF-8)
// strictly, with errors naming the file and line, and adds its words to the segmenter. A word without a frequency
// gets jieba's suggestion (just enough to beat its parts), resolved here once, so the (word, frequency) pairs a
// tokenizer stores re-create exactly the same dictionary wherever the model is loaded. Words must be Chinese
// characters only: the jieba tokenizer gives jieba nothing else (other text is split by the word rules), so any
// other word could never apply. The part-of-speech tag is accepted and ignored (only cutting is used).
using System.Globalization;
using System.Text;
using Recurrent.Data;

namespace Recurrent.Chinese;

/// <summary>A word added to jieba's dictionary and the frequency it was added with.</summary>
/// <param name="Word">Chinese characters only (U+4E00–U+9FD5).</param>
/// <param name="Frequency">Positive; higher makes jieba prefer the word over other cuts.</param>
public sealed record JiebaUserWord(string Word, int Frequency)
{
    /// <summary>Throws ArgumentException naming the word when it cannot be a jieba user word.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Word)) throw new ArgumentException("A jieba user word is empty.", nameof(Word));
        if (!Word.All(JiebaSplitter.IsHan))
            throw new ArgumentException($"The jieba user word \"{Word}\" has characters outside U+4E00–U+9FD5; the jieba tokenizer cuts only runs of " +
                "those with jieba (other text is split by the word rules), so the word could never apply.", nameof(Word));
        if (Frequency <= 0) throw new ArgumentException($"The jieba user word \"{Word}\" has frequency {Frequency}; it must be positive.", nameof(Frequency));
    }
}

/// <summary>Reads jieba user dictionaries.</summary>
public static class JiebaUserDictionary
{
    /// <summary>
    /// Reads <paramref name="path"/> (UTF-8; blank lines skipped; <c>word [frequency] [tag]</c> separated by spaces or
    /// tabs), adds its words to the segmenter and returns them with their frequencies, in file order (a repeated word
    /// keeps its last frequency). Throws <see cref="CorpusException"/> naming the file, and the line, for a missing or
    /// unreadable file, bytes that are not UTF-8, a word with characters other than Chinese ones, or a frequency too large.
    /// </summary>
    public static IReadOnlyList<JiebaUserWord> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new CorpusException($"The jieba user dictionary '{path}' does not exist. Give a UTF-8 file with one \"word [frequency] [tag]\" per line.", path);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(full, TextEncodings.Utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new CorpusException($"The jieba user dictionary '{path}' is not valid UTF-8 ({e.Message}); save it as UTF-8.", path, innerException: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CorpusException($"The jieba user dictionary '{path}' cannot be read: {e.Message}", path, innerException: e);
        }

        var parsed = new List<(string Word, int? Frequency)>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim().TrimStart('\uFEFF');
            if (line.Length == 0) continue;
            // jieba's reading: the word, then an optional frequency (digits), then an optional tag (lower-case letters).
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();
            if (fields.Count > 1 && fields[^1].All(char.IsAsciiLetterLower)) fields.RemoveAt(fields.Count - 1); // part-of-speech tag, unused
            int? frequency = null;
            if (fields.Count > 1 && fields[^1].All(char.IsAsciiDigit))
            {
                if (!int.TryParse(fields[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int f))
                    throw Bad(path, i, $"the frequency {fields[^1]} is larger than {int.MaxValue}");
                frequency = f > 0 ? f : null; // jieba: 0 asks for the suggested frequency
                fields.RemoveAt(fields.Count - 1);
            }
            string word = string.Join(' ', fields);
            if (!word.All(JiebaSplitter.IsHan))
                throw Bad(path, i, $"the word \"{word}\" has characters other than Chinese ones (U+4E00–U+9FD5); the jieba tokenizer gives jieba only " +
                    "runs of Chinese characters (other text is split by the word rules), so such a word could never apply");
            parsed.Add((word, frequency));
        }

        var order = new List<string>();
        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (word, frequency) in parsed)
        {
            if (!frequencies.ContainsKey(word)) order.Add(word);
            frequencies[word] = JiebaData.AddWord(word, frequency);
        }
        return order.ConvertAll(w => new JiebaUserWord(w, frequencies[w]));
    }

    private static CorpusException Bad(string path, int index, string what) =>
        new($"The jieba user dictionary '{path}', line {index + 1}: {what}.", path, line: index + 1);
}
