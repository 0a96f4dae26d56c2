// ConllReader: CoNLL-style tagging files — one token per line with its tag, fields separated by whitespace,
// the token first and the tag last (so CoNLL-2003's "token POS chunk NER" lines give the NER tag); a blank
// line ends a sentence; "-DOCSTART-" lines are skipped. For prediction the tag is optional: a line's first
// field is its token. Every error names the file and the line. The bytes are decoded strictly
// (Data/TextFileLines), UTF-8 unless the caller names another encoding.
using System.Text;
using Recurrent.Data;

namespace Recurrent.Tagging;

/// <summary>A sentence: its tokens, their tags (null for prediction input without tags) and its first line.</summary>
public sealed record TaggedSentence(string[] Tokens, string[]? Tags, int Line);

/// <summary>Reads CoNLL-style token/tag files.</summary>
public static class ConllReader
{
    /// <summary>The document separator line skipped by the reader.</summary>
    public const string DocStart = "-DOCSTART-";

    /// <summary>
    /// Reads the sentences of <paramref name="path"/>. With <paramref name="requireTags"/> every token line
    /// needs a tag (two or more fields); without, tags are read when every line of a sentence has one.
    /// The file is decoded strictly in <paramref name="encoding"/> (null: UTF-8). Throws InvalidDataException
    /// naming the file and line for a malformed line or a file without tokens; <see cref="CorpusException"/>
    /// naming the file, line and byte offset for bytes that are not valid in the encoding;
    /// FileNotFoundException for a missing file.
    /// </summary>
    public static List<TaggedSentence> Read(string path, bool requireTags, Encoding? encoding = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        var sentences = new List<TaggedSentence>();
        var tokens = new List<string>();
        var tags = new List<string?>();
        int start = 0;
        void End()
        {
            if (tokens.Count == 0) return;
            bool tagged = tags.All(t => t is not null);
            sentences.Add(new TaggedSentence([.. tokens], tagged ? tags.Select(t => t!).ToArray() : null, start));
            tokens.Clear();
            tags.Clear();
        }
        foreach (var (lineNumber, raw) in TextFileLines.Read(full, encoding))
        {
            string line = raw.Trim();
            if (line.Length == 0) { End(); continue; }
            string[] fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields[0] == DocStart) { End(); continue; }
            if (fields.Length < 2 && requireTags)
                throw new InvalidDataException($"'{full}' line {lineNumber}: '{line}' has no tag; each line must be 'token tag' (whitespace-separated), with a blank line between sentences.");
            if (tokens.Count == 0) start = lineNumber;
            tokens.Add(fields[0]);
            tags.Add(fields.Length >= 2 ? fields[^1] : null);
        }
        End();
        if (sentences.Count == 0)
            throw new InvalidDataException($"'{full}' has no tokens (it is empty or blank); expected lines 'token tag' with a blank line between sentences.");
        return sentences;
    }
}
