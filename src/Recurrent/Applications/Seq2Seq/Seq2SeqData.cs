// Seq2SeqData: source/target pairs — read from TSV files (one `source<TAB>target` per line) or generated —
// and their batches. A source becomes exactly SourceLength ids: its characters (reversed when the config says
// so) behind left padding with the pad token, so the encoder's last steps are always the real characters and
// every source is presented the same way whatever batch it is in. A target y_1..y_n becomes decoder inputs
// [start, y_1..y_n] and targets [y_1..y_n, end]; shorter targets in a batch are padded (inputs with pad,
// targets with the ignore index, so padding adds nothing to the loss). The files are decoded strictly
// (Data/TextFileLines): a byte that is not valid in the encoding is an error, never a U+FFFD in the vocabulary.
using System.Text;
using Recurrent.Data;
using Recurrent.Losses;

namespace Recurrent.Seq2Seq;

/// <summary>One training example.</summary>
/// <param name="Source">The input text.</param>
/// <param name="Target">The output text.</param>
public sealed record Seq2SeqPair(string Source, string Target);

/// <summary>A batch, time-major: Source (T_s,B), DecoderInput and Targets (T_d,B).</summary>
public sealed record Seq2SeqBatch(int[] Source, int SourceSteps, int[] DecoderInput, int[] Targets, int DecoderSteps, int Batch);

/// <summary>Reading pairs and making batches.</summary>
public static class Seq2SeqData
{
    /// <summary>
    /// Reads `source&lt;TAB&gt;target` lines (empty lines skipped), decoded strictly in <paramref name="encoding"/>
    /// (null: UTF-8). Throws InvalidDataException naming the file and line of the first line without exactly one
    /// tab or with an empty target; <see cref="CorpusException"/> naming the file, line and byte offset for bytes
    /// that are not valid in the encoding; FileNotFoundException for a missing file.
    /// </summary>
    public static List<Seq2SeqPair> ReadTsv(string path, Encoding? encoding = null)
    {
        var pairs = new List<Seq2SeqPair>();
        foreach (var (lineNumber, line) in TextFileLines.Read(path, encoding))
        {
            if (line.Length == 0) continue;
            int tab = line.IndexOf('\t');
            if (tab < 0 || line.IndexOf('\t', tab + 1) >= 0)
                throw new InvalidDataException($"'{path}' line {lineNumber}: expected `source<TAB>target` with exactly one tab, got \"{Shorten(line)}\".");
            if (tab == line.Length - 1)
                throw new InvalidDataException($"'{path}' line {lineNumber}: the target (after the tab) is empty.");
            pairs.Add(new Seq2SeqPair(line[..tab], line[(tab + 1)..]));
        }
        if (pairs.Count == 0) throw new InvalidDataException($"'{path}' has no `source<TAB>target` lines.");
        return pairs;
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";

    /// <summary>The SourceLength ids of a source: its characters, reversed if configured, behind left padding.</summary>
    public static int[] EncodeSource(Seq2SeqVocabulary vocabulary, Seq2SeqConfig config, string source)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(config);
        int[] chars = vocabulary.Encode(source);
        if (chars.Length > config.SourceLength)
            throw new ArgumentException($"the source \"{Shorten(source)}\" has {chars.Length} characters; the model reads at most {config.SourceLength}.", nameof(source));
        if (config.ReverseSource) Array.Reverse(chars);
        var ids = new int[config.SourceLength];
        chars.CopyTo(ids, config.SourceLength - chars.Length);
        return ids;
    }

    /// <summary>Encodes sources (as <see cref="EncodeSource"/>) into a time-major (T_s,B) array.</summary>
    public static int[] SourceBatch(Seq2SeqVocabulary vocabulary, Seq2SeqConfig config, IReadOnlyList<string> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        int b = sources.Count, t = config.SourceLength;
        var ids = new int[t * b];
        for (int i = 0; i < b; i++)
        {
            int[] s = EncodeSource(vocabulary, config, sources[i]);
            for (int k = 0; k < t; k++) ids[k * b + i] = s[k];
        }
        return ids;
    }

    /// <summary>The batch of the pairs at <paramref name="indices"/>.</summary>
    public static Seq2SeqBatch MakeBatch(Seq2SeqVocabulary vocabulary, Seq2SeqConfig config, IReadOnlyList<Seq2SeqPair> pairs, ReadOnlySpan<int> indices)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        int b = indices.Length;
        var sources = new string[b];
        var targets = new int[b][];
        for (int i = 0; i < b; i++)
        {
            sources[i] = pairs[indices[i]].Source;
            targets[i] = vocabulary.Encode(pairs[indices[i]].Target);
        }
        var (input, output, td) = DecoderBatch(targets);
        return new Seq2SeqBatch(SourceBatch(vocabulary, config, sources), config.SourceLength, input, output, td, b);
    }

    /// <summary>
    /// Teacher forcing of target id sequences (without start and end): decoder inputs [start, y_1..y_n] and targets
    /// [y_1..y_n, end], time-major (T_d,B) with T_d the longest target plus one; shorter rows are padded (inputs with
    /// the pad token, targets with the ignore index, so padding adds nothing to the loss).
    /// </summary>
    public static (int[] Input, int[] Targets, int Steps) DecoderBatch(IReadOnlyList<int[]> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count == 0) throw new ArgumentException("There are no targets.", nameof(targets));
        int b = targets.Count, td = targets.Max(t => t.Length) + 1;
        var input = new int[td * b];
        var output = new int[td * b];
        Array.Fill(input, Seq2SeqVocabulary.Pad);
        Array.Fill(output, SoftmaxCrossEntropy.IgnoreIndex);
        for (int i = 0; i < b; i++)
        {
            int[] y = targets[i];
            input[i] = Seq2SeqVocabulary.Start;
            for (int k = 0; k < y.Length; k++)
            {
                input[(k + 1) * b + i] = y[k];
                output[k * b + i] = y[k];
            }
            output[y.Length * b + i] = Seq2SeqVocabulary.End;
        }
        return (input, output, td);
    }
}
