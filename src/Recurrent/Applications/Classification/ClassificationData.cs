// ClassificationData: reading sequence-classification files. Two formats:
//   TSV (text):    one example per line, "label<TAB>text"; the text is everything after the first tab.
//   CSV (numeric): one sequence per line, "label,v1,v2,...,vn" — the label first, then the numbers (invariant
//                  culture: '.' decimal point); lines may have different lengths. With F features per step (the
//                  channels of a multichannel sequence) a line holds T·F numbers step-major — step 1's F values,
//                  then step 2's, ... — so its count must be a multiple of F; F = 1 reads one number per step.
// Blank lines are skipped; lines starting with '#' in CSV are comments. For prediction the label column is
// optional: a TSV line without a tab is all text, and a CSV line whose first field is not a number starts
// with a label (ignored); a CSV line of numbers only is all values. Every error names the file and line. The
// bytes are decoded strictly (Data/TextFileLines), UTF-8 unless the caller names another encoding.
using System.Globalization;
using System.Text;
using Recurrent.Data;

namespace Recurrent.Classification;

/// <summary>One line of a classification file.</summary>
/// <param name="Label">The label, or null when the line has none (prediction input).</param>
/// <param name="Text">The text (TSV); empty for CSV.</param>
/// <param name="Values">The numbers (CSV): T·F, step-major (step 1's F channels, then step 2's, ...); empty for TSV.</param>
/// <param name="Line">1-based line number.</param>
public sealed record ClassificationRecord(string? Label, string Text, float[] Values, int Line);

/// <summary>The two file formats of the classification task.</summary>
public enum ClassificationFormat
{
    /// <summary>label&lt;TAB&gt;text.</summary>
    Tsv,
    /// <summary>label,v1,...,vn (numbers; F per step, step-major).</summary>
    Csv,
}

/// <summary>Readers for <see cref="ClassificationFormat.Tsv"/> and <see cref="ClassificationFormat.Csv"/> files.</summary>
public static class ClassificationData
{
    /// <summary>The format a file name implies: .csv → CSV, anything else → TSV.</summary>
    public static ClassificationFormat FormatOf(string path) =>
        string.Equals(Path.GetExtension(path), ".csv", StringComparison.OrdinalIgnoreCase) ? ClassificationFormat.Csv : ClassificationFormat.Tsv;

    /// <summary>
    /// Reads every example of <paramref name="path"/>. With <paramref name="requireLabels"/>, a line without a
    /// label is an error; otherwise labels are read where present. The file is decoded strictly in
    /// <paramref name="encoding"/> (null: UTF-8). Throws InvalidDataException naming the file and line for a
    /// malformed line, and for a file without examples; <see cref="CorpusException"/> naming the file, line and
    /// byte offset for bytes that are not valid in the encoding; FileNotFoundException for a missing file.
    /// A CSV line holds <paramref name="featuresPerStep"/> numbers per step (F, step-major); a line whose count is not
    /// a multiple of F is an InvalidDataException naming the file, line and count. TSV takes only F = 1.
    /// </summary>
    public static List<ClassificationRecord> Read(string path, ClassificationFormat format, bool requireLabels, Encoding? encoding = null,
        int featuresPerStep = 1)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (featuresPerStep < 1) throw new ArgumentException($"featuresPerStep must be positive, got {featuresPerStep}.", nameof(featuresPerStep));
        if (format == ClassificationFormat.Tsv && featuresPerStep != 1)
            throw new ArgumentException($"featuresPerStep is for numeric (CSV) files; text (TSV) is read as tokens, so it must be 1, got {featuresPerStep}.", nameof(featuresPerStep));
        string full = Path.GetFullPath(path);
        var records = new List<ClassificationRecord>();
        foreach (var (lineNumber, line) in TextFileLines.Read(full, encoding))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            InvalidDataException Bad(string what) => new($"'{full}' line {lineNumber}: {what}");
            if (format == ClassificationFormat.Tsv)
            {
                int tab = line.IndexOf('\t');
                if (tab < 0)
                {
                    if (requireLabels) throw Bad("no tab, so no label column; each line must be 'label<TAB>text'.");
                    records.Add(new ClassificationRecord(null, line, [], lineNumber));
                    continue;
                }
                string label = line[..tab].Trim(), text = line[(tab + 1)..];
                if (label.Length == 0) throw Bad("the label before the tab is empty; each line must be 'label<TAB>text'.");
                if (text.Length == 0) throw Bad($"the text after the label '{label}' is empty.");
                records.Add(new ClassificationRecord(label, text, [], lineNumber));
            }
            else
            {
                if (line.TrimStart().StartsWith('#')) continue;
                string[] fields = line.Split(',');
                bool firstIsNumber = TryNumber(fields[0], out _);
                bool hasLabel = requireLabels || !firstIsNumber;
                string? label = hasLabel ? fields[0].Trim() : null;
                if (hasLabel && label!.Length == 0) throw Bad("the label (first field) is empty; each line must be 'label,v1,...,vn'.");
                int first = hasLabel ? 1 : 0;
                if (fields.Length - first == 0)
                    throw Bad(requireLabels ? $"only a label ('{label}'), no values; each line must be 'label,v1,...,vn'." : "no values.");
                var values = new float[fields.Length - first];
                for (int i = first; i < fields.Length; i++)
                    if (!TryNumber(fields[i], out values[i - first]))
                        throw Bad($"field {i + 1} ('{fields[i].Trim()}') is not a number; values use '.' as the decimal point.");
                if (values.Length % featuresPerStep != 0)
                    throw Bad($"{values.Length} numbers{(hasLabel ? " after the label" : "")}, which is not a multiple of {featuresPerStep}, the numbers per step; " +
                        $"a line holds T·{featuresPerStep} numbers, step by step (step 1's {featuresPerStep} values, then step 2's, ...): " +
                        "complete or remove the line, or, if the file's steps hold another number of values, use a model trained with that number (--features-per-step).");
                records.Add(new ClassificationRecord(label, "", values, lineNumber));
            }
        }
        if (records.Count == 0)
            throw new InvalidDataException($"'{full}' has no examples (it is empty or blank); expected lines '{(format == ClassificationFormat.Tsv ? "label<TAB>text" : "label,v1,...,vn")}'.");
        return records;
    }

    private static bool TryNumber(string field, out float value) =>
        float.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);
}
